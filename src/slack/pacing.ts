// The bot's own pacing of its Slack calls, within Slack's rate tiers (rate-tiers.ts), so an alert storm never
// bursts into 429s. Deliveries are paced twice: when the outbox claims them, a step whose Slack method has no
// budget left is put back until its slot (before it reads or writes anything), and a step that may run is promised
// a slot; then each call is admitted against the same budget (a backstop for calls no step announced). Those
// waiting are served most urgent first (the incident's severity), then oldest first: when fifty war rooms wait for
// conversations.create, the SEV1 rooms are created first.
import { Deliveries } from "../incidents/deliveries.js";
import type { DeliveryPacing } from "../outbox/outbox.js";
import { RATE_WINDOW_MS, rateBucket } from "./rate-tiers.js";

/** Who asks: an outbox delivery (by item id) and how urgent it is (lower first). */
interface Caller {
  id: number;
  priority: number;
}

interface Waiting {
  priority: number;
  since: number;
  /** When it was told to come back for its slot: those behind it do not start before then. */
  returnsAt: number;
  /** A delivery that never comes back (done elsewhere, given up) stops holding its place after this. */
  expiresAt: number;
}

interface Counted {
  /** When the call ended (Infinity while under way or promised). */
  at: number;
  /** A slot promised to a delivery about to make the call. */
  promisedTo?: number;
  lapsesAt?: number;
}

interface Bucket {
  limit: number;
  calls: Counted[];
  waiting: Map<number, Waiting>;
}

/** `finished(rateLimited)`: the call ended; one Slack refused with a 429 did not count against the window (as the fake counts). */
export type Admission = { admitted: true; finished(rateLimited?: boolean): void } | { admitted: false; waitMs: number };

// Never ask a delivery to come back sooner than this: a slot is rarely free again within a few milliseconds.
const MIN_WAIT_MS = 20;
// How long after those ahead of it come back a waiting delivery comes back: they are claimed first.
const BEHIND_MS = 10;
// How long one due back still goes first, though it is not back yet; later, those behind it stop waiting for it.
const LATE_RETURN_MS = 1000;
// How late a waiting delivery may come back and keep its place.
const RETURN_GRACE_MS = 10_000;
// A promised slot is given back when its step ends without the call (see release); one never given back (a
// worker that died mid-step) lapses after this.
const PROMISE_MS = 60_000;

export class SlackPacer {
  private readonly buckets = new Map<string, Bucket>();
  /** Which buckets hold a slot promised to a delivery, by its item id. */
  private readonly promises = new Map<number, Set<string>>();
  /** Told which waiting deliveries may come back now (see wakeWaiting). */
  private readonly wakers = new Set<(itemIds: number[]) => void>();

