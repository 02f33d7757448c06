// How quickly war rooms get set up while Slack is in trouble: 20 incidents declared at once while 30% of calls are
// rate-limited, 5% fail with a 500, 5% are applied but their answer is lost and 15% take 11 s; how long until each
// has its channel, card, pin and announcement, and whether anything was made twice.
// Run alone: `npx tsx bench/recovery.ts` (PGlite; set BENCH_DATABASE_URL=postgres://… to add PostgreSQL,
// BENCH_SEED to replay other fault dice, BENCH_EXPLAIN=1 to see where the slow ones spent their time).
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { and, eq } from "drizzle-orm";
import { loadConfig } from "../src/config.js";
import { openPglite, openPostgres, type Database } from "../src/db/client.js";
import { incidents, outboxItems, type Incident } from "../src/db/schema.js";
import { createLogger } from "../src/log.js";
import { timelineOf } from "../src/timeline/append.js";
import { startWarroom } from "../src/warroom.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";
import type { FaultSettings } from "../src/fake-slack/faults.js";
import { scratchDatabase } from "./postgres.js";

/** The trouble the issue describes ("Recovery under Slack trouble is quick"). */
export const slackTrouble: FaultSettings = {
  rateLimit: { ratio: 0.3, retryAfterSec: 1 },
  serverError: { ratio: 0.05, status: 500 },
  lostAnswer: { ratio: 0.05, status: 500 },
  latency: { ms: 11_000, ratio: 0.15 },
};

export interface RecoveryOptions {
  incidents?: number;
  /** A PostgreSQL server to make a scratch database on; PGlite without it. */
  databaseUrl?: string;
  /** Stop waiting after this long. */
  giveUpAfterMs?: number;
  seed?: number;
  /** Print, for each incident slower than 60 s, when each step was done and which of its Slack calls failed. */
  explain?: boolean;
}

export interface RecoveryResult {
  database: "PGlite" | "PostgreSQL";
  incidents: number;
  /** Seconds from the submissions to each complete war room, fastest first; missing ones never completed. */
  completedAfterSec: number[];
  within60s: number;
  /** Things made more than once: channels, cards, pins, announcements, declarer links. */
  duplicates: { channels: number; cards: number; pins: number; announcements: number; links: number };
  /** Declarers who never saw their link: it goes through the response_url at most once, never twice. */
  linksMissing: number;
  slack: { calls: number; rateLimited: number; serverErrors: number };
}

export async function recoveryBench(options: RecoveryOptions = {}): Promise<RecoveryResult> {
  const count = options.incidents ?? 20;
  const giveUpAfterMs = options.giveUpAfterMs ?? 120_000;
  const fake = await startFakeSlack({ seed: options.seed ?? 7 });
  const scratch = options.databaseUrl ? await scratchDatabase(options.databaseUrl) : undefined;
  const database: Database = scratch ? openPostgres(scratch.url, 10) : await openPglite();
  const signingSecret = randomBytes(16).toString("hex");
  const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: fake.url, PORT: "0" });
  const warroom = await startWarroom({ config, database, logger: createLogger((process.env.BENCH_LOG_LEVEL as "warn" | undefined) ?? "silent") });
  const driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${warroom.port}/slack/events`, signingSecret });
  const users = ["U_ALICE", "U_BOB", "U_CAROL"];
  const general = fake.channelByName("general")!.id;

  // The forms open while Slack is well (a trigger lives 3 s); the trouble starts as the incidents are declared.
  const views: Array<{ id: string; user: string }> = [];
  for (let i = 0; i < count; i++) {
    const user = users[i % users.length]!;
    const command = await driver.slashCommand({ userId: user, channelId: general, text: `declare Recovery ${i}` });
    const view = await until(() => fake.views.find((v) => v.triggerId === command.triggerId && !v.closed), 5000);
    views.push({ id: view.id, user });
  }
  fake.faults.set(slackTrouble);
  const callsBefore = fake.calls.length;
  const started = Date.now();
  await Promise.all(views.map((v) => driver.submitView({ viewId: v.id, userId: v.user, values: { severity: "sev2" } })));

  const done = new Map<number, number>();
  while (done.size < count && Date.now() - started < giveUpAfterMs) {
    for (const v of views) {
      const incident = await incidentOf(database, fake.teamId, v.id);
      if (incident && !done.has(incident.id) && complete(fake, incident)) done.set(incident.id, (Date.now() - started) / 1000);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fake.faults.clear();
  // Whatever Slack was still working on lands before anything is counted.
  await fake.quiet();
  const calls = fake.calls.slice(callsBefore);
  if (options.explain) {
    // Tier 2's budget in the first minute: what it was spent on.
    for (const method of ["conversations.create", "conversations.setTopic", "pins.add"]) {
      const served = calls.filter((c) => c.method === method && c.status !== 429 && c.receivedAt - started < 60_000);
      const by = (status: number) => served.filter((c) => c.status === status).length;
      console.log(`  ${method} served in the first minute: ${served.length} (${by(200)} answered 200, ${served.length - by(200)} failed or lost)`);
    }
    for (const v of views) {
      const incident = await incidentOf(database, fake.teamId, v.id);
      if (incident && (done.get(incident.id) ?? Infinity) > 60) console.log(await explain(database, incident, started, calls));
    }
  }

  const declared = (await Promise.all(views.map((v) => incidentOf(database, fake.teamId, v.id)))).filter((i): i is Incident => Boolean(i));
  const result: RecoveryResult = {
    database: scratch ? "PostgreSQL" : "PGlite",
    incidents: count,
    completedAfterSec: [...done.values()].sort((a, b) => a - b),
    within60s: [...done.values()].filter((s) => s <= 60).length,
    duplicates: duplicatesOf(fake, declared),
    linksMissing: declared.filter((i) => linksOf(fake, i).length === 0).length,
    slack: { calls: calls.length, rateLimited: calls.filter((c) => c.status === 429).length, serverErrors: calls.filter((c) => c.status >= 500).length },
  };
  await warroom.stop();
  await database.close();
  await scratch?.drop();
  await fake.close();
  return result;
}

async function incidentOf(database: Database, teamId: string, viewId: string): Promise<Incident | undefined> {
  const [row] = await database.db.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.declareKey, `view:${viewId}`)));
  return row;
}

async function explain(database: Database, incident: Incident, started: number, calls: RecordedCall[]): Promise<string> {
  const at = (ms: number) => `${((ms - started) / 1000).toFixed(1)}s`;
  const steps = (await timelineOf(database.db, incident.teamId, incident.id)).map((e) => `${e.type}@${at(e.occurredAt.getTime())}`);
  const mine = calls.filter((c) => c.args.channel === incident.channelId || String(c.args.name ?? "").startsWith(`inc-${incident.number}-`) || String(c.args.text ?? "").includes(`incident #${incident.number} declared`));
  const retried = (await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incident.id))).filter((i) => i.attempts > 1);
  return [
    `  #${incident.number}: ${steps.join(" ")}`,
    `    calls: ${mine.map((c) => `${c.method}:${c.status}@${at(c.at)}`).join(" ")}`,
    ...retried.map((i) => `    ${i.kind}: ${i.attempts} attempts, last error ${i.lastError ?? "none"}`),
  ].join("\n");
}

