// The scheduler against a real database: due jobs run once, in due order, survive failures, and two
// replicas sharing one database never handle a job twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { openPostgres } from "../../src/db/client.js";
import { incidents, workspaces } from "../../src/db/schema.js";
import { createLogger } from "../../src/log.js";
import { Scheduler, scheduleJob, type JobHandler } from "../../src/scheduler/scheduler.js";
import { appendTimeline, timelineOf } from "../../src/timeline/append.js";
import { openTestDatabase, usingPostgres, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
let incidentId: number;
const teamId = "T_SCHED";
const logger = createLogger("silent");

beforeAll(async () => {
  database = await openTestDatabase();
  const now = new Date("2026-11-22T09:00:00Z");
  await database.db.insert(workspaces).values({ teamId, createdAt: now });
  const [row] = await database.db
    .insert(incidents)
    .values({ teamId, number: 1, title: "t", severity: "sev3", status: "investigating", commanderId: "U", declaredBy: "U", declaredAt: now, declareKey: "k", updatedAt: now })
    .returning();
  incidentId = row!.id;
});
afterAll(async () => {
  await database.destroy();
});

/** A handler whose only effect is a timeline entry naming the job: effects commit with the job, so doubles would show. */
const recordRun: JobHandler = async (tx, job, now) => {
  await appendTimeline(tx, { teamId, incidentId, type: "ran", actor: "test", occurredAt: now, data: { job: job.jobKey } });
};

const runsOf = async (prefix: string) => (await timelineOf(database.db, teamId, incidentId)).map((e) => String(e.data.job)).filter((job) => job.startsWith(prefix));

async function addJobs(clock: ManualClock, prefix: string, count: number, spreadMinutes: number) {
  await database.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      await scheduleJob(tx, clock, {
        teamId,
        incidentId,
        kind: "test.run",
        jobKey: `${prefix}${i}`,
        dueAt: new Date(clock.now().getTime() + ((i * 7919) % (spreadMinutes * 60)) * 1000),
      });
    }
  });
}

describe("the scheduler", () => {
  it("runs each job once it is due, never before", async () => {
    const clock = new ManualClock("2026-11-22T10:00:00Z");
    await addJobs(clock, "due-", 30, 30);
    const scheduler = new Scheduler({ db: database.db, clock, logger, handlers: { "test.run": recordRun }, tickSeconds: 15 });
    expect((await runsOf("due-")).length).toBeLessThan(30);
    const before = (await runsOf("due-")).length;
    clock.advance(15 * 60_000);
    await scheduler.tick();
    const half = (await runsOf("due-")).length;
    expect(half).toBeGreaterThan(before);
    expect(half).toBeLessThan(30);
    clock.advance(16 * 60_000);
    await scheduler.tick();
    await scheduler.tick();
    expect(await runsOf("due-")).toHaveLength(30);
    expect(new Set(await runsOf("due-")).size).toBe(30);
  });

  it("retries a failing job on a later tick without repeating the others", async () => {
    const clock = new ManualClock("2026-11-22T12:00:00Z");
    await addJobs(clock, "flaky-", 5, 1);
    let failures = 0;
    const flaky: JobHandler = async (tx, job, now) => {
      if (job.jobKey === "flaky-3" && failures++ < 2) throw new Error("database hiccup");
      await recordRun(tx, job, now);
    };
    const scheduler = new Scheduler({ db: database.db, clock, logger, handlers: { "test.run": flaky }, tickSeconds: 15 });
    clock.advance(2 * 60_000);
    await scheduler.tick();
    expect(await runsOf("flaky-")).toHaveLength(4);
    for (let i = 0; i < 3; i++) {
      clock.advance(2 * 60_000);
      await scheduler.tick();
    }
    expect((await runsOf("flaky-")).sort()).toEqual(["flaky-0", "flaky-1", "flaky-2", "flaky-3", "flaky-4"]);
  });

  it(`hands every job to exactly one of two replicas sharing ${usingPostgres() ? "PostgreSQL" : "the database"}`, async () => {
    const clock = new ManualClock("2026-11-23T09:00:00Z");
    await addJobs(clock, "replica-", 400, 60);
    const second = usingPostgres() ? await openSecondConnection() : database;
    const replicas = [
      new Scheduler({ db: database.db, clock, logger, handlers: { "test.run": recordRun }, tickSeconds: 15, batchSize: 7 }),
      new Scheduler({ db: second.db, clock, logger, handlers: { "test.run": recordRun }, tickSeconds: 15, batchSize: 7 }),
    ];
    for (let tick = 0; tick < 70; tick++) {
      clock.advance(60_000);
      await Promise.all(replicas.map((r) => r.tick()));
    }
    const runs = await runsOf("replica-");
    expect(runs).toHaveLength(400);
    expect(new Set(runs).size).toBe(400);
    if (second !== database) await second.close();
  });
});

/** A second pool on the same PostgreSQL database, as a second bot process would have. */
async function openSecondConnection() {
  return openPostgres(database.url!, 5);
}
