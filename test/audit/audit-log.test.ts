// The audit log in the domain: a change leaves exactly one entry, written in the change's own transaction (so a
// change that rolls back leaves none), refusals are recorded with why, and a page reads newest first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ManualClock } from "../../src/clock.js";
import { auditEntries, incidents, oncallSchedules, timelineEntries } from "../../src/db/schema.js";
import { auditTrail, readAuditTrail } from "../../src/audit/trail.js";
import { changeStatus } from "../../src/incidents/change-status.js";
import { resolve } from "../../src/incidents/resolve.js";
import { declareIncident } from "../../src/incidents/declare.js";
import type { IncidentContext } from "../../src/incidents/change.js";
import { saveSchedule } from "../../src/oncall/manage.js";
import { createApiToken } from "../../src/access/api-tokens.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const clock = new ManualClock("2026-11-22T09:00:00Z");
const ctx = (overrides: Partial<IncidentContext> = {}): IncidentContext => ({ db: database.db, clock, admins: new Set(["U_ADMIN"]), ...overrides });
const entriesOf = (teamId: string) => database.db.select().from(auditEntries).where(eq(auditEntries.teamId, teamId)).orderBy(auditEntries.id);

async function declared(teamId: string) {
  const { incident } = await declareIncident(database.db, clock, { teamId, declaredBy: "U_ALICE", title: "Checkout is down", severity: "sev2", commanderId: "U_ALICE", declareKey: `view:${Math.random()}` });
  return incident;
}

describe("changes", () => {
  it("a status change leaves exactly one audit entry: who, what, which incident, done", async () => {
    const incident = await declared("T_CHANGE");
    const before = (await entriesOf("T_CHANGE")).length;
    clock.advance(60_000);
    const outcome = await changeStatus(ctx(), { teamId: "T_CHANGE", incidentId: incident.id }, "U_ALICE", { to: "monitoring" });
    expect(outcome.ok).toBe(true);
    const added = (await entriesOf("T_CHANGE")).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: "U_ALICE", action: "status_changed", subjectKind: "incident", incidentId: incident.id, incidentNumber: incident.number, result: "done", reason: null, at: clock.now() });
    const [entry] = await database.db.select().from(timelineEntries).where(and(eq(timelineEntries.incidentId, incident.id), eq(timelineEntries.type, "status_changed")));
    expect(added[0]!.details).toMatchObject({ entry: entry!.id, from: "investigating", to: "monitoring" });
  });

  it("a resolve whose long summary of emoji is cut for the audit entry at a pair's middle is saved, whole characters only", async () => {
    const incident = await declared("T_EMOJI");
    // 200 emoji are 400 UTF-16 units; the audit entry keeps 279 of them, which would end on half an emoji.
    const summary = "💥".repeat(200);
    const outcome = await resolve(ctx(), { teamId: "T_EMOJI", incidentId: incident.id }, "U_ALICE", { summary });
    expect(outcome.ok).toBe(true);
    const [row] = await database.db.select().from(incidents).where(eq(incidents.id, incident.id));
    expect(row!.resolutionSummary).toBe(summary);
    const resolved = (await entriesOf("T_EMOJI")).find((e) => e.action === "resolved")!;
    const kept = (resolved.details as { summary: string }).summary;
    expect(kept).toMatch(/^(💥)+…$/u);
    expect(kept.length).toBeLessThanOrEqual(280);
  });

  it("a change that rolls back after its audit entry was written leaves no audit entry (and no change)", async () => {
    const incident = await declared("T_ROLLBACK");
    const before = await entriesOf("T_ROLLBACK");
    // replanClock runs after the facts (and their audit entries) were written, inside the same transaction.
    const failing = ctx({
      replanClock: async (tx) => {
        const written = await tx.select().from(auditEntries).where(and(eq(auditEntries.teamId, "T_ROLLBACK"), eq(auditEntries.action, "status_changed")));
        expect(written).toHaveLength(1);
        throw new Error("the clock could not be moved");
      },
    });
    await expect(changeStatus(failing, { teamId: "T_ROLLBACK", incidentId: incident.id }, "U_ALICE", { to: "identified" })).rejects.toThrow("the clock could not be moved");
    expect(await entriesOf("T_ROLLBACK")).toEqual(before);
    const [row] = await database.db.select().from(incidents).where(eq(incidents.id, incident.id));
    expect(row!.status).toBe("investigating");
  });

  it("a schedule saved is audited with its name; one refused by the database leaves no entry", async () => {
    const schedule = { name: "Payments primary", timeZone: "Europe/London", handoffTime: "09:00", lengthHours: 168, startDate: "2026-11-23", members: ["U_ALICE", "U_BOB"] };
    const saved = await saveSchedule(database.db, clock, "T_SCHEDULE", "U_ADMIN", schedule);
    expect(saved.ok).toBe(true);
    expect(await entriesOf("T_SCHEDULE")).toMatchObject([{ actor: "U_ADMIN", action: "schedule_created", subjectKind: "schedule", subjectName: "Payments primary", result: "done" }]);
    // A constraint the audit write cannot see: a trigger refuses the schedule's row after the audit insert ran.
    await database.db.execute(`create or replace function refuse_schedule() returns trigger as $$ begin raise exception 'no more schedules'; end $$ language plpgsql`);
    await database.db.execute(`create constraint trigger refuse_schedule after insert or update on oncall_schedules deferrable initially deferred for each row execute function refuse_schedule()`);
    try {
      await expect(saveSchedule(database.db, clock, "T_SCHEDULE", "U_ADMIN", { ...schedule, name: "Payments secondary" })).rejects.toThrow();
    } finally {
      await database.db.execute(`drop trigger refuse_schedule on oncall_schedules`);
    }
    expect(await entriesOf("T_SCHEDULE")).toHaveLength(1);
    expect(await database.db.select().from(oncallSchedules).where(eq(oncallSchedules.teamId, "T_SCHEDULE"))).toHaveLength(1);
  });
});

