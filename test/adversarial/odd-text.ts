// What an adversarial person, a paste or a broken client can put into Slack: odd text, numbers and dates, drawn
// from a seeded generator so that a run can be repeated exactly.
import { seededRandom } from "../../src/fake-slack/server.js";

export class Dice {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = seededRandom(seed);
  }
  /** In [0, 1). */
  float(): number {
    return this.next();
  }
  /** A whole number in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error("nothing to pick from");
    return list[this.below(list.length)]!;
  }
  /** Picks by weight: [[weight, value], …]. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [w, value] of choices) {
      roll -= w;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]![1];
  }
}

/** Broadcasts as someone types them into a slash command (Slack turns them into <!channel> etc.) or pastes them raw. */
export const broadcasts = ["@channel", "@here", "@everyone", "<!channel>", "<!here>", "<!everyone>", "<!here|here>", "<!channel|channel>", "<!subteam^S0ONCALL|@oncall>"] as const;

const words = ["Checkout", "is", "down", "db-1", "502", "rollback", "deploy 4512", "payments", "EU", "latency p99", "canary", "fixed", "monitoring", "identified"];

const pieces: readonly string[] = [
  // characters PostgreSQL, JSON or Slack treat specially
  "\u0000",
  "a\u0000b",
  "\u0001\u001f\u007f",
  "\u200b\u200d",
  "\u202e",
  "\ufeff",
  "\ufffd",
  "\r\n",
  "\n\n\n",
  "\t",
  // emoji and other surrogate pairs (two UTF-16 units each; a cut must never split one)
  "💥",
  "👩‍💻",
  "🇺🇸🇪🇺",
  "𝒳𝒴𝒵",
  "🔥".repeat(7),
  // markup
  "<b>bold</b>",
  "<script>alert(1)</script>",
  "&amp;",
  "&lt;&gt;",
  "a < b > c & d",
  "<>&",
  "&",
  "<",
  ">",
  "*bold*",
  "_it_",
  "~gone~",
  "`code`",
  "```block```",
  "> quoted",
  // broadcasts and mentions
  ...broadcasts,
  "@bob",
  "@alice",
  "@nobody",
  "<@U_BOB|x>",
  "<@U_NOBODY>",
  "<@U_ALICE|<!channel>>",
  "<#C00000000|general>",
  "#general",
  "#incidents",
  "#inc-1-odd",
  "http://example.com/a?b=c&d=<e>",
  "<http://evil.example|click me>",
  "www.example.com",
  "mallory@example.com",
  // numbers and references
  "#0",
  "#1",
  "#2",
  "#-1",
  "#1.5",
  "#abc",
  "#99999999999",
  "-1",
  "0",
  "1",
  "4",
  "5",
  "1e309",
  "Infinity",
  "0x1F",
  "99999999999999999999",
  "9007199254740993",
  // dates and times
  "2999-12-31",
  "0001-01-01",
  "+275760-09-13",
  "2026-02-30",
  "1969-12-31",
  "25:61",
  // things that look like code
  "'; drop table incidents; --",
  "' or 1=1 --",
  "%",
  "_",
  "\\",
  "\\u0000",
  "%00",
  "$1",
  "{}",
  "[]",
  "null",
  '{"incidentId":1}',
  "__proto__",
  "constructor",
];

/** Long text: past Slack's block limits (3000, 2000), and full of characters that grow when escaped. */
function longPiece(dice: Dice): string {
  const unit = dice.pick(["x", "&", "<", ">", "💥", "<!channel> ", "a ", "<b>", "\u0000", "é"]);
  const length = dice.pick([151, 301, 1001, 2001, 2999, 3001, 4000, 12_000]);
  return unit.repeat(Math.ceil(length / unit.length));
}

/** Lone surrogates: JSON carries them (\ud800), UTF-8 (a form-encoded slash command) cannot. */
const loneSurrogates = ["\ud800", "x\udfff", "\ud83d", "\udca5\ud83d"];

export interface OddTextOptions {
  /** Let lone surrogates in (JSON bodies only). */
  surrogates?: boolean;
  /** Chance of a very long piece. */
  long?: number;
}

/** One to five odd pieces, sometimes among ordinary words. */
export function oddText(dice: Dice, opts: OddTextOptions = {}): string {
  const parts: string[] = [];
  const n = 1 + dice.below(5);
  for (let i = 0; i < n; i++) {
    const roll = dice.float();
    if (roll < (opts.long ?? 0.06)) parts.push(longPiece(dice));
    else if (roll < 0.35) parts.push(dice.pick(words));
    else if (opts.surrogates && roll < 0.4) parts.push(dice.pick(loneSurrogates));
    else parts.push(dice.pick(pieces));
  }
  return parts.join(dice.chance(0.8) ? " " : "");
}

/** Text a form's text box could hold: odd, but a person could have typed it (within max_length). */
export function typeableText(dice: Dice, maxLength: number | undefined, opts: OddTextOptions = {}): string {
  const text = oddText(dice, opts);
  if (maxLength === undefined || text.length <= maxLength) return text;
  let cut = text.slice(0, maxLength);
  // A client never leaves half an emoji in a box.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

export const oddNumbers = ["-5", "0", "1", "3", "61", "1441", "100000", "1e309", "1.5", "abc", "", "99999999999999999999", "NaN", " 7 ", "0x10"];
export const oddDates = ["2026-11-22", "2999-12-31", "9999-12-31", "+275760-09-13", "0001-01-01", "1970-01-01", "2026-02-30", "2026-13-01", "tomorrow", "", "2026-11-22T00:00:00Z", "\u0000"];
export const oddTimes = ["09:00", "00:00", "23:59", "24:00", "25:61", "9", "", "noon", "\u0000"];
export const oddUserIds = ["U_ALICE", "U_BOB", "U_CAROL", "U_GONE", "U_NOBODY", "UBOT", "", "<!channel>", "W_ENTERPRISE", "U_BOB,U_CAROL"];
export const oddIds = ["", "abc", "-1", "0", "1", "2", "3", "1.5", "1e3", "0x10", "99999999999999999999", "9007199254740993", " 1", "1\u0000", "\ud800", "null", "[1]", '{"incidentId":1}', "💥"];
export const oddMetadata = [
  "",
  "null",
  "[]",
  "\u0000",
  "{",
  '{"incidentId":"1"}',
  '{"incidentId":-1}',
  '{"incidentId":1e309}',
  '{"incidentId":99999999999999999}',
  '{"incidentId":1}',
  '{"incidentId":2}',
  '{"scheduleId":"x"}',
  '{"scheduleId":1}',
  '{"itemId":1.5}',
  '{"itemId":1}',
  '{"c":{"x":1},"r":5}',
  '{"c":"C00000000","r":"http://evil.example/"}',
  '{"incidentId":1,"__proto__":{"x":1}}',
  "x".repeat(3000),
];
