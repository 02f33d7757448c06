// The war room's nudges end to end, with a manual clock: a role still unclaimed 10 minutes after the declaration
// (claimed from the nudge's own button), a SEV1 without progress for 30 minutes (Escalate pages the next level),
// snoozing, and each said once per window, however many scheduler ticks or replicas run.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { openPostgres } from "../../src/db/client.js";
import type { Incident } from "../../src/db/schema.js";
import type { FakeMessage } from "../../src/fake-slack/workspace.js";
import { createLogger } from "../../src/log.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startWarroom } from "../../src/warroom.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { advance, MINUTE } from "../support/clock.js";
import { usingPostgres } from "../support/database.js";
import { waitFor } from "../support/declare.js";
import { acknowledgeOnCard, botLinesIn, declaredIncident, entryWords, modalOpenedBy, reload, say } from "../support/war-room.js";

let h: TestBot | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function bot(clock: ManualClock, env: Record<string, string> = {}): Promise<TestBot> {
  h = await startTestBot(env, { clock });
  h.fake.addUser({ id: "U_DAN", name: "dan", real_name: "Dan Duty" });
  return h;
}

const general = (t: TestBot) => t.fake.channelByName("general")!.id;
const entriesOf = async (t: TestBot, incident: Incident) => timelineOf(t.database.db, t.fake.teamId, incident.id);
const rolesNudges = (t: TestBot, incident: Incident) => botLinesIn(t, incident.channelId!).filter((m) => m.text.includes("still has nobody as"));
const progressNudges = (t: TestBot, incident: Incident) => botLinesIn(t, incident.channelId!).filter((m) => m.text.includes("consider escalating"));
const updateReminders = (t: TestBot, incident: Incident) => botLinesIn(t, incident.channelId!).filter((m) => m.text.startsWith("Time for a status update"));
const buttonsOf = (m: FakeMessage) => [...JSON.stringify(m.blocks).matchAll(/"action_id":"([a-z_]+)"/g)].map((x) => x[1]);
const shown = (m: FakeMessage) => JSON.stringify(m.blocks);

/** Clicks a button on a bot message in the war room and waits for the answer only the clicker sees. */
async function click(t: TestBot, userId: string, message: FakeMessage, actionId: string): Promise<string> {
  const seen = t.fake.ephemeralsFor(userId).length;
  await t.driver.clickButton({ userId, channelId: message.channel, messageTs: message.ts, actionId });
  const answer = await waitFor(() => t.fake.ephemeralsFor(userId)[seen]);
  await t.bot.outbox.waitUntilIdle();
  return answer.text;
}

/** Bob and Carol alternate daily as level 1; Dan is level 2. */
async function onCallSetup(t: TestBot) {
  const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "oncall schedule" });
  const view = await modalOpenedBy(t, opened.triggerId);
  await t.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { name: "Primary", members: ["U_BOB", "U_CAROL"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" } });
  const policy = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "escalation policy" });
  const form = await modalOpenedBy(t, policy.triggerId);
  const scheduleOption = JSON.stringify(form.view).match(/"text":"Primary","emoji":true\},"value":"(\d+)"/)![1]!;
  const answer = await t.driver.submitView({
    viewId: form.id,
    userId: "U_ALICE",
    values: { name: "Default", is_default: ["default"], repeat: "0", level_1_schedule: scheduleOption, level_2_users: ["U_DAN"] },
  });
  expect(answer.body).toBe("");
}

