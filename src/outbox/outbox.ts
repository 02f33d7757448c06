// Durable side effects (Slack, PagerDuty, webhooks): enqueued inside the domain transaction, delivered after commit by
// the surface that owns each kind, with retries, resumed after a crash.
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { sql, and, eq, gt, inArray, isNull } from "drizzle-orm";
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
  /**
   * For a step nothing after it needs: later items of its incident wait for it only this long after its first
   * attempt, so while Slack is slow to take it the steps that matter go ahead of it.
   */
  holdsUpMs?: number;
  /** Lower goes first when more is due than the worker takes at once (an incident's severity: 1 = SEV1). Default 5. */
  priority?: number;
  /**
   * Items are ordered per incident within their lane: a PagerDuty event waits for the incident's earlier PagerDuty
   * events, never for a slow Slack step, and a dead webhook endpoint holds up only its own deliveries.
   * Unset: the incident's main lane (Slack).
   */
  lane?: string;
  /**
   * What a refresh about no incident renders (a person's App Home: "home:U123"). Equal refreshes of one subject
   * coalesce, and each waits for the earlier pending ones of its subject, as an incident's refreshes do.
   */
  subject?: string;
}

/**
 * Items of one incident are delivered in the order they were enqueued, except refreshes (coalesce), which wait
 * for what came before them but hold up nobody, and steps with holdsUpMs, which hold up the rest only so long.
 */
export async function enqueue(tx: Tx, clock: Clock, items: NewOutboxItem[]): Promise<void> {
  const now = clock.now();
  const wanted: NewOutboxItem[] = [];
  for (const item of items) {
    if (item.coalesce && (item.incidentId !== undefined || item.subject) && (await refreshWaiting(tx, item, now))) continue;
    wanted.push(item);
  }
  if (wanted.length === 0) return;
  await tx
    .insert(outboxItems)
    .values(wanted.map((i) => ({ ...i, payload: i.payload ?? {}, coalesce: i.coalesce ?? false, priority: i.priority ?? 5, nextAttemptAt: now, createdAt: now })))
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
        item.incidentId !== undefined ? eq(outboxItems.incidentId, item.incidentId) : eq(outboxItems.subject, item.subject!),
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
  /** Not a failure at all: the other side asked us to wait this long (a rate limit); no attempt is counted. */
  deferMs?: number;
  message: string;
}

/** What a deliverer may do besides calling out: write down how far it got, before a call that cannot be checked afterwards. */
export interface DeliveryAttempt {
  /** Merged into the item's progress at once, so a later attempt (in any process) reads it. */
  remember(progress: Record<string, unknown>): Promise<void>;
}

export type Deliverer = (item: OutboxItem, attempt: DeliveryAttempt) => Promise<Completion>;

/** How a surface paces its deliveries (slack/pacing.ts). */
export interface DeliveryPacing {
  /**
   * Which of the items just claimed must wait for the surface's rate limits, and how long (ms, by item id): they are
   * put back unrun, in one write, instead of each starting only to be refused. The others may have been promised a slot.
   */
  waits(items: OutboxItem[]): Map<number, number>;
  /** An item's delivery ended (done, failed or put back): a slot it was promised and did not use is free again. */
  ended(item: OutboxItem): void;
  /** Registers how to bring items put back for a slot forward, when a slot comes free before their time. */
  onSlotsFreed?(bringForward: (itemIds: number[]) => void): void;
}

/** Told what became of each attempt once it is committed (telemetry counts it); a rolled-back attempt is never told. */
export interface DeliveryObserver {
  delivered(item: OutboxItem): void;
  /** Failed; tried again later. */
  retrying(item: OutboxItem): void;
  gaveUp(item: OutboxItem): void;
}

/** A surface (Slack, PagerDuty, webhooks): the kinds it delivers and how it reads its own failures. */
export interface DeliverySurface {
  name: string;
  deliverers: Record<string, Deliverer>;
  /** Whether a failure (an error a deliverer threw) is worth retrying, and when. */
  classifyFailure: (error: unknown) => DeliveryFailure;
}

