// The incident clock end to end, with a manual clock: paging, escalation, acknowledgement from the page,
// update reminders, SLA breaches, stale nudges, severity changes, resolve, and a restart mid-escalation.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { openPostgres } from "../../src/db/client.js";
import { createLogger } from "../../src/log.js";
import { startWarroom } from "../../src/warroom.js";
import { usingPostgres } from "../support/database.js";
import { pendingJobsOf } from "../../src/scheduler/scheduler.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { advance, MINUTE } from "../support/clock.js";
import { waitFor } from "../support/declare.js";
import { botLinesIn, cardOf, command, declaredIncident, entryWords, modalOpenedBy, reload, say } from "../support/war-room.js";

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

/** Creates a schedule through its form, as a person would. */
async function createSchedule(t: TestBot, values: Record<string, string | string[]>) {
  const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "oncall schedule" });
  const view = await modalOpenedBy(t, opened.triggerId);
  const answer = await t.driver.submitView({ viewId: view.id, userId: "U_ALICE", values });
  expect(answer.body).toBe("");
}

/** Bob and Carol alternate daily at 09:00 UTC from today; Dan is the second level. */
async function onCallSetup(t: TestBot) {
  await createSchedule(t, { name: "Primary", members: ["U_BOB", "U_CAROL"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" });
  const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "escalation policy" });
  const form = await modalOpenedBy(t, opened.triggerId);
  const scheduleOption = JSON.stringify(form.view).match(/"text":"Primary","emoji":true\},"value":"(\d+)"/)![1]!;
  const answer = await t.driver.submitView({
    viewId: form.id,
    userId: "U_ALICE",
    values: { name: "Default", is_default: ["default"], repeat: "0", level_1_schedule: scheduleOption, level_2_users: ["U_DAN"] },
  });
  expect(answer.body).toBe("");
}

const entriesOf = async (t: TestBot, incidentId: number) => timelineOf(t.database.db, t.fake.teamId, incidentId);

