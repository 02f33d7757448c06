// The status page's data: one workspace's publications only, open incidents apart from the 90 days of history,
// and a version that changes with every publication and with the day.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { declareIncident } from "../../src/incidents/declare.js";
import { publishOnStatusPage, statusPageOf, statusPageVersion, type PublicState } from "../../src/status-page/page.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-11-30T12:00:00Z");

async function published(teamId: string, title: string, updates: Array<[PublicState, string, Date]>) {
  const { incident } = await declareIncident(database.db, systemClock, { teamId, declaredBy: "U_ALICE", title: `internal ${title}`, severity: "sev2", commanderId: "U_ALICE", declareKey: `k:${Math.random()}` });
  for (const [state, text, at] of updates) {
    await database.db.transaction((tx) => publishOnStatusPage(tx, { teamId, incidentId: incident.id, incidentNumber: incident.number, title, state, text, services: ["API"], at, by: "U_ALICE", entryId: 0 }));
  }
  return incident;
}

describe("the status page's data", () => {
  it("shows one workspace's publications: open ones, then those resolved within 90 days, never older ones", async () => {
    await published("T_PAGE", "Old trouble", [
      ["investigating", "Long ago", new Date(now.getTime() - 120 * DAY)],
      ["resolved", "Fixed long ago", new Date(now.getTime() - 119 * DAY)],
    ]);
    const recent = await published("T_PAGE", "Recent trouble", [
      ["investigating", "Looking", new Date(now.getTime() - 10 * DAY)],
      ["resolved", "Fixed", new Date(now.getTime() - 9 * DAY)],
    ]);
    // Open for months: still open, so still shown.
    const lingering = await published("T_PAGE", "Lingering trouble", [["monitoring", "Watching", new Date(now.getTime() - 200 * DAY)]]);
    await published("T_ELSEWHERE", "Someone else's", [["investigating", "Not yours", new Date(now.getTime() - DAY)]]);

    const page = await statusPageOf(database.db, { teamId: "T_PAGE", title: "Status", services: ["API", "Web"], now });
    expect(page.incidents.map((i) => [i.number, i.title, i.state])).toEqual([[lingering.number, "Lingering trouble", "monitoring"]]);
    expect(page.history.map((i) => i.title)).toEqual(["Recent trouble"]);
    expect(page.history[0]).toMatchObject({ number: recent.number, resolvedAt: new Date(now.getTime() - 9 * DAY).toISOString() });
    expect(page.history[0]!.updates.map((u) => u.text)).toEqual(["Fixed", "Looking"]);
    expect(page.services).toEqual([
      { name: "API", status: "disrupted" },
      { name: "Web", status: "operational" },
    ]);
    expect(JSON.stringify(page)).not.toContain("internal");
    expect(JSON.stringify(page)).not.toContain("Not yours");
  });

  it("changes its version with each publication and with the day, and only then", async () => {
    const before = await statusPageVersion(database.db, "T_VERSION", now);
    expect(await statusPageVersion(database.db, "T_VERSION", new Date(now.getTime() + 60_000))).toBe(before);
    expect(await statusPageVersion(database.db, "T_VERSION", new Date(now.getTime() + DAY))).not.toBe(before);
    await published("T_VERSION", "New", [["investigating", "Looking", now]]);
    expect(await statusPageVersion(database.db, "T_VERSION", now)).not.toBe(before);
  });
});
