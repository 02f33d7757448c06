// Chasing the learning with a manual clock: overdue action items in the owner's morning, the weekly list for
// commanders, reassigning to someone deactivated, and postmortem reminders, each exactly once per window.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { advance, MINUTE } from "../support/clock.js";
import { waitFor } from "../support/declare.js";
import { command, declaredIncident, modalOpenedBy, reload, say } from "../support/war-room.js";

let h: TestBot | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 60 * MINUTE;

async function setup(start: string) {
  const clock = new ManualClock(start);
  h = await startTestBot({}, { clock });
  return { t: h, clock };
}

async function addItem(t: TestBot, incidentChannel: string, description: string, owner: string, due: string) {
  const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: incidentChannel, text: `action add ${description}` });
  const form = await modalOpenedBy(t, opened.triggerId);
  const answer = await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { owner, due, priority: "high" } });
  expect(answer.body).toBe("");
  await t.bot.outbox.waitUntilIdle();
}

const overdueDms = (t: TestBot, user: string) => t.fake.dmsTo(user).filter((m) => m.text.startsWith("Overdue action item"));

describe("overdue action items", () => {
  it("DM the owner once a day in their own morning until done", async () => {
    const { t, clock } = await setup("2026-11-22T10:00:00Z");
    const incident = await declaredIncident(t, { title: "Follow-ups", severity: "sev3" });
    // Carol lives in Singapore (UTC+8): her 09:00 on the day after the due date is 01:00 UTC.
    await addItem(t, incident.channelId!, "Rotate the leaked key", "U_CAROL", "2026-11-23");
    expect(t.fake.dmsTo("U_CAROL").at(-1)!.text).toContain("New action item for you");

    await advance(t, clock, Date.parse("2026-11-24T00:59:00Z") - clock.now().getTime());
    expect(overdueDms(t, "U_CAROL")).toHaveLength(0);
    await advance(t, clock, MINUTE);
    expect(overdueDms(t, "U_CAROL")).toHaveLength(1);
    await advance(t, clock, 12 * HOUR);
    await advance(t, clock, 11 * HOUR);
    expect(overdueDms(t, "U_CAROL")).toHaveLength(1);
    await advance(t, clock, 1 * HOUR);
    expect(overdueDms(t, "U_CAROL")).toHaveLength(2);

    const reminder = overdueDms(t, "U_CAROL").at(-1)!;
    const seen = t.fake.ephemeralsFor("U_CAROL").length;
    await t.driver.clickButton({ userId: "U_CAROL", channelId: reminder.channel, messageTs: reminder.ts, actionId: "action_item_done" });
    expect((await waitFor(() => t.fake.ephemeralsFor("U_CAROL")[seen])).text).toContain("Marked done");
    await advance(t, clock, 24 * HOUR);
    await advance(t, clock, 24 * HOUR);
    expect(overdueDms(t, "U_CAROL")).toHaveLength(2);
  });

  it("list the week's overdue items to the incident's commander on Monday morning", async () => {
    const { t, clock } = await setup("2026-11-22T10:00:00Z");
    const incident = await declaredIncident(t, { title: "Digest", severity: "sev3", commander: "U_BOB" });
    await addItem(t, incident.channelId!, "Write the runbook", "U_CAROL", "2026-11-25");
    await advance(t, clock, Date.parse("2026-11-23T09:00:00Z") - clock.now().getTime());
    expect(t.fake.dmsTo("U_BOB").filter((m) => m.text.includes("overdue action item"))).toHaveLength(0);
    await advance(t, clock, Date.parse("2026-11-30T09:00:00Z") - clock.now().getTime());
    const digest = t.fake.dmsTo("U_BOB").filter((m) => m.text.includes("overdue action item"));
    expect(digest).toHaveLength(1);
    expect(JSON.stringify(digest[0]!.blocks)).toContain("Write the runbook");
    await advance(t, clock, 24 * HOUR);
    expect(t.fake.dmsTo("U_BOB").filter((m) => m.text.includes("overdue action item"))).toHaveLength(1);
  });

  it("go to the commander, with a note, when reassigned to someone deactivated", async () => {
    const { t } = await setup("2026-11-22T10:00:00Z");
    t.fake.addUser({ id: "U_GONE", name: "gone", real_name: "Former Employee", deleted: true });
    const incident = await declaredIncident(t, { title: "Reassign", severity: "sev3", commander: "U_BOB" });
    await addItem(t, incident.channelId!, "Fix the alert", "U_CAROL", "2026-12-01");
    const dm = t.fake.dmsTo("U_CAROL").at(-1)!;
    const click = await t.driver.clickButton({ userId: "U_CAROL", channelId: dm.channel, messageTs: dm.ts, actionId: "action_item_reassign" });
    const form = await modalOpenedBy(t, click.triggerId);
    expect((await t.driver.submitView({ viewId: form.id, userId: "U_CAROL", values: { owner: "U_GONE" } })).body).toBe("");
    await t.bot.outbox.waitUntilIdle();
    const handed = t.fake.dmsTo("U_BOB").at(-1)!;
    expect(JSON.stringify(handed.blocks)).toContain("<@U_GONE> is deactivated, so this comes to you as the incident's commander.");
    const listed = JSON.stringify((await command(t, "U_BOB", incident.channelId!, `actions #${(await reload(t, incident)).number}`)).body.blocks);
    expect(listed).toContain("*Fix the alert* — <@U_BOB>");
  });
});

