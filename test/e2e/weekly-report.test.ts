// The weekly report: Monday 09:00 in the business time zone, in the announcement channel, once per week even with
// two replicas ticking on one database, and never when WEEKLY_REPORT=off.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { actionItems, incidents, workspaces } from "../../src/db/schema.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { advance, MINUTE } from "../support/clock.js";

const opened: TestBot[] = [];
// Replicas share the first one's database and fake Slack, which are closed last.
afterEach(async () => {
  for (const bot of [...opened].reverse()) await bot.stopBot();
  await opened[0]?.database.destroy();
  await opened[0]?.fake.close();
  opened.length = 0;
});

const HOUR = 60 * MINUTE;
const reports = (h: TestBot) => h.fake.messagesIn(h.fake.channelByName("incidents")!.id).filter((m) => m.text.startsWith("Weekly incident report"));

async function seedWeek(h: TestBot) {
  const teamId = h.fake.teamId;
  const now = new Date("2026-11-29T20:00:00Z");
  await h.database.db.insert(workspaces).values({ teamId, lastIncidentNumber: 50, createdAt: now }).onConflictDoNothing();
  const base = { teamId, commanderId: "U_ALICE", declaredBy: "U_ALICE", updatedAt: now };
  const [last, older] = await h.database.db
    .insert(incidents)
    .values([
      { ...base, number: 41, title: "Checkout 502s", severity: "sev1", status: "resolved", declaredAt: new Date("2026-11-25T10:00:00Z"), acknowledgedAt: new Date("2026-11-25T10:03:00Z"), resolvedAt: new Date("2026-11-25T11:00:00Z"), channelId: "C_ROOM41", declareKey: "s41" },
      { ...base, number: 30, title: "Old DNS outage", severity: "sev2", status: "resolved", declaredAt: new Date("2026-11-02T10:00:00Z"), resolvedAt: new Date("2026-11-02T12:00:00Z"), declareKey: "s30" },
      { ...base, number: 42, title: "False alarm", severity: "sev3", status: "closed", closeReason: "declared_in_error", declaredAt: new Date("2026-11-26T10:00:00Z"), declareKey: "s42" },
    ])
    .returning();
  await h.database.db.insert(actionItems).values([
    { teamId, incidentId: older!.id, description: "Lower the DNS TTL", ownerId: "U_BOB", dueDate: "2026-11-20", createdBy: "U_ALICE", createdAt: now, updatedAt: now },
    { teamId, incidentId: last!.id, description: "Add a canary", ownerId: "U_BOB", dueDate: "2026-11-27", createdBy: "U_ALICE", createdAt: now, updatedAt: now },
    { teamId, incidentId: last!.id, description: "Page the right team", ownerId: "U_CAROL", dueDate: "2026-11-28", createdBy: "U_ALICE", createdAt: now, updatedAt: now },
  ]);
}

describe("the weekly report", () => {
  it("is posted once at Monday 09:00 in the business time zone, by one of two replicas", async () => {
    // Sunday 20:00 UTC; Paris is UTC+1 in winter, so Monday 09:00 there is 08:00 UTC.
    const clock = new ManualClock("2026-11-29T20:00:00Z");
    const env = { BUSINESS_TIMEZONE: "Europe/Paris" };
    const one = await startTestBot(env, { clock });
    opened.push(one);
    const two = await startTestBot(env, { clock, database: one.database, fakeSlack: one.fake });
    opened.push(two);
    await seedWeek(one);

    await advance(one, clock, Date.parse("2026-11-30T07:59:00Z") - clock.now().getTime());
    await two.bot.scheduler.tick();
    expect(reports(one)).toHaveLength(0);

    clock.advance(MINUTE);
    await Promise.all([one.bot.scheduler.tick(), two.bot.scheduler.tick()]);
    await Promise.all([one.bot.outbox.waitUntilIdle(), two.bot.outbox.waitUntilIdle()]);
    expect(reports(one)).toHaveLength(1);

    const report = JSON.stringify(reports(one)[0]!.blocks);
    // Last week's incidents with links to their war rooms; the mistake is marked as such.
    expect(report).toContain("*#41* Checkout 502s · SEV1 · resolved · <#C_ROOM41>");
    expect(report).toContain("*#42* False alarm · SEV3 · declared in error");
    expect(report).toContain("Mon 23 Nov – Mon 30 Nov");
    // The metrics of the week: #41 counted, #42 left out.
    expect(report).toContain("*Declared:* 1 (↑1)");
    expect(report).toContain("1 declared in error");
    // Postmortems still owed: both resolved SEV1/SEV2 incidents, newest first.
    expect(report).toContain("Postmortems still owed (2)");
    expect(report.indexOf("*#41* Checkout 502s · SEV1 · IC <@U_ALICE>")).toBeLessThan(report.indexOf("*#30* Old DNS outage"));
    // Overdue action items by owner, most first.
    expect(report).toContain("Overdue action items by owner (3)");
    expect(report).toContain("<@U_BOB>: 2 (#30 Lower the DNS TTL; #41 Add a canary)");
    expect(report).toContain("<@U_CAROL>: 1 (#41 Page the right team)");

    // The rest of the week and a restart: nothing more until next Monday.
    await advance(one, clock, 2 * HOUR);
    await two.restart();
    await advance(two, clock, 7 * 24 * HOUR - 2 * HOUR - MINUTE);
    expect(reports(one)).toHaveLength(1);
    await advance(two, clock, MINUTE);
    await one.bot.scheduler.tick();
    await one.bot.outbox.waitUntilIdle();
    expect(reports(one)).toHaveLength(2);
    expect(JSON.stringify(reports(one)[1]!.blocks)).toContain("Mon 30 Nov – Mon 7 Dec");
  });

  it("is never posted when WEEKLY_REPORT=off, even after a release that had it on planned one", async () => {
    const clock = new ManualClock("2026-11-29T20:00:00Z");
    const before = await startTestBot({}, { clock });
    opened.push(before);
    await seedWeek(before);
    await before.stopBot();
    const h = await startTestBot({ WEEKLY_REPORT: "off" }, { clock, database: before.database, fakeSlack: before.fake });
    opened.push(h);
    await advance(h, clock, 13 * HOUR);
    await advance(h, clock, 7 * 24 * HOUR);
    expect(reports(h)).toHaveLength(0);
  });

  it("follows WEEKLY_REPORT: another day and time", async () => {
    const clock = new ManualClock("2026-11-29T20:00:00Z");
    const h = await startTestBot({ WEEKLY_REPORT: "fri 16:30" }, { clock });
    opened.push(h);
    await advance(h, clock, 24 * HOUR);
    expect(reports(h)).toHaveLength(0);
    await advance(h, clock, Date.parse("2026-12-04T16:30:00Z") - clock.now().getTime());
    expect(reports(h)).toHaveLength(1);
  });
});
