// /incident metrics over a seeded history: every figure computed by hand below, the change against the period
// before, the sparkline, the filters, incidents declared in error left out, and bad arguments answered politely.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { actionItems, incidents, postmortems, workspaces } from "../../src/db/schema.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { command, declaredIncident, say, timelineTypes } from "../support/war-room.js";
import { timelineOf } from "../../src/timeline/append.js";

const NOW = "2026-11-30T12:00:00Z";
const MIN = 60_000;
let h: TestBot;
let clock: ManualClock;

const at = (iso: string) => new Date(iso);
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MIN);

/**
 * The last 30 days run from 31 Oct 12:00 to 30 Nov 12:00; the 30 days before from 1 Oct 12:00.
 *   A sev1 20 Nov: ack 2m, mitigated 30m, resolved 60m; postmortem published on time
 *   B sev1 21 Nov: ack 10m (ack SLA breached), mitigated 90m, resolved 300m (resolve SLA breached); postmortem late
 *   C sev2 25 Nov: ack 4m, mitigated 20m, resolved 40m; postmortem not yet due
 *   D sev3 28 Nov: ack 6m, still investigating
 *   E sev2 10 Nov: declared in error (ack 1m, resolved 2m: would pull every median down if it counted)
 * Before: F sev2 15 Oct: ack 8m, mitigated 60m, resolved 120m, postmortem on time;
 *         G sev3 20 Oct: ack 12m (breached), mitigated 100m, resolved 200m; H 25 Oct declared in error.
 */
function seeded(teamId: string) {
  const base = { teamId, commanderId: "U_ALICE", declaredBy: "U_ALICE", status: "resolved" as const, updatedAt: at(NOW) };
  const incident = (number: number, severity: "sev1" | "sev2" | "sev3", declared: string, ack: number, mitigated: number | null, resolved: number | null, extra: Record<string, unknown> = {}) => ({
    ...base,
    number,
    title: `Seeded ${number}`,
    severity,
    declaredAt: at(declared),
    declareKey: `seed-${number}`,
    acknowledgedAt: plus(declared, ack),
    mitigatedAt: mitigated === null ? null : plus(declared, mitigated),
    resolvedAt: resolved === null ? null : plus(declared, resolved),
    ...extra,
  });
  return [
    incident(1, "sev1", "2026-11-20T10:00:00Z", 2, 30, 60, { affectedServices: ["checkout"] }),
    incident(2, "sev1", "2026-11-21T10:00:00Z", 10, 90, 300, { ackSlaBreachedAt: plus("2026-11-21T10:00:00Z", 5), resolveSlaBreachedAt: plus("2026-11-21T10:00:00Z", 240) }),
    incident(3, "sev2", "2026-11-25T10:00:00Z", 4, 20, 40),
    incident(4, "sev3", "2026-11-28T10:00:00Z", 6, null, null, { status: "investigating" }),
    incident(5, "sev2", "2026-11-10T10:00:00Z", 1, 2, 2, { status: "closed", closeReason: "declared_in_error" }),
    incident(6, "sev2", "2026-10-15T10:00:00Z", 8, 60, 120, { affectedServices: ["checkout"] }),
    incident(7, "sev3", "2026-10-20T10:00:00Z", 12, 100, 200, { ackSlaBreachedAt: plus("2026-10-20T10:00:00Z", 30) }),
    incident(8, "sev3", "2026-10-25T10:00:00Z", 1, 1, 1, { status: "closed", closeReason: "declared_in_error" }),
  ];
}

beforeAll(async () => {
  clock = new ManualClock(NOW);
  h = await startTestBot({}, { clock });
  const teamId = h.fake.teamId;
  await h.database.db.insert(workspaces).values({ teamId, lastIncidentNumber: 100, createdAt: at(NOW) }).onConflictDoUpdate({ target: workspaces.teamId, set: { lastIncidentNumber: 100 } });
  const rows = await h.database.db.insert(incidents).values(seeded(teamId)).returning({ id: incidents.id, number: incidents.number });
  const id = (n: number) => rows.find((r) => r.number === n)!.id;
  // A's published 3 days after resolution; B's 8 days after (late); F's 3 days after.
  await h.database.db.insert(postmortems).values([
    { teamId, incidentId: id(1), status: "published", publishedAt: at("2026-11-23T11:00:00Z"), updatedAt: at(NOW) },
    { teamId, incidentId: id(2), status: "published", publishedAt: at("2026-11-29T16:00:00Z"), updatedAt: at(NOW) },
    { teamId, incidentId: id(6), status: "published", publishedAt: at("2026-10-18T12:00:00Z"), updatedAt: at(NOW) },
  ]);
  const item = (n: number, description: string, status: "open" | "done", dueDate: string) => ({
    teamId,
    incidentId: id(n),
    description,
    ownerId: "U_BOB",
    dueDate,
    status,
    createdBy: "U_ALICE",
    createdAt: at(NOW),
    updatedAt: at(NOW),
  });
  await h.database.db.insert(actionItems).values([
    item(1, "Add a canary", "open", "2026-11-25"),
    item(1, "Write the runbook", "done", "2026-11-22"),
    item(3, "Alert on queue depth", "open", "2026-12-10"),
    item(5, "Nothing: a mistake", "open", "2026-11-01"),
    item(6, "Old follow-up", "open", "2026-10-30"),
  ]);
});
afterAll(async () => {
  await h?.close();
});

const general = () => h.fake.channelByName("general")!.id;
const sections = async (text: string) => {
  const answer = await command(h, "U_CAROL", general(), text);
  // The fake checks the answer against Block Kit's limits, as Slack would before showing it.
  expect(answer.rejectedBySlack).toBeUndefined();
  expect(answer.body.response_type).toBe("ephemeral");
  const blocks = (answer.body.blocks ?? []) as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
  return blocks.map((b) => b.text?.text ?? b.elements?.map((e) => e.text).join(" ") ?? "").join("\n");
};