describe("paging and escalation", () => {
  it("pages whoever is on call, escalates while nobody acknowledges, then asks the announcement channel for help, once", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    const overview = JSON.stringify((await command(t, "U_ALICE", general(t), "oncall")).body);
    expect(overview).toContain("*Primary* (UTC) · now: <@U_BOB> until");
    expect(overview).toContain("next: <@U_CAROL> from");
    expect(overview).toContain("*Default* (default): 1. _Primary_ → 2. <@U_DAN>");
    const incident = await declaredIncident(t, { title: "Paged", severity: "sev1", userId: "U_ALICE" });

    const page = t.fake.dmsTo("U_BOB").at(-1)!;
    expect(page.text).toContain("You are paged for SEV1 incident #1");
    expect(JSON.stringify(page.blocks)).toContain(`<#${incident.channelId}>`);
    expect(JSON.stringify(page.blocks)).toContain('"action_id":"incident_acknowledge"');
    expect(t.fake.channel(incident.channelId!)!.members).toContain("U_BOB");
    expect(botLinesIn(t, incident.channelId!).at(-1)!.text).toBe(":pager: Paged level 1 of the escalation policy: <@U_BOB>.");

    await advance(t, clock, 4 * MINUTE);
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(0);
    await advance(t, clock, 1 * MINUTE);
    expect(t.fake.dmsTo("U_DAN").at(-1)!.text).toContain("You are paged");
    const lines = botLinesIn(t, incident.channelId!).map((m) => m.text);
    expect(lines).toContain(":rotating_light: Not acknowledged yet: escalated to level 2 (<@U_DAN>).");
    expect(lines).toContain(":alarm_clock: Acknowledgement target missed: SEV1 incidents should be acknowledged within 5m.");
    expect(cardOf(t, await reload(t, incident)).json).toContain("acknowledgement target missed");

    await advance(t, clock, 10 * MINUTE);
    const announcements = botLinesIn(t, t.fake.channelByName("incidents")!.id);
    expect(announcements.at(-1)!.text).toContain("Nobody acknowledged incident #1 after every escalation level");
    await advance(t, clock, 60 * MINUTE);
    await advance(t, clock, 60 * MINUTE);

    const types = (await entriesOf(t, incident.id)).map((e) => e.type);
    expect(types.filter((x) => x === "paged")).toHaveLength(1);
    expect(types.filter((x) => x === "escalated")).toHaveLength(1);
    expect(types.filter((x) => x === "escalation_exhausted")).toHaveLength(1);
    expect(types.filter((x) => x === "sla_breached")).toHaveLength(1);
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(1);
    const escalated = (await entriesOf(t, incident.id)).find((e) => e.type === "escalated")!;
    expect(entryWords(escalated)).toBe("Escalated to level 2 (<@U_DAN>)");
  });

  it("starts again from the first level as often as the policy repeats", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "escalation policy" });
    const form = await modalOpenedBy(t, opened.triggerId);
    await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Twice", is_default: ["default"], repeat: "1", level_1_users: ["U_BOB"], level_1_delay: "5", level_2_users: ["U_DAN"], level_2_delay: "5" } });
    const incident = await declaredIncident(t, { title: "Nobody home", severity: "sev2" });
    for (let i = 0; i < 6; i++) await advance(t, clock, 5 * MINUTE);
    const pages = (await entriesOf(t, incident.id)).filter((e) => ["paged", "escalated", "escalation_exhausted"].includes(e.type)).map(entryWords);
    expect(pages).toEqual([
      "Paged level 1 (<@U_BOB>)",
      "Escalated to level 2 (<@U_DAN>)",
      "Escalated to level 1 (<@U_BOB>)",
      "Escalated to level 2 (<@U_DAN>)",
      "Nobody acknowledged after every escalation level",
    ]);
    expect(t.fake.dmsTo("U_BOB")).toHaveLength(2);
  });

  it("stops when the paged person acknowledges from the page's own button", async () => {
    const clock = new ManualClock("2026-11-23T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    const incident = await declaredIncident(t, { title: "Acked from DM", severity: "sev1" });
    const page = t.fake.dmsTo("U_CAROL").at(-1)!;
    await t.driver.clickButton({ userId: "U_CAROL", channelId: page.channel, messageTs: page.ts, actionId: "incident_acknowledge", value: String(incident.id) });
    await waitFor(() => t.fake.ephemeralsFor("U_CAROL").find((e) => e.text.includes("You acknowledged incident #1")));
    await t.bot.outbox.waitUntilIdle();
    await advance(t, clock, 60 * MINUTE);
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(0);
    const types = (await entriesOf(t, incident.id)).map((e) => e.type);
    expect(types).toContain("acknowledged");
    expect(types).not.toContain("escalated");
    expect(types).not.toContain("sla_breached");
    expect((await reload(t, incident)).acknowledgedBy).toBe("U_CAROL");
  });

  it("picks up an escalation chain after a restart, without paging anyone twice", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    const incident = await declaredIncident(t, { title: "Restarted chain", severity: "sev1" });
    await t.restart();
    await advance(t, clock, 5 * MINUTE);
    await t.restart();
    await advance(t, clock, 5 * MINUTE);
    expect(t.fake.dmsTo("U_BOB")).toHaveLength(1);
    expect(t.fake.dmsTo("U_DAN")).toHaveLength(1);
    const types = (await entriesOf(t, incident.id)).map((e) => e.type);
    expect(types.filter((x) => x === "escalated")).toHaveLength(1);
  });
});