interface OutboxOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  surfaces: DeliverySurface[];
  /** Called in the transaction that gives an item up, so the failure can be told to people. */
  onGiveUp?: (tx: Tx, item: OutboxItem, failure: DeliveryFailure) => Promise<void>;
  /** The surfaces' rate limits, applied to items as they are claimed (see DeliveryPacing). */
  pace?: DeliveryPacing;
  /** Told of each attempt's end once it is committed (telemetry counts them). */
  observer?: DeliveryObserver;
  /** Items claimed at a time by deliverDue (tests, waitUntilIdle). */
  batchSize?: number;
  /** Deliveries in flight at once in the background; each runs on its own, so a slow one holds up only itself. */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  maxBackoffMs?: number;
  /**
   * How long Slack may still apply a call we stopped waiting for (timed out, cut by shutdown): the next attempt
   * looks for its result no sooner than this after it.
   */
  settleMs?: number;
  /** On stop, how long deliveries in flight may take to finish before they are handed back (default 5 s). */
  drainMs?: number;
}

/**
 * Slack's trouble is mostly patchy (one call in twenty fails, then the next works), so the wait grows gently and
 * reaches the cap only after a dozen failures in a row; the jitter keeps items that failed together from
 * retrying together.
 */
function backoffMs(attempts: number, maxBackoffMs: number): number {
  const exponential = 500 * 1.5 ** Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(exponential, maxBackoffMs) * (0.8 + Math.random() * 0.4);
}

/** How a call that people would see twice if it were repeated ended, as far as its caller knows. */
export type SideEffectOutcome =
  /** Slack answered: it was done. */
  | "applied"
  /** Slack answered: it was not done (refused, rate-limited). */
  | "refused"
  /** Slack answered, but not with the outcome (a 5xx): it may have been done. */
  | "unknown"
  /** No answer (timed out, connection cut): it may be done even later, while nobody listens. */
  | "unanswered";

// A backlog refreshes the table's statistics at most this often (see refreshStatistics).
const ANALYZE_EVERY_MS = 10_000;
/** On stop, how long deliveries in flight may take by default before they are handed back. */
export const DEFAULT_DRAIN_MS = 5000;

/** What one attempt has done to the world, as told by the surface that made its calls. */
interface AttemptState {
  /** The item being delivered, for a surface that paces its calls by priority (see currentDelivery). */
  item: { id: number; priority: number; teamId: string };
  acted: boolean;
  inFlight: number;
  unanswered: boolean;
  handedBack: boolean;
  /** Earlier attempts' doubtful calls were looked for and found not done. */
  resolved: boolean;
}

const currentAttempt = new AsyncLocalStorage<AttemptState>();

/** Thrown to an attempt that keeps going after its item was handed back at shutdown: another attempt owns it now. */
class AttemptHandedBack extends Error {
  constructor() {
    super("this delivery was handed back when the bot stopped; a later attempt will finish it");
  }
}

/**
 * A surface calls this just before a call whose repetition people would see twice (a post, a new channel), and
 * tells the returned function how it ended. This is how the outbox knows that the next attempt must look for what
 * this one may have done, and must wait for a call that may still land. Outside a delivery it does nothing.
 */
export function sideEffectStarting(): (outcome: SideEffectOutcome) => void {
  const state = currentAttempt.getStore();
  if (!state) return () => undefined;
  if (state.handedBack) throw new AttemptHandedBack();
  state.inFlight += 1;
  let ended = false;
  return (outcome) => {
    if (ended) return;
    ended = true;
    state.inFlight -= 1;
    if (outcome !== "refused") state.acted = true;
    if (outcome === "unanswered") state.unanswered = true;
  };
}

/** The delivery this code runs in, if any: a surface pacing its calls serves the most urgent first. */
export function currentDelivery(): { id: number; priority: number; teamId: string } | undefined {
  return currentAttempt.getStore()?.item;
}

/**
 * A surface calls this when it has looked for what earlier attempts may have done (a post, by its key) and found
 * it not done: the next attempt need not look again, unless this one makes a call it cannot confirm.
 */