describe("/incident metrics", () => {
  it("gives the last 30 days' figures computed by hand, each against the 30 days before, declared-in-error left out", async () => {
    const shown = await sections("metrics");
    expect(shown).toContain("Incident metrics: the last 30 days");
    // 4 counted incidents (A–D) against 2 (F, G); weekly, oldest first: G | – | – | – (E left out) | A, B | C, D.
    expect(shown).toContain("*Declared:* 4 (↑2) `▅▁▁▁██`");
    expect(shown).toContain("SEV1 2 (↑2) · SEV2 1 (=) · SEV3 1 (=) · SEV4 0 (=)");
    // D is open now; nothing was open on 31 Oct.
    expect(shown).toContain("*Open now:* 1 (↑1)");
    // Acknowledged after 2, 4, 6, 10 minutes: median 5m, p90 6 + 0.7 × 4 = 8.8m; before: 8, 12 → 10m and 11.6m.
    expect(shown).toContain("*Time to acknowledge:* median 5m (↓5m) · p90 8m (↓2m)");
    // Mitigated after 20, 30, 90 (D not yet): median 30m, p90 30 + 0.8 × 60 = 78m; before: 60, 100 → 80m, 96m.
    expect(shown).toContain("*Time to mitigate:* median 30m (↓50m) · p90 1h 18m (↓18m)");
    // Resolved after 40, 60, 300: median 1h, p90 60 + 0.8 × 240 = 252m; before: 120, 200 → 160m, 192m.
    expect(shown).toContain("*Time to resolve:* median 1h 00m (↓1h 40m) · p90 4h 12m (↑1h 00m)");
    // Ack SLA: B breached, 3 of 4; before G breached, 1 of 2. Resolve SLA: B breached, 2 of 3 (D undecided); before 2 of 2.
    expect(shown).toContain("*Acknowledged within SLA:* 75% (3 of 4) (↑25 pts)");
    expect(shown).toContain("*Resolved within SLA:* 67% (2 of 3) (↓33 pts)");
    // A on time, B late, C not due yet; before: F on time.
    expect(shown).toContain("*Postmortems published on time:* 50% (1 of 2) (↓50 pts)");
    // A's canary (overdue) and C's alert (due in December); before: F's follow-up (overdue). E's item is left out.
    expect(shown).toContain("*Action items:* 2 (↑1) open");
    expect(shown).toContain("1 (=) overdue");
    expect(shown).toContain("Left out of these figures: 1 declared in error (1 in the period before).");
  });

  it("filters by severity and by service", async () => {
    const sev1 = await sections("metrics sev:1");
    expect(sev1).toContain("SEV1");
    expect(sev1).toContain("*Declared:* 2 (↑2)");
    // A and B: 2 and 10 minutes.
    expect(sev1).toContain("*Time to acknowledge:* median 6m");
    const checkout = await sections("metrics 30d service:checkout");
    expect(checkout).toContain("service checkout");
    expect(checkout).toContain("*Declared:* 1 (=)");
  });

  it("compares 7 days with the 7 before, and a quarter with the previous one to the same day", async () => {
    // 23–30 Nov: C and D; 16–23 Nov: A and B.
    expect(await sections("metrics 7d")).toContain("*Declared:* 2 (=)");
    const quarter = await sections("metrics quarter");
    // 1 Oct – 30 Nov holds all six counted incidents; 1 Jul – 30 Aug none.
    expect(quarter).toContain("Incident metrics: this quarter so far");
    expect(quarter).toContain("*Declared:* 6 (↑6)");
  });

  it("answers bad arguments with the forms it accepts", async () => {
    for (const bad of ["45d", "sev:9", "service:", "7d 30d", "<!channel>"]) {
      const answer = await say(h, "U_CAROL", general(), `metrics ${bad}`);
      expect(answer).toMatch(/^Sorry, I don't understand `[^`]+` there\. `\/incident metrics` takes a period \(`7d`, `30d` \(the default\), `90d` or `quarter`\)/);
      expect(answer).not.toContain("<!channel>");
    }
  });

  it("closes an incident declared in error from any status, says so on its timeline, and counts it apart", async () => {
    const mistake = await declaredIncident(h, { title: "Not really down", severity: "sev2" });
    const answer = await say(h, "U_ALICE", mistake.channelId!, "close in error");
    expect(answer).toBe(`Incident #${mistake.number} is closed as declared in error: it stays on record, left out of the metrics, and its channel is being archived.`);
    expect(await timelineTypes(h, mistake)).toContain("closed");
    const closed = (await timelineOf(h.database.db, h.fake.teamId, mistake.id)).find((e) => e.type === "closed")!;
    expect(closed.data).toMatchObject({ reason: "declared_in_error", from: "investigating" });
    expect(h.fake.messagesIn(h.fake.channelByName("incidents")!.id).some((m) => m.text.includes(`Incident #${mistake.number} is now closed as declared in error`))).toBe(true);
    const shown = await sections("metrics");
    expect(shown).toContain("*Declared:* 4 (↑2)");
    expect(shown).toContain("Left out of these figures: 2 declared in error (1 in the period before).");
    expect(await say(h, "U_ALICE", general(), `close #${mistake.number} in error`)).toBe(`Incident #${mistake.number} is already closed as declared in error.`);
    expect(await say(h, "U_ALICE", general(), `close #${mistake.number} because`)).toContain("`/incident close in error` closes one that was declared by mistake");
  });
});
