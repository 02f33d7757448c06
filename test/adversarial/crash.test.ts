// kill -9: the bot as its own process (node src/main.ts) on a database that survives it (a PGlite folder, or a
// PostgreSQL database), killed with SIGKILL at a moment the dice pick while declares, notes and their deliveries
// are under way, and started again on the same database, several times over. Afterwards every incident whose
// declare was answered exists, the forms that got no answer are submitted again as a person would, and every
// incident ends with exactly one channel, card, pin and announcement, every answered note on the timeline and in
// its war room once, and every delivery done. CRASH_SEED repeats a run.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { incidents, outboxItems, timelineEntries } from "../../src/db/schema.js";
import type { FakeView } from "../../src/fake-slack/workspace.js";
import { startChildBot, type ChildBot } from "../support/child-bot.js";
import { eventually, waitFor } from "../support/declare.js";
import { duplicatesIn, lostIn } from "./invariants.js";
import { Dice } from "./odd-text.js";

const seed = Number(process.env.CRASH_SEED ?? 9_2026);
const ROUNDS = 3;
const DECLARES_PER_ROUND = 5;
const NOTES_PER_ROUND = 4;

let bot: ChildBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

interface Sent {
  what: "declare" | "note";
  /** The incident's title (declares) or the note's words (notes). */
  words: string;
  view?: FakeView;
  /** The war room a note was typed in. */
  channelId?: string;
  answered?: boolean;
}

/**
 * The declare form for a title. A bot just restarted on a busy machine may miss the 3 seconds a trigger lives; it
 * then tells the person to try again, and they do.
 */
async function declareForm(c: ChildBot, userId: string, channelId: string, title: string): Promise<FakeView> {
  for (let attempt = 1; ; attempt++) {
    const opened = await c.driver.slashCommand({ userId, channelId, text: `declare ${title}` });
    const view = await waitFor(() => c.fake.views.find((v) => v.triggerId === opened.triggerId && !v.closed) ?? (c.fake.ephemeralsFor(userId).some((e) => e.responseUrl === opened.responseUrl) && "refused"), 15_000);
    if (view !== "refused") return view;
    if (attempt === 3) throw new Error(`the declare form for ${title} would not open`);
  }
}

/** Whether the bot told the person their note is on the timeline, in its answer or through the response_url. */
function noteAdded(c: ChildBot, answer: { body?: unknown; responseUrl: string }): boolean {
  const said = (text: unknown) => typeof text === "string" && text.includes("Added to the timeline");
  const body = answer.body as { text?: unknown } | string | undefined;
  if (said(typeof body === "string" ? body : body?.text)) return true;
  return c.fake.ephemeralsFor("U_ALICE").some((e) => e.responseUrl === answer.responseUrl && said(e.text));
}

