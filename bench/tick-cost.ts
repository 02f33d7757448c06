// What one scheduler tick costs with 10 jobs due, as the number of stored incidents (each with a pending
// far-future job, like a real open incident's deadlines) grows: due work is found through the due-time index.
import { eq, sql } from "drizzle-orm";
import { ManualClock } from "../src/clock.js";
import { openPglite, openPostgres, type Database } from "../src/db/client.js";
import { incidents } from "../src/db/schema.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { createLogger } from "../src/log.js";
import { Scheduler, scheduleJob, type JobHandler } from "../src/scheduler/scheduler.js";
import { appendTimeline } from "../src/timeline/append.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_TICK";

async function seed(database: Database, count: number): Promise<number> {
  const { db } = database;
  await db.execute(sql`insert into workspaces (team_id, created_at) values (${TEAM}, now())`);
  await db.execute(sql`
    insert into incidents (team_id, number, title, severity, status, commander_id, declared_by, declared_at, declare_key, updated_at)
    select ${TEAM}, g, 'Stored incident ' || g, 'sev3', case when g % 10 = 0 then 'investigating' else 'closed' end, 'U1', 'U1', now(), 'bench-' || g, now()
    from generate_series(1, ${count}) g`);
  await db.execute(sql`
    insert into scheduled_jobs (team_id, incident_id, kind, job_key, due_at, created_at)
    select ${TEAM}, id, 'bench.far', 'far-' || id, now() + interval '30 days', now() from incidents where team_id = ${TEAM}`);
  await db.execute(sql`analyze`);
  const [first] = await db.select({ id: incidents.id }).from(incidents).where(eq(incidents.teamId, TEAM)).orderBy(incidents.id).limit(1);
  return first!.id;
}

export async function tickCost(sizes: number[], rounds: number, databaseUrl?: string): Promise<Array<{ incidents: number; p50: number; p95: number }>> {
  const results: Array<{ incidents: number; p50: number; p95: number }> = [];
  for (const size of sizes) {
    const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
    const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
    await migrateDatabase(database);
    const incidentId = await seed(database, size);
    const clock = new ManualClock("2026-11-22T09:00:00Z");
    const handler: JobHandler = async (tx, job, now) => {
      await appendTimeline(tx, { teamId: TEAM, incidentId, type: "bench", actor: "bench", occurredAt: now, data: { job: job.jobKey } });
    };
    const scheduler = new Scheduler({ db: database.db, clock, logger: createLogger("silent"), handlers: { "bench.due": handler }, tickSeconds: 15 });
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await database.db.transaction(async (tx) => {
        for (let i = 0; i < 10; i++) {
          await scheduleJob(tx, clock, { teamId: TEAM, incidentId, kind: "bench.due", jobKey: `due-${round}-${i}`, dueAt: clock.now() });
        }
      });
      clock.advance(15_000);
      const started = process.hrtime.bigint();
      const handled = await scheduler.tick();
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (handled !== 10) throw new Error(`a tick handled ${handled} jobs, expected 10`);
    }
    samples.sort((a, b) => a - b);
    results.push({ incidents: size, p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)]! });
    await database.close();
    await scratch?.drop();
  }
  return results;
}