  /** `windowMs`: Slack's minute; tests shrink it together with the fake Slack's. */
  constructor(
    private readonly windowMs = RATE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A slot for one call now, or how long to wait for one. Calls without a caller (a listener answering a person,
   * who cannot wait) are always made, and counted, so deliveries leave room for them.
   */
  admit(method: string, channel: string | undefined, caller?: Caller): Admission {
    const { key, limit } = rateBucket(method, channel);
    const now = this.now();
    const bucket = this.bucket(key, limit, now);
    const promised = caller ? bucket.calls.find((c) => c.promisedTo === caller.id) : undefined;
    if (promised && caller) {
      delete promised.promisedTo;
      delete promised.lapsesAt;
      this.promises.get(caller.id)?.delete(key);
      return this.started(bucket, promised);
    }
    if (!caller) return this.started(bucket, this.count(bucket));
    const decision = this.decide(bucket, limit, caller, now);
    return decision === "go" ? this.started(bucket, this.count(bucket)) : { admitted: false, waitMs: decision };
  }

  /**
   * For a step about to start: how long it must wait for `method`'s budget (0: go now, its slot promised until it
   * calls or ends). Nothing is called here.
   */
  slotFor(method: string, channel: string | undefined, caller: Caller): number {
    const { key, limit } = rateBucket(method, channel);
    const now = this.now();
    const bucket = this.bucket(key, limit, now);
    if (bucket.calls.some((c) => c.promisedTo === caller.id)) return 0;
    const decision = this.decide(bucket, limit, caller, now);
    if (decision !== "go") return decision;
    bucket.calls.push({ at: Infinity, promisedTo: caller.id, lapsesAt: now + PROMISE_MS });
    this.promises.set(caller.id, (this.promises.get(caller.id) ?? new Set()).add(key));
    return 0;
  }

  /** The delivery ended: a slot promised to it and not used (its step had nothing to call) goes to the next in line. */
  release(itemId: number): void {
    for (const key of this.promises.get(itemId) ?? []) {
      const bucket = this.buckets.get(key);
      if (!bucket) continue;
      const before = bucket.calls.length;
      bucket.calls = bucket.calls.filter((c) => c.promisedTo !== itemId);
      if (bucket.calls.length < before) this.wakeWaiting(bucket);
    }
    this.promises.delete(itemId);
  }

  /** `wake(itemIds)`: those deliveries, told to come back later, may come back now (the outbox brings them forward). */
  onSlotsFreed(wake: (itemIds: number[]) => void): void {
    this.wakers.add(wake);
  }

  /**
   * A slot came free before its time (a call Slack refused with a 429, a promised slot given back): those first in
   * line were told to come back when a call leaves the window, maybe most of a minute away, and the next to ask
   * would leave the slot to them. So the first in line are woken to take it, rather than the slot idling.
   */
  private wakeWaiting(bucket: Bucket): void {
    const now = this.now();
    const free = bucket.limit - bucket.calls.length;
    if (free <= 0 || bucket.waiting.size === 0 || this.wakers.size === 0) return;
    const first = [...bucket.waiting.entries()].sort(([, a], [, b]) => a.priority - b.priority || a.since - b.since).slice(0, free);
    const woken = first.filter(([, w]) => w.returnsAt > now + MIN_WAIT_MS);
    if (woken.length === 0) return;
    for (const [, w] of woken) w.returnsAt = now;
    for (const wake of this.wakers) wake(woken.map(([id]) => id));
  }

  /** Go (and leave the line), or how long to wait for the slot this caller's place in line will get. */
  private decide(bucket: Bucket, limit: number, caller: Caller, now: number): "go" | number {
    const mine = bucket.waiting.get(caller.id) ?? { priority: caller.priority, since: now, returnsAt: now, expiresAt: 0 };
    mine.priority = Math.min(mine.priority, caller.priority);
    const aheadOfMe = [...bucket.waiting.entries()].filter(([id, w]) => id !== caller.id && (w.priority < mine.priority || (w.priority === mine.priority && w.since < mine.since)));
    const ahead = aheadOfMe.length;
    // Those ahead were each told when to come back, from what was known then (a call under way ends later than
    // guessed, so one comes back, finds no slot, and is told again). Starting before they are back would open a
    // SEV4's war room ahead of a SEV3's that only waits its turn: go no sooner than the last of them.
    const aheadBack = Math.max(now, ...aheadOfMe.map(([, w]) => w.returnsAt));
    // One due back a moment ago is usually on its way (the claim that brings it back read what was due a moment
    // before it asks): it keeps its turn for a little while, so a less urgent step asking first does not start ahead.
    const aheadOnItsWay = aheadOfMe.some(([, w]) => w.returnsAt <= now && now - w.returnsAt < LATE_RETURN_MS);
    const free = limit - bucket.calls.length;
    if (ahead < free && aheadBack <= now && !aheadOnItsWay) {
      bucket.waiting.delete(caller.id);
      return "go";
    }
    const slot = ahead < free ? now : this.slotFreeing(bucket, ahead - free, limit, now);
    const waitMs = Math.max(MIN_WAIT_MS, slot - now, aheadBack + BEHIND_MS - now);
    mine.returnsAt = now + waitMs;
    // Generous: a delivery comes back late on a busy process, and must still find its place in line.
    mine.expiresAt = now + waitMs + 2 * this.windowMs + RETURN_GRACE_MS;
    bucket.waiting.set(caller.id, mine);
    return waitMs;
  }

  /** When the k-th (from 0) of the counted calls leaves the window; past the last, whole windows later. */
  private slotFreeing(bucket: Bucket, k: number, limit: number, now: number): number {
    // A call still under way (or promised) leaves the window no sooner than a window from now.
    const frees = bucket.calls.map((c) => (c.at === Infinity ? now : c.at) + this.windowMs).sort((a, b) => a - b);
    if (k < frees.length) return frees[k]!;
    const last = frees.at(-1) ?? now;
    return last + this.windowMs * Math.ceil((k - frees.length + 1) / limit);
  }

  private count(bucket: Bucket): Counted {
    const call: Counted = { at: Infinity };
    bucket.calls.push(call);
    return call;
  }

  /** Counted from when Slack answered: Slack saw the call no later than that, so our window never ends before its. */
  private started(bucket: Bucket, call: Counted): Admission {
    return {
      admitted: true,
      finished: (rateLimited) => {
        call.at = this.now();
        if (!rateLimited) return;
        bucket.calls = bucket.calls.filter((c) => c !== call);
        this.wakeWaiting(bucket);
      },
    };
  }

  private bucket(key: string, limit: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // A war room's chat.postMessage bucket goes quiet for good: forget quiet buckets rather than keep them forever.
      if (this.buckets.size >= 1000) for (const [k, b] of this.buckets) if (b.calls.length === 0 && b.waiting.size === 0) this.buckets.delete(k);
      this.buckets.set(key, (bucket = { limit, calls: [], waiting: new Map() }));
    }
    bucket.calls = bucket.calls.filter((c) => (c.promisedTo !== undefined ? c.lapsesAt! > now : c.at === Infinity || now - c.at < this.windowMs));
    for (const [id, w] of bucket.waiting) if (w.expiresAt < now) bucket.waiting.delete(id);
    return bucket;
  }
}

/**
 * The Slack method each rate-limited step starts with, for steps that always make that call (a refresh may find
 * nothing to change, so refreshes are only admitted call by call).
 */
const stepMethods: Record<string, string> = {
  [Deliveries.createChannel]: "conversations.create",
  [Deliveries.continueWarRoom]: "conversations.create",
  [Deliveries.setTopic]: "conversations.setTopic",
  [Deliveries.pinCard]: "pins.add",
};

/**
 * For the outbox: which of the steps it just claimed must wait for Slack's budget, and how long (by item id); and
 * a step that ended gives back the slot it was promised and did not use.
 */
export function deliveryPacing(pacer: SlackPacer): DeliveryPacing {
  return {
    waits: (items) => {
      const waits = new Map<number, number>();
      for (const item of items) {
        const method = stepMethods[item.kind];
        if (!method) continue;
        const wait = pacer.slotFor(method, undefined, { id: item.id, priority: item.priority });
        if (wait > 0) waits.set(item.id, wait);
      }
      return waits;
    },
    ended: (item) => pacer.release(item.id),
    onSlotsFreed: (bringForward) => pacer.onSlotsFreed(bringForward),
  };
}