describe("refusals", () => {
  it("a non-commander's forbidden status change is recorded as refused, with why, and changes nothing", async () => {
    const incident = await declared("T_REFUSED");
    const before = (await entriesOf("T_REFUSED")).length;
    const outcome = await changeStatus(ctx(), { teamId: "T_REFUSED", incidentId: incident.id }, "U_MALLORY", { to: "monitoring" });
    expect(outcome.ok).toBe(false);
    const added = (await entriesOf("T_REFUSED")).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: "U_MALLORY", action: "change_status", incidentId: incident.id, incidentNumber: incident.number, result: "refused", reason: "not_allowed" });
    expect(added[0]!.details).toMatchObject({ action: "change_status", permission: "manage", status: "investigating" });
  });

  it("a transition the lifecycle does not allow is recorded as refused", async () => {
    const incident = await declared("T_TRANSITION");
    const outcome = await changeStatus(ctx(), { teamId: "T_TRANSITION", incidentId: incident.id }, "U_ALICE", { to: "investigating" });
    expect(outcome.ok).toBe(false);
    const [last] = (await entriesOf("T_TRANSITION")).slice(-1);
    expect(last).toMatchObject({ actor: "U_ALICE", result: "refused", reason: "transition", details: { to: "investigating", route: "status" } });
  });

  it("a non-admin creating an API token is recorded as refused; an admin's token is recorded as created", async () => {
    const admins = new Set(["U_ADMIN"]);
    const refused = await createApiToken(database.db, clock, { teamId: "T_TOKENS", name: "deploy-bot", userId: "U_MALLORY", admins });
    expect(refused.ok).toBe(false);
    const made = await createApiToken(database.db, clock, { teamId: "T_TOKENS", name: "deploy-bot", userId: "U_ADMIN", admins });
    expect(made.ok).toBe(true);
    expect(await entriesOf("T_TOKENS")).toMatchObject([
      { actor: "U_MALLORY", action: "api_token_create", subjectKind: "api_token", subjectName: "deploy-bot", result: "refused", reason: "not_admin" },
      { actor: "U_ADMIN", action: "api_token_created", subjectName: "deploy-bot", result: "done" },
    ]);
  });
});

describe("reading", () => {
  it("pages newest first, per workspace or per incident, and continues with older entries", async () => {
    const first = await declared("T_READ");
    clock.advance(60_000);
    const second = await declared("T_READ");
    for (const to of ["identified", "monitoring"] as const) {
      clock.advance(60_000);
      await changeStatus(ctx(), { teamId: "T_READ", incidentId: first.id }, "U_ALICE", { to });
    }
    const all = await auditTrail(database.db, "T_READ", { limit: 3 });
    expect(all.entries.map((e) => [e.action, e.incidentNumber])).toEqual([
      ["status_changed", first.number],
      ["status_changed", first.number],
      ["declared", second.number],
    ]);
    expect(all.entries[0]!.details).toMatchObject({ to: "monitoring" });
    const older = await auditTrail(database.db, "T_READ", { limit: 3, before: all.olderFrom });
    expect(older.entries.map((e) => [e.action, e.incidentNumber])).toEqual([["declared", first.number]]);
    expect(older.olderFrom).toBeUndefined();
    const ofSecond = await auditTrail(database.db, "T_READ", { incidentId: second.id, limit: 10 });
    expect(ofSecond.entries.map((e) => e.action)).toEqual(["declared"]);
    // Another workspace's log is not this one's.
    expect((await auditTrail(database.db, "T_ELSEWHERE", { limit: 10 })).entries).toEqual([]);
  });

  it("refuses anyone but an incident admin, and records that refusal", async () => {
    const read = await readAuditTrail(database.db, clock, { teamId: "T_PEEK", userId: "U_MALLORY", admins: new Set(["U_ADMIN"]), limit: 10 });
    expect(read).toEqual({ ok: false, refusal: { code: "not_admin" } });
    expect(await entriesOf("T_PEEK")).toMatchObject([{ actor: "U_MALLORY", action: "audit_read", result: "refused", reason: "not_admin" }]);
    const admin = await readAuditTrail(database.db, clock, { teamId: "T_PEEK", userId: "U_ADMIN", admins: new Set(["U_ADMIN"]), limit: 10 });
    expect(admin.ok && admin.page.entries.map((e) => e.actor)).toEqual(["U_MALLORY"]);
  });
});
