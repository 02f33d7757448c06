// Keeps the durable tables from growing without bound: delivered outbox items and finished scheduler jobs after
// their retention, remembered request signatures once Slack's replay window is long past, remembered API requests
// (Idempotency-Key) after a day, audit entries after theirs. Runs on every replica:
// each batch deletes a few hundred rows, skipping rows another replica is deleting at the same moment.
import { sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "./client.js";
import { seenRequests } from "./schema.js";
import type { Logger } from "../log.js";
import { pruneFinishedDeliveries } from "../outbox/outbox.js";
import { pruneFinishedJobs } from "../scheduler/scheduler.js";
import { IDEMPOTENCY_KEY_TTL_MS, pruneIdempotencyKeys } from "../access/idempotency-keys.js";
import { pruneAuditEntries } from "../audit/trail.js";

const DAY_MS = 24 * 60 * 60_000;
// A signature is accepted from 5 minutes before its timestamp to 5 minutes after (the receiver refuses anything
// further from our clock either way), so it is kept for both halves, plus a minute for replicas whose clocks disagree.
const SIGNATURE_MEMORY_MS = 11 * 60_000;

interface RetentionOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** OUTBOX_RETENTION_DAYS: delivered and given-up outbox items are kept this long after they finished. */
  outboxRetentionDays: number;
  /** JOB_RETENTION_DAYS: done, cancelled and failed scheduler jobs are kept this long after they finished. */
  jobRetentionDays: number;
  /** AUDIT_RETENTION_DAYS: audit entries are kept this long after they were recorded (default 400). */
  auditRetentionDays?: number;
  /** How often a replica prunes (default every minute: signatures must go within minutes). */
  everyMs?: number;
  /** Rows per DELETE: small, so no statement holds locks or the embedded database for long. */
  batchSize?: number;
  /** Batches per table per run; whatever is left waits for the next run. */
  maxBatches?: number;
}

interface Pruned {
  deliveries: number;
  jobs: number;
  signatures: number;
  idempotencyKeys: number;
  audit: number;
}

/** Deletes remembered request signatures seen before `before`, at most `limit`; returns how many. */
async function forgetSeenRequests(db: Db, before: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(seenRequests)
    .where(
      sql`${seenRequests.signature} in (
        select signature from seen_requests
        where seen_at < ${before}
        limit ${limit}
        for update skip locked)`,
    )
    .returning({ signature: seenRequests.signature });
  return deleted.length;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running: Promise<Pruned> | undefined;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    const every = this.options.everyMs ?? 60_000;
    // Replicas started together spread their runs instead of all pruning at the same second.
    this.first = setTimeout(() => this.runQuietly(), Math.random() * every);
    this.first.unref();
    this.timer = setInterval(() => this.runQuietly(), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every table; overlapping calls share it. */
  pruneOnce(): Promise<Pruned> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private runQuietly(): void {
    this.pruneOnce().then(
      (pruned) => {
        if (Object.values(pruned).some(Boolean)) this.options.logger.debug(pruned, "pruned finished rows");
      },
      (error: unknown) => this.options.logger.warn({ err: error }, "pruning failed; will try again on the next run"),
    );
  }

  private async prune(): Promise<Pruned> {
    const { db, clock, outboxRetentionDays, jobRetentionDays } = this.options;
    const now = clock.now().getTime();
    return {
      deliveries: await this.inBatches((limit) => pruneFinishedDeliveries(db, new Date(now - outboxRetentionDays * DAY_MS), limit)),
      jobs: await this.inBatches((limit) => pruneFinishedJobs(db, new Date(now - jobRetentionDays * DAY_MS), limit)),
      signatures: await this.inBatches((limit) => forgetSeenRequests(db, new Date(now - SIGNATURE_MEMORY_MS), limit)),
      idempotencyKeys: await this.inBatches((limit) => pruneIdempotencyKeys(db, new Date(now - IDEMPOTENCY_KEY_TTL_MS), limit)),
      audit: await this.inBatches((limit) => pruneAuditEntries(db, new Date(now - (this.options.auditRetentionDays ?? 400) * DAY_MS), limit)),
    };
  }

  private async inBatches(deleteSome: (limit: number) => Promise<number>): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    let total = 0;
    for (let batch = 0; batch < (this.options.maxBatches ?? 20); batch++) {
      const deleted = await deleteSome(limit);
      total += deleted;
      if (deleted < limit) break;
    }
    return total;
  }
}