describe(`kill -9 in the middle of declares and deliveries (seed ${seed})`, () => {
  it("loses no answered incident or note and doubles no channel, card, pin, announcement, link or line after restarts on the same database", { timeout: 240_000 }, async () => {
    const dice = new Dice(seed);
    // A short claim, so deliveries a killed process had in flight are taken over within seconds of the restart.
    bot = await startChildBot({ OUTBOX_LEASE_SECONDS: "5", SCHEDULER_TICK: "59" });
    const c = bot;
    const general = c.fake.channelByName("general")!.id;
    // Slack a little slow on some calls, so the kill finds deliveries half-way through.
    c.fake.faults.set({ latency: { ms: 120, ratio: 0.4, methods: ["conversations.create", "conversations.invite", "chat.postMessage", "pins.add", "conversations.setTopic", "response_url"] } });
    const sent: Sent[] = [];
    const kills: string[] = [];
    const timings: string[] = [];
    const started = Date.now();

    for (let round = 1; round <= ROUNDS; round++) {
      // Forms opened first (a person reads them for a while), then submitted together with notes in the war rooms.
      const declares: Sent[] = [];
      for (let i = 1; i <= DECLARES_PER_ROUND; i++) {
        const title = `Crash drill ${round}-${i}`;
        declares.push({ what: "declare", words: title, view: await declareForm(c, dice.pick(["U_ALICE", "U_BOB", "U_CAROL"]), general, title) });
      }
      const rooms = c.fake.channels.filter((ch) => ch.name.startsWith("inc-") && !ch.is_archived);
      const notes: Sent[] = rooms.length ? Array.from({ length: NOTES_PER_ROUND }, (_, i) => ({ what: "note" as const, words: `Drill note ${round}-${i}`, channelId: dice.pick(rooms).id })) : [];
      sent.push(...declares, ...notes);

      const inFlight = [
        ...declares.map((d) => c.driver.submitView({ viewId: d.view!.id, userId: d.view!.user, values: { severity: dice.pick(["sev1", "sev2", "sev3"]) } })),
        // A note counts as answered when the person was told it was added: typed into a room whose war room the
        // killed process had created but not yet linked, it is politely refused instead, and nothing is owed.
        ...notes.map((n) => c.driver.slashCommand({ userId: "U_ALICE", channelId: n.channelId!, text: `note ${n.words}` }).then((a) => ({ ...a, status: a.status === 200 && noteAdded(c, a) ? 200 : 0 }))),
      ].map((p, i) => p.then((a) => ([...declares, ...notes][i]!.answered = a.status === 200), () => undefined));
      // The kill comes after the dice's number of Slack calls made since the submissions left: a point in the work
      // (mid-setup of some war room, mid-line), however fast or slow this machine is.
      const callsBefore = c.fake.calls.length;
      const killAfter = dice.below(45);
      await eventually(async () => c.fake.calls.length - callsBefore >= killAfter, 10_000).catch(() => undefined);
      await c.kill9();
      const madeCalls = c.fake.calls.length - callsBefore;
      await Promise.all(inFlight);
      const answered = (list: Sent[]) => `${list.filter((s) => s.answered).length}/${list.length}`;
      kills.push(`round ${round}: killed after ${madeCalls} Slack calls (${answered(declares)} declares and ${answered(notes)} notes answered)`);
      const restarting = Date.now();
      await c.restart();
      timings.push(`restart ${Date.now() - restarting} ms`);

      // A form whose submission got no answer is still open on the person's screen: they press the button again.
      for (const d of declares.filter((d) => !d.answered)) {
        const again = await c.driver.submitView({ viewId: d.view!.id, userId: d.view!.user, values: { severity: "sev2" } });
        expect(again.status, `resubmitting ${d.words}`).toBe(200);
        d.answered = true;
      }
    }

    // Everything lands: each declared incident's card is pinned and announced, each answered note is said.
    const titles = sent.filter((s) => s.what === "declare").map((s) => s.words);
    const complete = (title: string) => {
      const slug = title.toLowerCase().replace(/ /g, "-");
      const room = c.fake.channels.find((ch) => ch.name.endsWith(slug));
      return room && c.fake.pinsIn(room.id).length > 0 && c.fake.messagesIn(c.fake.channelByName("incidents")!.id).some((m) => m.text.includes(title));
    };
    const notesSaid = (n: Sent) => c.fake.messagesIn(n.channelId!).some((m) => m.text.includes(n.words));
    await eventually(async () => titles.every(complete) && sent.filter((s) => s.what === "note" && s.answered).every(notesSaid), 90_000).catch(() => {
      throw new Error(`not everything landed after the restarts (${kills.join("; ")}): ${[...titles.filter((t) => !complete(t)), ...sent.filter((s) => s.what === "note" && s.answered && !notesSaid(s)).map((n) => `${n.words} in ${c.fake.channel(n.channelId!)?.name}`)].join(", ")}`);
    });
    await c.fake.quiet();
    timings.push(`all landed ${Date.now() - started} ms after the start`);
    // A clean stop, so the test can open the database (PGlite allows one process at a time).
    c.process.kill("SIGTERM");
    expect((await c.exited).code).toBe(0);
    timings.push(`stopped ${Date.now() - started} ms after the start`);

    const database = await c.openDatabase();
    try {
      const db = database.db;
      const declared = await db.select().from(incidents).where(eq(incidents.teamId, c.fake.teamId));
      // 0 lost, 0 doubled: one incident per form, whatever happened to its first submission.
      expect(declared.map((i) => i.title).sort(), kills.join("; ")).toEqual([...titles].sort());
      expect(await duplicatesIn(c.fake, db), kills.join("; ")).toEqual([]);
      expect(await lostIn(c.fake, db), kills.join("; ")).toEqual([]);
      const pending = await db.select().from(outboxItems).where(and(eq(outboxItems.teamId, c.fake.teamId), eq(outboxItems.status, "pending")));
      expect(pending).toEqual([]);
      // Each answered note is on the timeline once and said in its war room once; an unanswered one at most once.
      const noteEntries = await db.select().from(timelineEntries).where(and(eq(timelineEntries.teamId, c.fake.teamId), eq(timelineEntries.type, "note")));
      for (const n of sent.filter((s) => s.what === "note")) {
        const recorded = noteEntries.filter((e) => (e.data as { note?: string }).note === n.words).length;
        const said = c.fake.messagesIn(n.channelId!).filter((m) => m.text.includes(n.words)).length;
        if (n.answered) expect({ note: n.words, recorded, said }).toEqual({ note: n.words, recorded: 1, said: 1 });
        else expect({ note: n.words, recorded: recorded <= 1, said: said === recorded }).toEqual({ note: n.words, recorded: true, said: true });
      }
      // Every war room is set up with its people and topic too.
      for (const incident of declared) {
        const room = c.fake.channel(incident.channelId!)!;
        expect(room.members, incident.title).toContain(incident.declaredBy);
        expect(room.topic.value, incident.title).toContain(incident.title);
      }
    } finally {
      await database.close();
    }
    timings.push(`checked ${Date.now() - started} ms after the start`);
    console.log(`kill -9 drill (seed ${seed}): ${kills.join("; ")}; ${titles.length} incidents, ${sent.filter((s) => s.what === "note").length} notes; ${timings.join(", ")}`);
  });
});
