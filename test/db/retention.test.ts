// Nothing grows without bound: finished deliveries and jobs go after their retention, remembered request
// signatures after eleven minutes (both halves of the 5-minute window, plus clock skew), API Idempotency-Keys after a day; in small batches, and safely when every replica prunes at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { ManualClock } from "../../src/clock.js";
import { apiIdempotencyKeys, apiTokens, auditEntries, outboxItems, scheduledJobs, seenRequests } from "../../src/db/schema.js";
import { Retention } from "../../src/db/retention.js";
import { createLogger } from "../../src/log.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const clock = new ManualClock("2026-11-22T09:00:00Z");
const DAY = 24 * 60 * 60_000;
const ago = (ms: number) => new Date(clock.now().getTime() - ms);
const retention = (overrides: Partial<ConstructorParameters<typeof Retention>[0]> = {}) =>
  new Retention({ db: database.db, clock, logger: createLogger("silent"), outboxRetentionDays: 7, jobRetentionDays: 30, batchSize: 2, ...overrides });

let keys = 0;
async function delivery(teamId: string, status: "pending" | "done" | "failed", finishedDaysAgo: number | null) {
  const [row] = await database.db
    .insert(outboxItems)
    .values({ teamId, kind: "step", idempotencyKey: `prune-${keys++}`, status, nextAttemptAt: ago(40 * DAY), createdAt: ago(40 * DAY), finishedAt: finishedDaysAgo === null ? null : ago(finishedDaysAgo * DAY) })
    .returning({ id: outboxItems.id });
  return row!.id;
}
async function job(teamId: string, status: "pending" | "done" | "cancelled" | "failed", finishedDaysAgo: number | null) {
  const [row] = await database.db
    .insert(scheduledJobs)
    .values({ teamId, kind: "job", jobKey: `prune-${keys++}`, status, dueAt: ago(40 * DAY), createdAt: ago(40 * DAY), finishedAt: finishedDaysAgo === null ? null : ago(finishedDaysAgo * DAY) })
    .returning({ id: scheduledJobs.id });
  return row!.id;
}
const remaining = async (table: typeof outboxItems | typeof scheduledJobs, ids: number[]) =>
  (await database.db.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map((r) => r.id).sort((a, b) => a - b);

describe("pruning", () => {
  it("deletes finished deliveries and jobs past their retention and old signatures, and keeps everything else", async () => {
    const oldDone = await delivery("T_PRUNE", "done", 8);
    const oldFailed = await delivery("T_PRUNE", "failed", 8);
    const recentDone = await delivery("T_PRUNE", "done", 6);
    const oldPending = await delivery("T_PRUNE", "pending", null);
    const oldJobs = [await job("T_PRUNE", "done", 31), await job("T_PRUNE", "cancelled", 31), await job("T_PRUNE", "failed", 31)];
    const recentJob = await job("T_PRUNE", "done", 29);
    const overdueJob = await job("T_PRUNE", "pending", null);
    await database.db.insert(seenRequests).values([
      { signature: "v0=old", seenAt: ago(12 * 60_000) },
      { signature: "v0=recent", seenAt: ago(10 * 60_000) },
    ]);
    const [token] = await database.db.insert(apiTokens).values({ teamId: "T_PRUNE", name: "ci", tokenHash: "h", createdBy: "U_ADMIN", createdAt: ago(40 * DAY) }).returning();
    const remembered = (key: string, createdAt: Date) => ({ teamId: "T_PRUNE", tokenId: token!.id, key, fingerprint: "f", status: 201, answer: { body: {} }, createdAt });
    await database.db.insert(apiIdempotencyKeys).values([remembered("day-old", ago(DAY + 60_000)), remembered("recent", ago(DAY - 60_000))]);

    expect(await retention().pruneOnce()).toEqual({ deliveries: 2, jobs: 3, signatures: 1, idempotencyKeys: 1, audit: 0 });

    expect(await remaining(outboxItems, [oldDone, oldFailed, recentDone, oldPending])).toEqual([recentDone, oldPending]);
    expect(await remaining(scheduledJobs, [...oldJobs, recentJob, overdueJob])).toEqual([recentJob, overdueJob]);
    expect((await database.db.select().from(seenRequests)).map((r) => r.signature)).toEqual(["v0=recent"]);
    expect((await database.db.select().from(apiIdempotencyKeys)).map((r) => r.key)).toEqual(["recent"]);
  });

  it("deletes a bounded number of rows per run and finishes on the next ones", async () => {
    for (let i = 0; i < 30; i++) await delivery("T_BOUNDED", "done", 10);
    const left = async () => (await database.db.select({ id: outboxItems.id }).from(outboxItems).where(eq(outboxItems.teamId, "T_BOUNDED"))).length;
    const pruner = retention({ batchSize: 5, maxBatches: 2 });
    expect((await pruner.pruneOnce()).deliveries).toBe(10);
    expect(await left()).toBe(20);
    await pruner.pruneOnce();
    await pruner.pruneOnce();
    expect(await left()).toBe(0);
  });

  it("lets every replica prune at the same moment without errors or double work", async () => {
    for (let i = 0; i < 60; i++) await delivery("T_REPLICAS", "done", 10);
    for (let i = 0; i < 40; i++) await job("T_REPLICAS", "done", 40);
    const replicas = [retention({ batchSize: 5, maxBatches: 50 }), retention({ batchSize: 5, maxBatches: 50 }), retention({ batchSize: 5, maxBatches: 50 })];
    const runs = await Promise.all(replicas.map((r) => r.pruneOnce()));
    expect(runs.reduce((n, r) => n + r.deliveries, 0)).toBe(60);
    expect(runs.reduce((n, r) => n + r.jobs, 0)).toBe(40);
    expect(await database.db.select().from(outboxItems).where(eq(outboxItems.teamId, "T_REPLICAS"))).toHaveLength(0);
    expect(await database.db.select().from(scheduledJobs).where(eq(scheduledJobs.teamId, "T_REPLICAS"))).toHaveLength(0);
  });

  it("deletes audit entries older than AUDIT_RETENTION_DAYS, and only those", async () => {
    const entry = (daysAgo: number, action: string) => ({
      teamId: "T_AUDIT_PRUNE",
      at: ago(daysAgo * DAY),
      actor: "U_ALICE",
      action,
      subjectKind: "incident",
      subjectId: 1,
      incidentId: 1,
      incidentNumber: 1,
      result: "done" as const,
    });
    await database.db.insert(auditEntries).values([entry(401, "old"), entry(400.5, "just past"), entry(399, "kept"), entry(1, "recent")]);
    expect((await retention({ auditRetentionDays: 400, batchSize: 1 }).pruneOnce()).audit).toBe(2);
    const left = await database.db.select({ action: auditEntries.action }).from(auditEntries).where(eq(auditEntries.teamId, "T_AUDIT_PRUNE")).orderBy(auditEntries.at);
    expect(left.map((r) => r.action)).toEqual(["kept", "recent"]);
  });
});