describe("unclaimed roles", () => {
  it("asks for a Comms Lead and a Scribe 10 minutes after a SEV2 is declared, once, and the button gives the role to whoever clicks it", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Checkout slow", severity: "sev2" });

    await advance(t, clock, 9 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(0);
    await advance(t, clock, 1 * MINUTE);
    const [nudge] = rolesNudges(t, incident);
    expect(nudge!.text).toBe("Incident #1 still has nobody as Comms Lead or Scribe");
    expect(shown(nudge!)).toContain("Nobody has taken these Comms Lead and Scribe roles yet. Can you?");
    expect(buttonsOf(nudge!)).toEqual(["nudge_claim_comms_lead", "nudge_claim_scribe", "nudge_snooze_unclaimed_roles"]);
    expect(shown(nudge!)).toContain("I'll take Comms Lead");
    expect(shown(nudge!)).toContain("Snooze 30 min");

    expect(await click(t, "U_BOB", nudge!, "nudge_claim_scribe")).toBe("You are now Scribe of incident #1. Thank you!");
    expect((await reload(t, incident)).scribeId).toBe("U_BOB");
    expect(botLinesIn(t, incident.channelId!).map((m) => m.text)).toContain(":bust_in_silhouette: <@U_BOB> is now Scribe (set by <@U_BOB>).");
    expect(t.fake.channel(incident.channelId!)!.members).toContain("U_BOB");
    // Somebody else was quicker: said politely, nothing changes.
    expect(await click(t, "U_CAROL", nudge!, "nudge_claim_scribe")).toBe("<@U_BOB> is already Scribe of incident #1. Ask the commander (`/incident role`) if it should change hands.");
    expect((await reload(t, incident)).scribeId).toBe("U_BOB");
    expect(await click(t, "U_CAROL", nudge!, "nudge_claim_comms_lead")).toBe("You are now Comms Lead of incident #1. Thank you!");

    // Once per window: an hour later nothing more is asked.
    await advance(t, clock, 30 * MINUTE);
    await advance(t, clock, 30 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(1);
    const types = (await entriesOf(t, incident)).map((e) => e.type);
    expect(types.filter((x) => x === "unclaimed_roles_nudge")).toHaveLength(1);
  });

  it("says nothing when the roles were claimed in time, and asks a SEV3 only for a Scribe", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const staffed = await declaredIncident(t, { title: "Staffed", severity: "sev1" });
    expect(await say(t, "U_ALICE", staffed.channelId!, "role comms @bob")).toContain("Comms Lead");
    expect(await say(t, "U_ALICE", staffed.channelId!, "role scribe @carol")).toContain("Scribe");
    const minor = await declaredIncident(t, { title: "Minor", severity: "sev3" });

    await advance(t, clock, 10 * MINUTE);
    await advance(t, clock, 20 * MINUTE);
    expect(rolesNudges(t, staffed)).toHaveLength(0);
    const [nudge] = rolesNudges(t, minor);
    expect(nudge!.text).toBe("Incident #2 still has nobody as Scribe");
    expect(shown(nudge!)).toContain("Nobody has taken the Scribe role yet. Can you?");
    expect(buttonsOf(nudge!)).toEqual(["nudge_claim_scribe", "nudge_snooze_unclaimed_roles"]);
  });

  it("asks for a Comms Lead once a SEV3 is raised to SEV2", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Getting worse", severity: "sev3" });
    expect(await say(t, "U_ALICE", incident.channelId!, "role scribe @carol")).toContain("Scribe");
    await advance(t, clock, 20 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(0);

    expect(await say(t, "U_ALICE", incident.channelId!, "sev 2 More users affected")).toContain("SEV2");
    await advance(t, clock, 0);
    const [nudge] = rolesNudges(t, incident);
    expect(nudge!.text).toBe("Incident #1 still has nobody as Comms Lead");
    expect(buttonsOf(nudge!)).toEqual(["nudge_claim_comms_lead", "nudge_snooze_unclaimed_roles"]);
  });

  it("asks again when a snooze ends, not before, and the timeline says who snoozed", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Snoozy", severity: "sev1" });
    await advance(t, clock, 10 * MINUTE);
    const [nudge] = rolesNudges(t, incident);
    expect(await click(t, "U_BOB", nudge!, "nudge_snooze_unclaimed_roles")).toBe("Snoozed: I won't ask about the open roles on incident #1 for 30 minutes.");
    const snoozed = (await entriesOf(t, incident)).find((e) => e.type === "nudge_snoozed")!;
    expect(snoozed.actor).toBe("U_BOB");
    expect(entryWords(snoozed)).toBe("Snoozed the unclaimed-roles nudge for 30 minutes");

    await advance(t, clock, 29 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(1);
    await advance(t, clock, 1 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(2);
    await advance(t, clock, 60 * MINUTE);
    expect(rolesNudges(t, incident)).toHaveLength(2);
  });
});

describe("no progress on a SEV1", () => {
  it("suggests escalating after 30 minutes without a status change or update, once per window; an update starts a new one", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Stuck", severity: "sev1" });
    const calmer = await declaredIncident(t, { title: "Also stuck", severity: "sev2" });

    await advance(t, clock, 15 * MINUTE);
    expect(updateReminders(t, incident)).toHaveLength(1);
    await advance(t, clock, 14 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(0);
    await advance(t, clock, 1 * MINUTE);
    const [nudge] = progressNudges(t, incident);
    expect(nudge!.text).toBe("No progress on incident #1 for 30 minutes: consider escalating");
    expect(shown(nudge!)).toContain("No progress for 30 minutes: consider escalating. <@U_ALICE>");
    expect(buttonsOf(nudge!)).toEqual(["nudge_escalate", "incident_post_update", "nudge_snooze_no_progress"]);
    // The stricter nudge speaks instead of the second update reminder, not beside it.
    expect(updateReminders(t, incident)).toHaveLength(1);
    await advance(t, clock, 15 * MINUTE);
    expect(updateReminders(t, incident)).toHaveLength(2);
    await advance(t, clock, 30 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(1);

    expect(await say(t, "U_ALICE", incident.channelId!, "status identified Bad config")).toContain("identified");
    await advance(t, clock, 29 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(1);
    await advance(t, clock, 1 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(2);
    expect(progressNudges(t, calmer)).toHaveLength(0);
    const nudgeEntry = (await entriesOf(t, incident)).find((e) => e.type === "no_progress_nudge")!;
    expect(entryWords(nudgeEntry)).toBe("No progress for 30m: suggested escalating");
  });

  it("Escalate pages the next level of the escalation policy, recorded as the person who pressed it", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    const incident = await declaredIncident(t, { title: "Nobody knows why", severity: "sev1" });
    expect(t.fake.dmsTo("U_BOB").at(-1)!.text).toContain("You are paged");
    await acknowledgeOnCard(t, incident, "U_BOB");
    await advance(t, clock, 30 * MINUTE);
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(0);
    const [nudge] = progressNudges(t, incident);

    expect(await click(t, "U_ALICE", nudge!, "nudge_escalate")).toBe("You escalated incident #1 to level 2: paged <@U_DAN>.");
    const page = t.fake.dmsTo("U_DAN").at(-1)!;
    expect(page.text).toContain("You are paged for SEV1 incident #1");
    expect(shown(page)).toContain("<@U_ALICE> escalated it to you (level 2): it needs more help.");
    expect(t.fake.channel(incident.channelId!)!.members).toContain("U_DAN");
    expect(botLinesIn(t, incident.channelId!).map((m) => m.text)).toContain(":rotating_light: <@U_ALICE> escalated to level 2 of the escalation policy: <@U_DAN>.");
    const escalated = (await entriesOf(t, incident)).filter((e) => e.type === "escalated");
    expect(escalated).toHaveLength(1);
    expect(escalated[0]!.actor).toBe("U_ALICE");
    expect(entryWords(escalated[0]!)).toBe("Escalated by hand to level 2 (<@U_DAN>)");

    expect(await click(t, "U_ALICE", nudge!, "nudge_escalate")).toBe(
      "Every level of the escalation policy of incident #1 has been paged already (level 2 was the last). Mention the people you need here, or ask in the announcement channel.",
    );
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(1);
  });

  it("explains that there is nobody to page when no escalation policy covers the incident", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "No policy", severity: "sev1" });
    await advance(t, clock, 30 * MINUTE);
    const [nudge] = progressNudges(t, incident);
    expect(await click(t, "U_ALICE", nudge!, "nudge_escalate")).toContain("No escalation policy covers incident #1, so there is nobody to page next.");
  });

  it("snoozing keeps it quiet for 30 minutes, then asks again if nothing moved", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Slow going", severity: "sev1" });
    await advance(t, clock, 30 * MINUTE);
    await advance(t, clock, 5 * MINUTE);
    const [nudge] = progressNudges(t, incident);
    expect(await click(t, "U_CAROL", nudge!, "nudge_snooze_no_progress")).toBe("Snoozed: I won't suggest escalating on incident #1 for 30 minutes.");
    expect((await entriesOf(t, incident)).find((e) => e.type === "nudge_snoozed")?.actor).toBe("U_CAROL");
    await advance(t, clock, 29 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(1);
    await advance(t, clock, 1 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(2);
    expect(progressNudges(t, incident)[1]!.text).toBe("No progress on incident #1 for 1h 05m: consider escalating");
  });

  it("refuses the nudge's buttons politely once the incident is resolved, and says no more", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Over soon", severity: "sev1" });
    await advance(t, clock, 30 * MINUTE);
    const [progress] = progressNudges(t, incident);
    const [roles] = rolesNudges(t, incident);
    expect(await say(t, "U_ALICE", incident.channelId!, "resolve Rolled back")).toContain("resolved");
    for (const [message, button] of [
      [progress!, "nudge_escalate"],
      [progress!, "nudge_snooze_no_progress"],
      [roles!, "nudge_claim_scribe"],
      [roles!, "nudge_snooze_unclaimed_roles"],
    ] as const) {
      expect(await click(t, "U_BOB", message, button)).toMatch(/^Incident #1 was already resolved by <@U_ALICE>/);
    }
    expect((await reload(t, incident)).scribeId).toBeNull();
    await advance(t, clock, 120 * MINUTE);
    expect(progressNudges(t, incident)).toHaveLength(1);
    expect(rolesNudges(t, incident)).toHaveLength(1);
  });
});

describe("two bot replicas on one database", () => {
  it("nudge exactly once between them, however many ticks run", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const replicaDatabase = usingPostgres() ? openPostgres(t.database.url!, 5) : undefined;
    const replica = await startWarroom({ config: t.config, database: replicaDatabase ?? t.database, logger: createLogger("silent"), clock, outboxPollMs: 50, schedulerTicks: false });
    try {
      const incidents = await Promise.all([1, 2, 3].map((n) => declaredIncident(t, { title: `Replicated ${n}`, severity: "sev1" })));
      for (let i = 0; i < 8; i++) {
        clock.advance(5 * MINUTE);
        await Promise.all([t.bot.scheduler.tick(), replica.scheduler.tick(), t.bot.scheduler.tick(), replica.scheduler.tick()]);
        await Promise.all([t.bot.outbox.waitUntilIdle(), replica.outbox.waitUntilIdle()]);
      }
      for (const incident of incidents) {
        expect(rolesNudges(t, incident)).toHaveLength(1);
        expect(progressNudges(t, incident)).toHaveLength(1);
        const types = (await entriesOf(t, incident)).map((e) => e.type);
        expect(types.filter((x) => x === "unclaimed_roles_nudge")).toHaveLength(1);
        expect(types.filter((x) => x === "no_progress_nudge")).toHaveLength(1);
      }
    } finally {
      await replica.stop();
      await replicaDatabase?.close();
    }
  });
});
