// The one scheduler: due work lives in scheduled_jobs; each tick claims what is due with FOR UPDATE SKIP LOCKED
// and handles every job in the same transaction that marks it done, so any number of replicas sharing one
// PostgreSQL handle each job exactly once, and a crash or deploy loses nothing.
import { schedule, type ScheduledTask } from "node-cron";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { scheduledJobs, type ScheduledJob } from "../db/schema.js";
import type { Logger } from "../log.js";

interface NewJob {
  teamId: string;
  incidentId?: number;
  kind: string;
  /** One pending job per key: scheduling the same key again moves it. */
  jobKey: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

/** Schedules or moves a job, inside the caller's transaction. */
export async function scheduleJob(tx: Tx, clock: Clock, job: NewJob): Promise<void> {
  const now = clock.now();
  await tx
    .insert(scheduledJobs)
    .values({ ...job, payload: job.payload ?? {}, createdAt: now })
    .onConflictDoUpdate({
      target: [scheduledJobs.teamId, scheduledJobs.jobKey],
      set: { dueAt: job.dueAt, payload: job.payload ?? {}, kind: job.kind, status: "pending", attempts: 0, lastError: null, finishedAt: null },
    });
}

/** Cancels an incident's pending jobs (all, or only these kinds). */
export async function cancelJobs(tx: Tx, clock: Clock, teamId: string, incidentId: number, kinds?: string[]): Promise<void> {
  await tx
    .update(scheduledJobs)
    .set({ status: "cancelled", finishedAt: clock.now() })
    .where(
      and(
        eq(scheduledJobs.teamId, teamId),
        eq(scheduledJobs.incidentId, incidentId),
        eq(scheduledJobs.status, "pending"),
        kinds ? inArray(scheduledJobs.kind, kinds) : undefined,
      ),
    );
}

export async function pendingJobsOf(db: Db | Tx, teamId: string, incidentId: number): Promise<ScheduledJob[]> {
  return db
    .select()
    .from(scheduledJobs)
    .where(and(eq(scheduledJobs.teamId, teamId), eq(scheduledJobs.incidentId, incidentId), eq(scheduledJobs.status, "pending")));
}

/**
 * Deletes done, cancelled and given-up jobs finished before `before`, at most `limit` of them, skipping rows
 * another replica is deleting right now; returns how many it deleted.
 */
export async function pruneFinishedJobs(db: Db, before: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(scheduledJobs)
    .where(
      sql`${scheduledJobs.id} in (
        select id from scheduled_jobs
        where status <> 'pending' and finished_at < ${before}
        order by finished_at
        limit ${limit}
        for update skip locked)`,
    )
    .returning({ id: scheduledJobs.id });
  return deleted.length;
}

/** Thrown by a handler that cannot run yet (its incident is being changed right now): retried next tick, no attempt counted. */
export class JobDeferred extends Error {}

/** Handles one due job inside the claiming transaction; may schedule follow-ups and enqueue Slack side effects. */
export type JobHandler = (tx: Tx, job: ScheduledJob, now: Date) => Promise<void>;

interface SchedulerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** Seconds between ticks (SCHEDULER_TICK). */
  tickSeconds: number;
  batchSize?: number;
  /** Told when a tick handled something, so its Slack side effects go out at once. */
  onWork?: () => void;
  maxAttempts?: number;
  /** Told of each pass once it has committed, with how long it took (telemetry). */
  onSwept?: (report: SweepReport, seconds: number) => void;
}

/** What one pass over the due work did: jobs handled by kind, and those left for a later pass. */
export interface SweepReport {
  handled: number;
  byKind: Record<string, number>;
  /** Their incident was being changed at that moment: they run on the next pass. */
  deferred: number;
  /** Failed this time: retried later with backoff (see maxAttempts). */
  failed: number;
}

const emptyReport = (): SweepReport => ({ handled: 0, byKind: {}, deferred: 0, failed: 0 });

export class Scheduler {
  private task: ScheduledTask | undefined;
  private ticking: Promise<SweepReport> | undefined;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    const every = Math.max(1, Math.min(59, Math.round(this.options.tickSeconds)));
    this.task = schedule(`*/${every} * * * * *`, () => {
      void this.tick().catch((error: unknown) => this.options.logger.error({ err: error }, "scheduler tick failed"));
    });
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.ticking?.catch(() => undefined);
  }

  /** Handles everything due now; returns how many jobs it handled. Overlapping calls share one tick. */
  async tick(): Promise<number> {
    return (await this.sweep()).handled;
  }

  /** The same pass as a tick (and shared with one under way), saying what it did: the escalation sweep endpoint's answer. */
  sweep(): Promise<SweepReport> {
    this.ticking ??= this.timedTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async timedTick(): Promise<SweepReport> {
    const started = performance.now();
    const report = await this.runTick();
    this.options.onSwept?.(report, (performance.now() - started) / 1000);
    return report;
  }

  private async runTick(): Promise<SweepReport> {
    const report = emptyReport();
    for (;;) {
      const batch = await this.handleBatch(report);
      // A full batch may mean more is due; a batch of only deferred jobs waits for the next tick instead of spinning.
      if (batch.claimed < (this.options.batchSize ?? 50) || batch.handled === 0) break;
    }
    if (report.handled) this.options.onWork?.();
    return report;
  }

  /** One transaction: claim a batch of due jobs, handle each under a savepoint, mark them done. */
  private async handleBatch(report: SweepReport): Promise<{ claimed: number; handled: number }> {
    const { db, clock, logger, handlers } = this.options;
    const now = clock.now();
    return db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(scheduledJobs)
        .where(and(eq(scheduledJobs.status, "pending"), sql`${scheduledJobs.dueAt} <= ${now}`))
        .orderBy(scheduledJobs.dueAt, scheduledJobs.id)
        .limit(this.options.batchSize ?? 50)
        .for("update", { skipLocked: true });
      let handled = 0;
      for (const job of due) {
        const handler = handlers[job.kind];
        try {
          if (!handler) throw new Error(`no handler for ${job.kind}`);
          // A savepoint per job: one failing job rolls back alone and is retried on a later tick.
          await tx.transaction(async (inner) => {
            await handler(inner, job, now);
            await inner
              .update(scheduledJobs)
              .set({ status: "done", finishedAt: now, attempts: job.attempts + 1 })
              .where(and(eq(scheduledJobs.id, job.id), eq(scheduledJobs.dueAt, job.dueAt), eq(scheduledJobs.status, "pending")));
          });
          handled += 1;
          report.handled += 1;
          report.byKind[job.kind] = (report.byKind[job.kind] ?? 0) + 1;
        } catch (error) {
          if (error instanceof JobDeferred) {
            report.deferred += 1;
            continue;
          }
          report.failed += 1;
          const attempts = job.attempts + 1;
          const giveUp = attempts >= (this.options.maxAttempts ?? 10);
          logger.error({ err: error, job: job.id, kind: job.kind, attempts }, giveUp ? "gave up on a scheduled job" : "scheduled job failed; will retry");
          await tx
            .update(scheduledJobs)
            .set({
              attempts,
              lastError: error instanceof Error ? error.message : String(error),
              ...(giveUp ? { status: "failed" as const, finishedAt: now } : { dueAt: new Date(now.getTime() + 30_000 * attempts) }),
            })
            .where(eq(scheduledJobs.id, job.id));
        }
      }
      return { claimed: due.length, handled };
    });
  }
}