export function uncertaintyResolved(): void {
  const state = currentAttempt.getStore();
  if (state && state.inFlight === 0 && !state.acted) state.resolved = true;
}

interface Running {
  item: OutboxItem;
  state: AttemptState;
  startedAt: Date;
  done: Promise<void>;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private wakeUp: NodeJS.Timeout | undefined;
  private wakeUpAt = 0;
  private pumping: Promise<void> | undefined;
  private rerun = false;
  private started = false;
  private stopped = false;
  private readonly running = new Map<number, Running>();
  /** The claim under way in this worker (see claimReady). */
  private claiming: Promise<unknown> = Promise.resolve();
  private analyzedAt = 0;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly settleMs: number;
  private readonly drainMs: number;
  private readonly surfaceOf = new Map<string, DeliverySurface>();
  /**
   * The context the worker was made in (start-up: no request, no workspace). A kick comes from inside whatever asked
   * for work (a listener acting for one workspace); deliveries started from there must not inherit that context,
   * or an item of one workspace would be delivered as another.
   */
  private readonly ownContext = new AsyncResource("warroom.outbox");

  constructor(private readonly options: OutboxOptions) {
    for (const surface of options.surfaces) {
      for (const kind of Object.keys(surface.deliverers)) {
        const owner = this.surfaceOf.get(kind);
        if (owner) throw new Error(`outbox kind "${kind}" is delivered by both ${owner.name} and ${surface.name}`);
        this.surfaceOf.set(kind, surface);
      }
    }
    this.batchSize = options.batchSize ?? 16;
    this.concurrency = options.concurrency ?? 32;
    this.leaseMs = options.leaseMs ?? 60_000;
    // Local enqueues kick the worker at once and retries set their own wake-up (see wakeForRetries), so the
    // poll only catches what another replica enqueued; on embedded PGlite every poll costs the event loop.
    this.pollMs = options.pollMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.settleMs = options.settleMs ?? 30_000;
    this.drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
    options.pace?.onSlotsFreed?.((itemIds) => void this.bringForward(itemIds));
  }

  /** Items put back to wait for a rate slot that came free early: due now, and claimed at once. */
  private async bringForward(itemIds: number[]): Promise<void> {
    if (!this.started || this.stopped || itemIds.length === 0) return;
    const now = this.options.clock.now();
    await this.options.db
      .update(outboxItems)
      .set({ nextAttemptAt: now })
      .where(and(inArray(outboxItems.id, itemIds), eq(outboxItems.status, "pending"), isNull(outboxItems.leasedUntil), gt(outboxItems.nextAttemptAt, now)))
      .then(
        () => this.kick(),
        (error: unknown) => this.options.logger.error({ err: error }, "could not bring forward deliveries a rate slot came free for; they run at their own time"),
      );
  }