describe("postmortem reminders", () => {
  it("DM the commander 48 hours after resolution, then daily, until someone starts it; a week-old draft DMs its author once", async () => {
    const { t, clock } = await setup("2026-11-22T10:00:00Z");
    const incident = await declaredIncident(t, { title: "Needs a postmortem", severity: "sev2", commander: "U_BOB" });
    await say(t, "U_BOB", incident.channelId!, "resolve Restarted the pool");
    const nags = () => t.fake.dmsTo("U_BOB").filter((m) => m.text.includes("postmortem") && m.text.includes("not started"));

    await advance(t, clock, 47 * HOUR);
    expect(nags()).toHaveLength(0);
    await advance(t, clock, 1 * HOUR);
    expect(nags()).toHaveLength(1);
    await advance(t, clock, 12 * HOUR);
    expect(nags()).toHaveLength(1);
    await advance(t, clock, 12 * HOUR);
    expect(nags()).toHaveLength(2);

    const opened = await t.driver.slashCommand({ userId: "U_CAROL", channelId: incident.channelId!, text: "postmortem" });
    const form = await modalOpenedBy(t, opened.triggerId);
    await t.driver.submitView({ viewId: form.id, userId: "U_CAROL", values: { summary: "The pool ran dry." } });
    await advance(t, clock, 24 * HOUR);
    expect(nags()).toHaveLength(2);

    const stale = () => t.fake.dmsTo("U_CAROL").filter((m) => m.text.includes("draft") && m.text.includes("a week old"));
    await advance(t, clock, 5 * 24 * HOUR);
    expect(stale()).toHaveLength(0);
    await advance(t, clock, 24 * HOUR);
    expect(stale()).toHaveLength(1);
    await advance(t, clock, 7 * 24 * HOUR);
    expect(stale()).toHaveLength(1);
  });

  it("do not chase a SEV3, whose postmortem is optional", async () => {
    const { t, clock } = await setup("2026-11-22T10:00:00Z");
    const incident = await declaredIncident(t, { title: "Minor", severity: "sev3", commander: "U_BOB" });
    await say(t, "U_BOB", incident.channelId!, "resolve Done");
    await advance(t, clock, 72 * HOUR);
    expect(t.fake.dmsTo("U_BOB").filter((m) => m.text.includes("postmortem"))).toHaveLength(0);
  });
});