describe("covers and groups", () => {
  it("pages whoever covers the shift, and shows the cover in /incident oncall", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "oncall cover Primary" });
    const form = await modalOpenedBy(t, opened.triggerId);
    const backwards = await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { user: "U_CAROL", start_date: "2026-11-22", start_time: "12:00", end_date: "2026-11-22", end_time: "08:00" } });
    expect(backwards.body.errors.end_date).toBe("The cover must end after it starts.");
    const saved = await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { user: "U_CAROL", start_date: "2026-11-22", start_time: "09:30", end_date: "2026-11-22", end_time: "18:00" } });
    expect(saved.body).toBe("");
    expect(JSON.stringify((await command(t, "U_ALICE", general(t), "oncall")).body)).toContain("now: <@U_CAROL> until");
    await declaredIncident(t, { title: "Covered", severity: "sev2" });
    expect(t.fake.dmsTo("U_CAROL").at(-1)!.text).toContain("You are paged");
    expect(t.fake.dmsTo("U_BOB")).toHaveLength(0);

    const list = await command(t, "U_ALICE", general(t), "oncall covers Primary");
    expect(JSON.stringify(list.body.blocks)).toContain("<@U_CAROL> from");
    const shown = t.fake.ephemeralsFor("U_ALICE").at(-1)!;
    const seen = t.fake.ephemeralsFor("U_ALICE").length;
    await t.driver.clickInEphemeral({ userId: "U_ALICE", ephemeral: shown, actionId: "oncall_remove_cover" });
    expect((await waitFor(() => t.fake.ephemeralsFor("U_ALICE")[seen])).text).toBe("Cover removed.");
    expect(JSON.stringify((await command(t, "U_ALICE", general(t), "oncall")).body)).toContain("now: <@U_BOB> until");
  });

  it("mentions a user group when its level is paged", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: "escalation policy" });
    const form = await modalOpenedBy(t, opened.triggerId);
    const noLevels = await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Empty", repeat: "0" } });
    expect(noLevels.body.errors.level_1_users).toMatch(/Add at least one level/);
    await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Payments", services: "payments", repeat: "0", level_1_group: "<!subteam^S0PAYMENTS|@payments-oncall>" } });
    const incident = await declaredIncident(t, { title: "Card declines", severity: "sev2", services: "payments" });
    expect(botLinesIn(t, incident.channelId!).at(-1)!.text).toBe(":pager: Paged level 1 of the escalation policy: <!subteam^S0PAYMENTS>.");
    const other = await declaredIncident(t, { title: "Search slow", severity: "sev2", services: "search" });
    expect(botLinesIn(t, other.channelId!).some((m) => m.text.includes("Paged level"))).toBe(false);
  });

  it("refuses on-call changes to people who are not incident admins when admins are named", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock, { INCIDENT_ADMINS: "U_ALICE" });
    expect(await say(t, "U_BOB", general(t), "oncall schedule")).toContain("only incident admins");
    expect(await say(t, "U_BOB", general(t), "escalation policy")).toContain("only incident admins");
    expect(await say(t, "U_BOB", general(t), "oncall")).toContain("No on-call schedules yet");
  });
});

describe("two bot replicas on one database", () => {
  it("page, escalate and remind exactly once between them", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    await onCallSetup(t);
    // A second process: on PostgreSQL its own connection pool; embedded PGlite can only be shared in-process.
    const replicaDatabase = usingPostgres() ? openPostgres(t.database.url!, 5) : undefined;
    const replica = await startWarroom({
      config: t.config,
      database: replicaDatabase ?? t.database,
      logger: createLogger("silent"),
      clock,
      outboxPollMs: 50,
      schedulerTicks: false,
    });
    try {
      const incidents = await Promise.all([1, 2, 3].map((n) => declaredIncident(t, { title: `Replicated ${n}`, severity: "sev1" })));
      for (let i = 0; i < 8; i++) {
        clock.advance(5 * MINUTE);
        await Promise.all([t.bot.scheduler.tick(), replica.scheduler.tick(), t.bot.scheduler.tick(), replica.scheduler.tick()]);
        await Promise.all([t.bot.outbox.waitUntilIdle(), replica.outbox.waitUntilIdle()]);
      }
      expect(t.fake.dmsTo("U_BOB")).toHaveLength(3);
      expect(t.fake.dmsTo("U_DAN")).toHaveLength(3);
      for (const incident of incidents) {
        const types = (await entriesOf(t, incident.id)).map((e) => e.type);
        expect(types.filter((x) => x === "escalated")).toHaveLength(1);
        expect(types.filter((x) => x === "escalation_exhausted")).toHaveLength(1);
        expect(types.filter((x) => x === "sla_breached")).toHaveLength(1);
        // At 15 minutes the update reminder; at 30 the stricter "no progress: consider escalating" speaks instead.
        expect(types.filter((x) => x === "update_reminder")).toHaveLength(1);
        expect(types.filter((x) => x === "no_progress_nudge")).toHaveLength(1);
        const reminders = botLinesIn(t, incident.channelId!).filter((m) => m.text.startsWith("Time for a status update"));
        expect(reminders).toHaveLength(1);
      }
    } finally {
      await replica.stop();
      await replicaDatabase?.close();
    }
  });
});