  start(): void {
    this.started = true;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    // A delivery may outlive one lease (several slow calls): its worker keeps it while it runs.
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(1000, this.leaseMs / 3));
    this.heartbeat.unref();
    this.kick();
  }

  /** Delivers what is due now; calls made while a claim is under way coalesce into one more. */
  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.pumping) {
      this.rerun = true;
      return;
    }
    this.pumping = this.ownContext.runInAsyncScope(() => this.pump()).finally(() => {
      this.pumping = undefined;
      // A kick that came while the run was finishing (looking for its next wake-up) is not lost.
      if (this.rerun) this.kick();
    });
  }

  /**
   * Stops claiming, lets deliveries in flight finish for up to `drainMs`, then hands back the rest: each item's
   * lease is released, and if a call of it may still land, the next attempt waits for it and then looks for it.
   */
  async stop(drainMs = this.drainMs): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.wakeUp) clearTimeout(this.wakeUp);
    await this.pumping;
    const inFlight = [...this.running.values()];
    if (inFlight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled(inFlight.map((r) => r.done)).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    if (!drained) await this.handBack([...this.running.values()]);
  }

  private async pump(): Promise<void> {
    do {
      this.rerun = false;
      try {
        for (;;) {
          const free = this.concurrency - this.running.size;
          if (this.stopped || free <= 0) break; // a delivery that finishes kicks again
          const { claimed, ready } = await this.claimReady(free);
          for (const item of ready) void this.launch(item);
          if (claimed.length < free) break;
          await this.refreshStatistics();
        }
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
      // Only future retries: anything due now was either claimed by this run or waits behind one of them.
      .where(and(eq(outboxItems.status, "pending"), sql`${outboxItems.nextAttemptAt} > ${this.options.clock.now()}`))
      .catch(() => [undefined]);
    if (next?.at) this.wakeAt(next.at);
  }

  /** Claims and delivers one batch, waiting for all of it; returns how many items it handled. */
  async deliverDue(): Promise<number> {
    if (this.stopped && this.started) return 0;
    return this.ownContext.runInAsyncScope(async () => {
      const { claimed, ready } = await this.claimReady(this.batchSize);
      await Promise.all(ready.map((item) => this.launch(item)));
      return claimed.length;
    });
  }

  /**
   * Claims and asks the pacing which may run, one claim at a time in this worker: two claims at once (the pump and a
   * waiting caller) would each take what the other skipped, and the second's less urgent items could be paced ahead
   * of the first's more urgent ones, put back a moment later.
   */
  private claimReady(limit: number): Promise<{ claimed: OutboxItem[]; ready: OutboxItem[] }> {
    const turn = this.claiming.then(async () => {
      const claimed = await this.claim(limit);
      return { claimed, ready: await this.readyToRun(claimed) };
    });
    this.claiming = turn.catch(() => undefined);
    return turn;
  }

  /**
   * A full claim means a backlog (an alert storm's war rooms): the table's statistics may still describe the few rows
   * it held before, and with those the planner checks each item against every pending one instead of its incident's
   * (quadratic, seconds on the embedded database). PGlite never analyzes by itself and PostgreSQL's autovacuum only
   * after a minute or so; refreshing them now keeps the claim cheap while the backlog lasts.
   */
  private async refreshStatistics(): Promise<void> {
    const now = Date.now();
    if (now - this.analyzedAt < ANALYZE_EVERY_MS) return;
    this.analyzedAt = now;
    await this.options.db.execute(sql`analyze outbox_items`).catch((error: unknown) => this.options.logger.warn({ err: error }, "could not refresh the outbox's statistics"));
  }

  /** The claimed items that may run now; the others are put back until their surface's limits let them. */
  private async readyToRun(claimed: OutboxItem[]): Promise<OutboxItem[]> {
    const waits = claimed.length ? this.options.pace?.waits(claimed) : undefined;
    if (!waits?.size) return claimed;
    const now = this.options.clock.now().getTime();
    const byTime = new Map<number, number[]>();
    for (const [id, waitMs] of waits) {
      // Slots come free in steps: items due within a few ms of each other are put back together.
      const at = Math.ceil((now + waitMs) / 10) * 10;
      byTime.set(at, [...(byTime.get(at) ?? []), id]);
    }
    for (const [at, ids] of byTime) {
      await this.options.db
        .update(outboxItems)
        .set({
          nextAttemptAt: new Date(at),
          leasedUntil: null,
          // Not an attempt: the claim's count is given back, and a first claim leaves no "first attempt" behind.
          attempts: sql`greatest(${outboxItems.attempts} - 1, 0)`,
          attemptedAt: sql`case when ${outboxItems.attempts} <= 1 then null else ${outboxItems.attemptedAt} end`,
        })
        .where(and(inArray(outboxItems.id, ids), eq(outboxItems.status, "pending")))
        .catch((error: unknown) => this.options.logger.error({ err: error }, "could not put back deliveries waiting for rate limits; their leases will run out"));
      this.wakeAt(new Date(at));
    }
    return claimed.filter((item) => !waits.has(item.id));
  }

  /** Resolves when nothing is pending any more (for tests and the benchmark). */
  async waitUntilIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.deliverDue();
      if ((await this.pendingCount()) === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox still has ${await this.pendingCount()} pending items: ${await this.pendingDescribed()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** What is still pending and why, for a test or benchmark that waited too long. */
  private async pendingDescribed(): Promise<string> {
    const now = this.options.clock.now().getTime();
    const rows = await this.options.db
      .select({ id: outboxItems.id, kind: outboxItems.kind, attempts: outboxItems.attempts, next: outboxItems.nextAttemptAt, lease: outboxItems.leasedUntil, error: outboxItems.lastError })
      .from(outboxItems)
      .where(eq(outboxItems.status, "pending"))
      .limit(5);
    return rows
      .map((r) => `#${r.id} ${r.kind} (${r.attempts} attempts, due in ${r.next.getTime() - now} ms${r.lease ? `, leased for ${r.lease.getTime() - now} ms more` : ""}${r.error ? `, last error: ${r.error.slice(0, 120)}` : ""})`)
      .join("; ");
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.options.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outboxItems)
      .where(eq(outboxItems.status, "pending"));
    return row?.n ?? 0;
  }

  // The lease plus SKIP LOCKED lets any number of replicas share the table without delivering twice;
  // an item waits while an earlier item of its incident and lane is still pending, which keeps each incident in
  // order on each surface without one surface's trouble holding up another's. An earlier item that holds up the
  // rest only for a while (holds_up_ms: the topic, the declarer's link) holds them up from its first attempt, and
  // not at all while it waits for its turn at Slack's rate limits (put back unattempted): the card and the
  // announcement never queue behind a courtesy that has no slot.
  // An item whose lease ran out was held by a worker that died mid-delivery: what it did is unknown.
  private async claim(limit: number): Promise<OutboxItem[]> {
    const now = this.options.clock.now();
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const claimed = await this.options.db
      .update(outboxItems)
      .set({
        leasedUntil: leaseEnd,
        attempts: sql`${outboxItems.attempts} + 1`,
        attemptedAt: sql`coalesce(${outboxItems.attemptedAt}, ${now})`,
        uncertainSince: sql`case when ${outboxItems.leasedUntil} is not null
          then coalesce(${outboxItems.uncertainSince}, ${outboxItems.attemptedAt}, ${outboxItems.createdAt})
          else ${outboxItems.uncertainSince} end`,
      })
      .where(
        sql`${outboxItems.id} in (
          select i.id from outbox_items i
          where i.status = 'pending' and i.next_attempt_at <= ${now}
            and (i.leased_until is null or i.leased_until < ${now})
            and not exists (
              select 1 from outbox_items e
              where e.incident_id = i.incident_id and e.status = 'pending' and e.id < i.id
                and e.lane is not distinct from i.lane
                and (i.coalesce or not e.coalesce)
                and (e.holds_up_ms is null
                  or (e.attempted_at is null and e.next_attempt_at <= ${now})
                  or e.attempted_at > ${now}::timestamptz - make_interval(secs => e.holds_up_ms / 1000.0)))
            and (i.subject is null or not exists (
              select 1 from outbox_items s
              where s.team_id = i.team_id and s.subject = i.subject and s.status = 'pending' and s.id < i.id))
          order by i.priority, i.next_attempt_at, i.id
          limit ${limit}
          for update skip locked)`,
      )
      .returning();
    // Started most urgent first; an incident's own items are still in order (one priority per incident).
    return claimed.sort((a, b) => a.priority - b.priority || a.id - b.id);
  }

  private launch(item: OutboxItem): Promise<void> {
    // Still running here (its lease ran out under a stalled event loop): one delivery of an item at a time.
    const already = this.running.get(item.id);
    if (already) return already.done;
    const state = { item: { id: item.id, priority: item.priority, teamId: item.teamId }, acted: false, inFlight: 0, unanswered: false, handedBack: false, resolved: false };
    const run: Running = { item, state, startedAt: this.options.clock.now(), done: Promise.resolve() };
    run.done = this.deliver(run).finally(() => {
      this.running.delete(item.id);
      this.options.pace?.ended(item);
      this.kick();
    });
    this.running.set(item.id, run);
    return run.done;
  }

  private async deliver(run: Running): Promise<void> {
    const { db, logger } = this.options;
    const { item } = run;
    const surface = this.surfaceOf.get(item.kind);
    const deliverer = surface?.deliverers[item.kind];
    const log = logger.child({ outboxId: item.id, kind: item.kind, incidentId: item.incidentId, attempt: item.attempts });
    try {
      if (!deliverer) throw new PermanentDeliveryError(`no deliverer for outbox kind "${item.kind}"`);
      const superseded = item.coalesce ? await this.equalRefreshesWaiting(item) : [];
      const completion = await currentAttempt.run(run.state, () => deliverer(item, this.attemptOf(run)));
      if (run.state.handedBack) return;
      await db.transaction(async (tx) => {
        if (completion) await completion(tx);
        await tx
          .update(outboxItems)
          .set({ status: "done", finishedAt: this.options.clock.now(), leasedUntil: null })
          .where(and(eq(outboxItems.id, item.id), eq(outboxItems.teamId, item.teamId)));
        if (superseded.length) await this.supersede(tx, superseded);
      });
      this.options.observer?.delivered(item);
      log.debug("delivered");
    } catch (error) {
      // Handed back at shutdown: what this attempt did is for the next one to find out.
      if (run.state.handedBack) return;
      const failure: DeliveryFailure =
        error instanceof DeliveryDeferred
          ? { retryable: true, deferMs: error.waitMs, message: error.message }
          : error instanceof PermanentDeliveryError
            ? { retryable: false, message: error.message }
            : surface
              ? surface.classifyFailure(error)
              : { retryable: false, message: error instanceof Error ? error.message : String(error) };
      if (failure.deferMs !== undefined) {
        await this.defer(run, failure.deferMs).catch((e) => log.error({ err: e }, "could not defer a delivery"));
        return;
      }
      await this.recordFailure(run, failure).then(
        () => (failure.retryable ? this.options.observer?.retrying(item) : this.options.observer?.gaveUp(item)),
        (e: unknown) => log.error({ err: e }, "could not record delivery failure"),
      );
      if (failure.retryable) log.warn({ error: failure.message }, "delivery failed; will retry");
      else log.error({ error: failure.message }, "delivery failed permanently; giving up");
    }
  }

  /**
   * Equal refreshes of the same incident (or subject) already committed when this one starts: their changes are in what this one
   * renders (it reads the incident after this), so they need not run once it has.
   */
  private async equalRefreshesWaiting(item: OutboxItem): Promise<number[]> {
    const sameThing =
      item.incidentId !== null
        ? eq(outboxItems.incidentId, item.incidentId)
        : item.subject !== null
          ? and(eq(outboxItems.teamId, item.teamId), eq(outboxItems.subject, item.subject))
          : undefined;
    if (!sameThing) return [];
    const rows = await this.options.db
      .select({ id: outboxItems.id })
      .from(outboxItems)
      .where(and(sameThing, eq(outboxItems.kind, item.kind), eq(outboxItems.status, "pending"), sql`${outboxItems.id} <> ${item.id}`));
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

  private attemptOf(run: Running): DeliveryAttempt {
    return {
      remember: async (progress) => {
        if (run.state.handedBack) throw new AttemptHandedBack();
        run.item.progress = { ...run.item.progress, ...progress };
        await this.options.db
          .update(outboxItems)
          .set({ progress: sql`${outboxItems.progress} || ${JSON.stringify(progress)}::jsonb` })
          .where(eq(outboxItems.id, run.item.id));
      },
    };
  }

  /** What the next attempt must know: since when something may have been done without our knowing. */
  private uncertainty(run: Running): { uncertainSince: Date | null; settledAt: number } {
    const { acted, inFlight, unanswered, resolved } = run.state;
    const earlier = resolved ? null : run.item.uncertainSince;
    const uncertainSince = earlier ?? (acted || inFlight > 0 ? run.startedAt : null);
    // A call nobody heard back from may still land: looking for it before then would find nothing and do it again.
    const settledAt = unanswered || inFlight > 0 ? this.options.clock.now().getTime() + this.settleMs : 0;
    return { uncertainSince, settledAt };
  }

  /** Not a failure: the item runs again later and the attempt the claim counted is given back. */
  private async defer(run: Running, waitMs: number): Promise<void> {
    const { uncertainSince, settledAt } = this.uncertainty(run);
    const at = new Date(Math.max(this.options.clock.now().getTime() + waitMs, settledAt));
    await this.options.db
      .update(outboxItems)
      .set({ nextAttemptAt: at, leasedUntil: null, uncertainSince, attempts: sql`greatest(${outboxItems.attempts} - 1, 0)` })
      .where(eq(outboxItems.id, run.item.id));
    this.wakeAt(at);
  }

  /** Runs again at `at` (if that is before the next poll); an earlier wake-up already set is kept. */
  private wakeAt(at: Date): void {
    if (!this.started || this.stopped) return;
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

  private async recordFailure(run: Running, failure: DeliveryFailure): Promise<void> {
    const { item } = run;
    const now = this.options.clock.now().getTime();
    const { uncertainSince, settledAt } = this.uncertainty(run);
    await this.options.db.transaction(async (tx) => {
      if (failure.retryable) {
        const wait = Math.max(failure.retryAfterMs ?? 0, backoffMs(item.attempts, this.maxBackoffMs));
        const at = new Date(Math.max(now + wait, settledAt));
        await tx
          .update(outboxItems)
          .set({ nextAttemptAt: at, leasedUntil: null, lastError: failure.message, uncertainSince })
          .where(eq(outboxItems.id, item.id));
        return;
      }
      await tx
        .update(outboxItems)
        .set({ status: "failed", finishedAt: new Date(now), leasedUntil: null, lastError: failure.message, uncertainSince })
        .where(eq(outboxItems.id, item.id));
      await this.options.onGiveUp?.(tx, item, failure);
    });
  }

  /** Keeps the leases of the deliveries still running here. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.running.values()].filter((r) => !r.state.handedBack).map((r) => r.item.id);
    if (ids.length === 0 || this.stopped) return;
    const leaseEnd = new Date(this.options.clock.now().getTime() + this.leaseMs);
    await this.options.db
      .update(outboxItems)
      .set({ leasedUntil: leaseEnd })
      .where(and(inArray(outboxItems.id, ids), eq(outboxItems.status, "pending")))
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "could not renew delivery leases"));
  }

  /** Releases deliveries that did not finish in time; whatever they still do is not recorded. */
  private async handBack(runs: Running[]): Promise<void> {
    for (const run of runs) run.state.handedBack = true;
    for (const run of runs) {
      const { uncertainSince, settledAt } = this.uncertainty(run);
      const at = new Date(Math.max(this.options.clock.now().getTime(), settledAt));
      await this.options.db
        .update(outboxItems)
        .set({
          leasedUntil: null,
          nextAttemptAt: at,
          uncertainSince,
          attempts: sql`greatest(${outboxItems.attempts} - 1, 0)`,
          lastError: "handed back: the bot stopped while this delivery was under way",
        })
        .where(and(eq(outboxItems.id, run.item.id), eq(outboxItems.status, "pending")))
        .catch((error: unknown) => this.options.logger.error({ err: error, outboxId: run.item.id }, "could not hand back a delivery; its lease will run out"));
      this.options.logger.warn({ outboxId: run.item.id, kind: run.item.kind, uncertain: Boolean(uncertainSince) }, "handed back a delivery still under way at shutdown");
    }
  }
}

/**
 * Deletes delivered and given-up items finished before `before`, at most `limit` of them, skipping rows another
 * replica is deleting right now; returns how many it deleted.
 */
export async function pruneFinishedDeliveries(db: Db, before: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(outboxItems)
    .where(
      sql`${outboxItems.id} in (
        select id from outbox_items
        where status <> 'pending' and finished_at < ${before}
        order by finished_at
        limit ${limit}
        for update skip locked)`,
    )
    .returning({ id: outboxItems.id });
  return deleted.length;
}

/** Thrown by a deliverer for a failure no retry can mend. */
export class PermanentDeliveryError extends Error {}

/** Thrown by a deliverer that should run later (pacing, a local pause): no attempt is counted. */
export class DeliveryDeferred extends Error {
  constructor(readonly waitMs: number) {
    super(`deferred ${waitMs} ms`);
  }
}
