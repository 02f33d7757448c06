// Durable Slack side effects: enqueued inside the domain transaction, delivered after commit with retries, resumed after a crash.
import { sql, and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { outboxItems, type OutboxItem } from "../db/schema.js";
import type { Logger } from "../log.js";

export interface NewOutboxItem {
  teamId: string;
  incidentId?: number;
  kind: string;
  /** Unique per workspace: the same side effect enqueued twice is delivered once. */
  idempotencyKey: string;
  payload?: Record<string, unknown>;
  /** A refresh that renders current state: skipped while an equal one is still waiting to run. */
  coalesce?: boolean;
}

/**
 * Items of one incident are delivered in the order they were enqueued, except refreshes (coalesce), which wait
 * for what came before them but hold up nobody.
 */
export async function enqueue(tx: Tx, clock: Clock, items: NewOutboxItem[]): Promise<void> {
  const now = clock.now();
  const wanted: NewOutboxItem[] = [];
  for (const item of items) {
    if (item.coalesce && item.incidentId !== undefined && (await refreshWaiting(tx, item, now))) continue;
    wanted.push(item);
  }
  if (wanted.length === 0) return;
  await tx
    .insert(outboxItems)
    .values(wanted.map((i) => ({ ...i, payload: i.payload ?? {}, coalesce: i.coalesce ?? false, nextAttemptAt: now, createdAt: now })))
    .onConflictDoNothing();
}

/**
 * An equal refresh that no worker holds yet will render this change too. Locking it keeps a worker from claiming
 * it until this transaction commits; one already claimed may have rendered too early, so it does not count.
 */
async function refreshWaiting(tx: Tx, item: NewOutboxItem, now: Date): Promise<boolean> {
  const [waiting] = await tx
    .select({ id: outboxItems.id })
    .from(outboxItems)
    .where(
      and(
        eq(outboxItems.teamId, item.teamId),
        eq(outboxItems.incidentId, item.incidentId!),
        eq(outboxItems.kind, item.kind),
        eq(outboxItems.status, "pending"),
        sql`(${outboxItems.leasedUntil} is null or ${outboxItems.leasedUntil} < ${now})`,
      ),
    )
    .limit(1)
    .for("update");
  return Boolean(waiting);
}

/** What a delivery commits together with marking its item done (state + timeline entry). */
export type Completion = ((tx: Tx) => Promise<unknown>) | void;

export interface DeliveryFailure {
  retryable: boolean;
  /** Slack's Retry-After, when it gave one. */
  retryAfterMs?: number;
  message: string;
}

export type Deliverer = (item: OutboxItem) => Promise<Completion>;

export interface OutboxOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  deliverers: Record<string, Deliverer>;
  classifyFailure: (error: unknown) => DeliveryFailure;
  /** Called in the transaction that gives an item up, so the failure can be told to people. */
  onGiveUp?: (tx: Tx, item: OutboxItem, failure: DeliveryFailure) => Promise<void>;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  maxBackoffMs?: number;
}