describe("people and the clock at the same moment", () => {
  it("never fails a person's change because a tick is handling the same incident", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Busy", severity: "sev1" });
    const answers: string[] = [];
    for (let round = 0; round < 8; round++) {
      clock.advance(15 * MINUTE);
      const [, ...said] = await Promise.all([
        t.bot.scheduler.tick(),
        ...[1, 2, 3].map((n) => say(t, "U_ALICE", incident.channelId!, `note round ${round} note ${n}`)),
        say(t, "U_ALICE", incident.channelId!, round % 2 ? "sev 2 calmer" : "sev 1 worse"),
      ]);
      answers.push(...said);
    }
    await t.bot.scheduler.tick();
    await t.bot.outbox.waitUntilIdle();
    expect(answers.filter((a) => a.includes("went wrong"))).toEqual([]);
    const reminders = (await entriesOf(t, incident.id)).filter((e) => e.type === "update_reminder");
    expect(reminders.length).toBeGreaterThan(0);
  });
});

describe("update reminders", () => {
  it("reminds the commander once per cadence window, counting from the last update", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Remind me", severity: "sev2", commander: "U_BOB" });
    const reminders = () => botLinesIn(t, incident.channelId!).filter((m) => m.text.startsWith("Time for a status update"));

    await advance(t, clock, 29 * MINUTE);
    expect(reminders()).toHaveLength(0);
    await advance(t, clock, 1 * MINUTE);
    expect(reminders()).toHaveLength(1);
    expect(JSON.stringify(reminders()[0]!.blocks)).toContain("<@U_BOB>: no status update for 30m");
    expect(JSON.stringify(reminders()[0]!.blocks)).toContain('"action_id":"incident_post_update"');
    await advance(t, clock, 10 * MINUTE);
    expect(reminders()).toHaveLength(1);

    expect(await say(t, "U_BOB", incident.channelId!, "status identified Found it")).toContain("identified");
    await advance(t, clock, 25 * MINUTE);
    expect(reminders()).toHaveLength(1);
    await advance(t, clock, 5 * MINUTE);
    expect(reminders()).toHaveLength(2);
  });
});

describe("deadlines follow the incident", () => {
  it("moves the acknowledgement deadline when the severity changes", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Worse", severity: "sev3" });
    await advance(t, clock, 2 * MINUTE);
    expect(await say(t, "U_ALICE", incident.channelId!, "sev 1 Everyone is affected")).toContain("SEV1");
    await advance(t, clock, 3 * MINUTE);
    const breach = (await entriesOf(t, incident.id)).find((e) => e.type === "sla_breached");
    expect(breach?.data).toMatchObject({ sla: "acknowledge", target: "5m" });
  });

  it("cancels every deadline on resolve", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Quick fix", severity: "sev1" });
    expect((await pendingJobsOf(t.database.db, t.fake.teamId, incident.id)).length).toBeGreaterThan(0);
    expect(await say(t, "U_ALICE", incident.channelId!, "resolve Restarted it")).toContain("resolved");
    // Only the postmortem's own reminder outlives the resolution of a SEV1.
    expect((await pendingJobsOf(t.database.db, t.fake.teamId, incident.id)).map((j) => j.kind)).toEqual(["postmortem.not_drafted"]);
    await advance(t, clock, 10 * 24 * 60 * MINUTE);
    const types = (await entriesOf(t, incident.id)).map((e) => e.type);
    expect(types).not.toContain("sla_breached");
    expect(types).not.toContain("update_reminder");
  });

  it("records a missed resolution target once, and nudges a quiet incident after 7 days", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    const t = await bot(clock);
    const incident = await declaredIncident(t, { title: "Slow burn", severity: "sev4" });
    await advance(t, clock, 7 * 24 * 60 * MINUTE);
    const lines = botLinesIn(t, incident.channelId!).map((m) => m.text);
    expect(lines).toContain(":alarm_clock: Resolution target missed: SEV4 incidents should be resolved within 7d.");
    expect(lines.filter((l) => l.includes("has had no activity for 7 days"))).toHaveLength(1);
    await advance(t, clock, 24 * 60 * MINUTE);
    await advance(t, clock, 24 * 60 * MINUTE);
    const types = (await entriesOf(t, incident.id)).map((e) => e.type);
    expect(types.filter((x) => x === "sla_breached")).toHaveLength(2);
    expect(types.filter((x) => x === "stale_nudge")).toHaveLength(1);
  });
});
