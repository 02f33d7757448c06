// The App Home's blocks stay within what Slack accepts however full a person's lists are, and the metrics slot
// shows the brief lines it is given.
import { describe, expect, it } from "vitest";
import type { ActionItem, OncallSchedule } from "../../src/db/schema.js";
import { viewProblems } from "../../src/fake-slack/block-rules.js";
import { HomeLimits, type PersonalHome } from "../../src/home/home.js";
import { appHome, HOME_MAX_BLOCKS } from "../../src/slack/blocks/app-home.js";
import { incidentFixture } from "../support/incident-fixture.js";

const now = new Date("2026-11-29T10:00:00Z");
const long = (n: number) => `<!channel> & ${"🔥".repeat(n)}`;

function item(id: number): ActionItem & { incidentNumber: number } {
  return {
    id,
    teamId: "T1",
    incidentId: 1,
    description: long(240),
    ownerId: "U_BOB",
    dueDate: "2026-11-01",
    priority: "high",
    status: "open",
    wontDoReason: null,
    ownerTimeZone: "Asia/Tokyo",
    createdBy: "U_ALICE",
    sourceKey: null,
    createdAt: now,
    updatedAt: now,
    incidentNumber: 12,
  };
}

function schedule(id: number): OncallSchedule {
  return { id, teamId: "T1", name: long(40), timeZone: "UTC", handoffTime: "09:00", lengthHours: 24, startDate: "2026-11-01", members: ["U_BOB"], createdBy: "U_ALICE", updatedAt: now };
}

/** As full as a Home gets: every list at its limit with far more behind it, every text as long as it may be. */
const fullest: PersonalHome = {
  userId: "U_BOB",
  incidents: Array.from({ length: HomeLimits.incidents }, (_, i) => ({
    incident: incidentFixture({ id: i + 1, number: i + 1, title: long(70), commanderId: "U_BOB", scribeId: "U_BOB" }),
    roles: ["commander", "scribe"] as const,
  })).map((r) => ({ ...r, roles: [...r.roles] })),
  incidentsTotal: 500,
  onCall: Array.from({ length: HomeLimits.schedules }, (_, i) => ({
    schedule: schedule(i + 1),
    now: { userId: "U_BOB", startsAt: now, endsAt: new Date(now.getTime() + 3_600_000), override: true },
    next: { userId: "U_CAROL", startsAt: new Date(now.getTime() + 3_600_000), endsAt: new Date(now.getTime() + 7_200_000), override: false },
  })),
  schedulesTotal: 80,
  actionItems: Array.from({ length: HomeLimits.actionItems }, (_, i) => item(i + 1)),
  actionItemsTotal: 60,
};

describe("the App Home's blocks", () => {
  it("stay within Slack's 100 blocks and every limit at the fullest, metrics included, and escape what people typed", () => {
    const view = appHome(fullest, { now, metricsBrief: Array.from({ length: 12 }, (_, i) => `MTTR ${i}: ${"x".repeat(300)}`) });
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    const json = JSON.stringify(view);
    expect(json).not.toContain("<!channel>");
    expect(json).toContain("…and 490 more. `/incident list` shows every open incident.");
    expect(json).toContain("…and 70 more schedules. `/incident oncall` shows them all.");
    expect(json).toContain("Showing 25 of 60, soonest due first: 35 more. `/incident actions` lists them all.");
    expect(json).toContain(":warning: *overdue*");
    expect(json).toContain("Last 30 days");
  });

  it("leaves the metrics out when none are given", () => {
    const view = appHome({ ...fullest, actionItems: [], actionItemsTotal: 0 }, { now });
    expect(JSON.stringify(view)).not.toContain("Last 30 days");
    expect(JSON.stringify(view)).toContain("Nothing open");
  });
});