export function backoffMs(attempts: number, maxBackoffMs: number): number {
  const exponential = 500 * 2 ** Math.min(attempts - 1, 16);
  const jitter = Math.random() * 250;
  return Math.min(exponential, maxBackoffMs) + jitter;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: NodeJS.Timeout | undefined;
  private wakeUpAt = 0;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: OutboxOptions) {
    this.batchSize = options.batchSize ?? 16;
    this.leaseMs = options.leaseMs ?? 60_000;
    // Local enqueues kick the worker at once and retries set their own wake-up (see wakeForRetries), so the
    // poll only catches what another replica enqueued; on embedded PGlite every poll costs the event loop.
    this.pollMs = options.pollMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Delivers what is due now; calls made while a run is under way coalesce into one more run. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.runUntilQuiet().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wakeUp) clearTimeout(this.wakeUp);
    await this.running;
  }

  private async runUntilQuiet(): Promise<void> {
    do {
      this.rerun = false;
      try {
        while (!this.stopped && (await this.deliverDue()) > 0);
      } catch (error) {
        this.options.logger.error({ err: error }, "outbox run failed; will retry on the next poll");
      }
    } while (this.rerun && !this.stopped);
    await this.wakeForRetries();
  }

  /** Items waiting out a backoff are delivered when it ends, not at the next poll. */
  private async wakeForRetries(): Promise<void> {
    if (this.stopped) return;
    const [next] = await this.options.db
      .select({ at: sql<Date>`min(${outboxItems.nextAttemptAt})`.mapWith(outboxItems.nextAttemptAt) })
      .from(outboxItems)
      // Only future retries: anything due now was either delivered by this run or waits behind one of them.
      .where(and(eq(outboxItems.status, "pending"), sql`${outboxItems.nextAttemptAt} > ${this.options.clock.now()}`))
      .catch(() => [undefined]);
    if (next?.at) this.wakeAt(next.at);
  }

  /** Claims and delivers one batch; returns how many items it handled. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((item) => this.deliver(item)));
    return claimed.length;
  }

  /** Resolves when nothing is pending any more (for tests, the benchmark and graceful shutdown). */
  async waitUntilIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.deliverDue();
      if ((await this.pendingCount()) === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox still has ${await this.pendingCount()} pending items`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.options.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outboxItems)
      .where(eq(outboxItems.status, "pending"));
    return row?.n ?? 0;
  }

  // The lease plus SKIP LOCKED lets any number of replicas share the table without delivering twice;
  // an item waits while an earlier item of its incident is still pending, which keeps each incident in order.
  private async claim(): Promise<OutboxItem[]> {
    const now = this.options.clock.now();
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const result = await this.options.db.execute<{ id: number }>(sql`
      update outbox_items set leased_until = ${leaseEnd}, attempts = attempts + 1
      where id in (
        select i.id from outbox_items i
        where i.status = 'pending' and i.next_attempt_at <= ${now}
          and (i.leased_until is null or i.leased_until < ${now})
          and not exists (
            select 1 from outbox_items e
            where e.incident_id = i.incident_id and e.status = 'pending' and e.id < i.id
              and (i.coalesce or not e.coalesce))
        order by i.next_attempt_at, i.id
        limit ${this.batchSize}
        for update skip locked)
      returning id`);
    const ids = rowsOf<{ id: number }>(result).map((r) => Number(r.id));
    if (ids.length === 0) return [];
    return this.options.db.select().from(outboxItems).where(inArray(outboxItems.id, ids)).orderBy(outboxItems.id);
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { db, logger } = this.options;
    const deliverer = this.options.deliverers[item.kind];
    const log = logger.child({ outboxId: item.id, kind: item.kind, incidentId: item.incidentId, attempt: item.attempts });
    try {
      if (!deliverer) throw new PermanentDeliveryError(`no deliverer for outbox kind "${item.kind}"`);
      const superseded = item.coalesce ? await this.equalRefreshesWaiting(item) : [];
      const completion = await deliverer(item);
      await db.transaction(async (tx) => {
        if (completion) await completion(tx);
        await tx
          .update(outboxItems)
          .set({ status: "done", finishedAt: this.options.clock.now(), leasedUntil: null, lastError: null })
          .where(and(eq(outboxItems.id, item.id), eq(outboxItems.teamId, item.teamId)));
        if (superseded.length) await this.supersede(tx, superseded);
      });
      log.debug("delivered");
    } catch (error) {
      if (error instanceof DeliveryDeferred) {
        await this.defer(item, error.waitMs).catch((e) => log.error({ err: e }, "could not defer a delivery"));
        return;
      }
      const failure =
        error instanceof PermanentDeliveryError
          ? { retryable: false, message: error.message }
          : this.options.classifyFailure(error);
      await this.recordFailure(item, failure).catch((e) => log.error({ err: e }, "could not record delivery failure"));
      if (failure.retryable) log.warn({ error: failure.message }, "delivery failed; will retry");
      else log.error({ error: failure.message }, "delivery failed permanently; giving up");
    }
  }

  /**
   * Equal refreshes of the same incident already committed when this one starts: their changes are in what this one
   * renders (it reads the incident after this), so they need not run once it has.
   */
  private async equalRefreshesWaiting(item: OutboxItem): Promise<number[]> {
    if (item.incidentId === null) return [];
    const rows = await this.options.db
      .select({ id: outboxItems.id })
      .from(outboxItems)
      .where(and(eq(outboxItems.incidentId, item.incidentId), eq(outboxItems.kind, item.kind), eq(outboxItems.status, "pending"), sql`${outboxItems.id} <> ${item.id}`));
    return rows.map((r) => r.id);
  }

  /** Marks superseded refreshes done, unless a worker holds one right now (it will finish it itself). */
  private async supersede(tx: Tx, ids: number[]): Promise<void> {
    const now = this.options.clock.now();
    await tx
      .update(outboxItems)
      .set({ status: "done", finishedAt: now, lastError: "superseded by an equal refresh" })
      .where(and(inArray(outboxItems.id, ids), eq(outboxItems.status, "pending"), sql`(${outboxItems.leasedUntil} is null or ${outboxItems.leasedUntil} < ${now})`));
  }

  /** Not a failure: the item runs again later and the attempt the claim counted is given back. */
  private async defer(item: OutboxItem, waitMs: number): Promise<void> {
    const at = new Date(this.options.clock.now().getTime() + waitMs);
    await this.options.db
      .update(outboxItems)
      .set({ nextAttemptAt: at, leasedUntil: null, attempts: sql`greatest(${outboxItems.attempts} - 1, 0)` })
      .where(eq(outboxItems.id, item.id));
    this.wakeAt(at);
  }

  /** Runs again at `at` (if that is before the next poll); an earlier wake-up already set is kept. */
  private wakeAt(at: Date): void {
    if (this.stopped) return;
    const inMs = Math.max(10, at.getTime() - this.options.clock.now().getTime());
    if (inMs >= this.pollMs) return;
    const when = Date.now() + inMs;
    if (this.wakeUp && this.wakeUpAt <= when) return;
    if (this.wakeUp) clearTimeout(this.wakeUp);
    this.wakeUpAt = when;
    this.wakeUp = setTimeout(() => {
      this.wakeUp = undefined;
      this.kick();
    }, inMs);
    this.wakeUp.unref();
  }

  private async recordFailure(item: OutboxItem, failure: DeliveryFailure): Promise<void> {
    const now = this.options.clock.now().getTime();
    await this.options.db.transaction(async (tx) => {
      if (failure.retryable) {
        const wait = Math.max(failure.retryAfterMs ?? 0, backoffMs(item.attempts, this.maxBackoffMs));
        await tx
          .update(outboxItems)
          .set({ nextAttemptAt: new Date(now + wait), leasedUntil: null, lastError: failure.message })
          .where(eq(outboxItems.id, item.id));
        return;
      }
      await tx
        .update(outboxItems)
        .set({ status: "failed", finishedAt: new Date(now), leasedUntil: null, lastError: failure.message })
        .where(eq(outboxItems.id, item.id));
      await this.options.onGiveUp?.(tx, item, failure);
    });
  }
}

/** Thrown by a deliverer for a failure no retry can mend. */
export class PermanentDeliveryError extends Error {}

/** Thrown by a deliverer that should run later (pacing, a local pause): no attempt is counted. */
export class DeliveryDeferred extends Error {
  constructor(readonly waitMs: number) {
    super(`deferred ${waitMs} ms`);
  }
}

// pg returns { rows }, PGlite returns { rows } too, but drizzle's execute types differ per driver.
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