const botPosts = (fake: FakeSlack, channel: string) => fake.messagesIn(channel).filter((m) => m.user === fake.botUserId && !m.subtype);
const announcementsOf = (fake: FakeSlack, incident: Incident) =>
  botPosts(fake, fake.channelByName("incidents")!.id).filter((m) => m.text.includes(`incident #${incident.number} declared`));

/** Channel, card, pinned card and announcement: what a responder needs. */
function complete(fake: FakeSlack, incident: Incident): boolean {
  if (!incident.channelId || !incident.summaryTs || !incident.announcementTs) return false;
  return fake.pinsIn(incident.channelId).some((p) => p.ts === incident.summaryTs) && announcementsOf(fake, incident).length > 0;
}

const linksOf = (fake: FakeSlack, incident: Incident) => fake.ephemeralsFor(incident.declaredBy).filter((e) => e.text.includes(`Incident #${incident.number} is declared`));

function duplicatesOf(fake: FakeSlack, declared: Incident[]): RecoveryResult["duplicates"] {
  const extra = (n: number) => Math.max(0, n - 1);
  const sum = (f: (i: Incident) => number) => declared.reduce((total, i) => total + f(i), 0);
  return {
    channels: sum((i) => extra(fake.channels.filter((c) => c.creator === fake.botUserId && c.name.startsWith(`inc-${i.number}-`)).length)),
    cards: sum((i) => (i.channelId ? extra(botPosts(fake, i.channelId).length) : 0)),
    pins: sum((i) => (i.channelId ? extra(fake.pinsIn(i.channelId).length) : 0)),
    announcements: sum((i) => extra(announcementsOf(fake, i).length)),
    links: sum((i) => extra(linksOf(fake, i).length)),
  };
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function describeRecovery(r: RecoveryResult): string[] {
  const s = r.completedAfterSec;
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!.toFixed(1) : "–");
  const dup = Object.entries(r.duplicates).map(([k, v]) => `${v} ${k}`).join(", ");
  return [
    `  ${r.database}: ${r.within60s}/${r.incidents} complete within 60 s, ${s.length}/${r.incidents} in all; p50 ${at(0.5)} s, p95 ${at(0.95)} s, slowest ${s.length ? s[s.length - 1]!.toFixed(1) : "–"} s`,
    `    duplicates: ${dup}; declarer links missing: ${r.linksMissing}; Slack calls ${r.slack.calls} (${r.slack.rateLimited} rate-limited, ${r.slack.serverErrors} 5xx)`,
  ];
}

async function main() {
  console.log(`war-room recovery under Slack trouble: ${JSON.stringify(slackTrouble)}`);
  const explain = Boolean(process.env.BENCH_EXPLAIN);
  const seed = process.env.BENCH_SEED ? Number(process.env.BENCH_SEED) : undefined;
  for (const line of describeRecovery(await recoveryBench({ explain, seed }))) console.log(line);
  if (process.env.BENCH_DATABASE_URL) {
    for (const line of describeRecovery(await recoveryBench({ databaseUrl: process.env.BENCH_DATABASE_URL, explain, seed }))) console.log(line);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
