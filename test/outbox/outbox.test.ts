// The outbox on its own: order per incident, retries with Retry-After, giving up, two workers sharing one table,
// slow calls, rate limits, and deliveries cut short by a stop or a crash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ManualClock, systemClock, type Clock } from "../../src/clock.js";
import { incidents, outboxItems, workspaces } from "../../src/db/schema.js";
import { createLogger } from "../../src/log.js";
import { enqueue, OutboxWorker, sideEffectStarting, type Deliverer, type DeliveryFailure } from "../../src/outbox/outbox.js";
import { classifySlackFailure, SlackCallError } from "../../src/slack/gateway.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";
import { eventually } from "../support/declare.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

class Flaky extends Error {
  constructor(readonly retryAfterMs?: number) {
    super("flaky");
  }
}
const classify = (error: unknown): DeliveryFailure =>
  error instanceof Flaky ? { retryable: true, retryAfterMs: error.retryAfterMs, message: "flaky" } : { retryable: false, message: String(error) };

const logger = createLogger("silent");
/** The deliverers under test, as one surface that reads its failures with `classifyFailure`. */
const surfaces = (deliverers: Record<string, Deliverer>, classifyFailure = classify) => [{ name: "test", deliverers, classifyFailure }];
const worker = (deliverers: Record<string, Deliverer>, onGiveUp?: (tx: unknown, item: { incidentId: number | null }) => Promise<void>) =>
  new OutboxWorker({ db: database.db, clock: systemClock, logger, surfaces: surfaces(deliverers), onGiveUp, maxBackoffMs: 50 });

async function incidentFor(teamId: string): Promise<number> {
  const now = new Date();
  await database.db.insert(workspaces).values({ teamId, createdAt: now }).onConflictDoNothing();
  const [row] = await database.db
    .insert(incidents)
    .values({ teamId, number: Math.floor(Math.random() * 1e9), title: "t", severity: "sev3", status: "investigating", commanderId: "U1", declaredBy: "U1", declaredAt: now, declareKey: String(Math.random()), updatedAt: now })
    .returning();
  return row!.id;
}

async function enqueueSteps(teamId: string, incidentId: number, kinds: string[], clock: Clock = systemClock) {
  await database.db.transaction((tx) =>
    enqueue(tx, clock, kinds.map((kind, i) => ({ teamId, incidentId, kind, idempotencyKey: `${incidentId}:${i}:${kind}`, payload: { i } }))),
  );
}

describe("the outbox", () => {
  it("keeps one waiting refresh per subject (a person's Home), runs a subject's refreshes one at a time, and lets other subjects go", async () => {
    const refresh = (userId: string, n: number) => ({ teamId: "T_SUBJECT", kind: "home", idempotencyKey: `home:${userId}:${n}`, payload: { userId, n }, coalesce: true, subject: `home:${userId}` });
    await database.db.transaction((tx) => enqueue(tx, systemClock, [refresh("U_A", 1), refresh("U_B", 1)]));
    await database.db.transaction((tx) => enqueue(tx, systemClock, [refresh("U_A", 2), refresh("U_A", 3)]));
    const waiting = await database.db.select().from(outboxItems).where(eq(outboxItems.teamId, "T_SUBJECT"));
    // U_A's later refreshes found one waiting for U_A and were not added; U_B's is its own.
    expect(waiting.map((i) => i.idempotencyKey).sort()).toEqual(["home:U_A:1", "home:U_B:1"]);

    // A refresh enqueued while an equal one was held by a worker (which then put it back, as a paced refresh does):
    // two wait, and only the first runs; it renders after both committed, so the second is superseded, not run.
    const keyOf = (k: string) => eq(outboxItems.idempotencyKey, k);
    await database.db.transaction((tx) => enqueue(tx, systemClock, [refresh("U_C", 1)]));
    await database.db.update(outboxItems).set({ leasedUntil: new Date(Date.now() + 60_000) }).where(keyOf("home:U_C:1"));
    await database.db.transaction((tx) => enqueue(tx, systemClock, [refresh("U_C", 2)]));
    await database.db.update(outboxItems).set({ leasedUntil: null }).where(keyOf("home:U_C:1"));
    const ran: string[] = [];
    const w = worker({ home: async (item) => void ran.push(item.idempotencyKey) });
    while ((await w.deliverDue()) > 0);
    expect(ran.filter((k) => k.startsWith("home:U_C"))).toEqual(["home:U_C:1"]);
    expect(ran.filter((k) => k.startsWith("home:U_A"))).toEqual(["home:U_A:1"]);
    const [second] = await database.db.select().from(outboxItems).where(keyOf("home:U_C:2"));
    expect(second).toMatchObject({ status: "done", lastError: "superseded by an equal refresh" });
  });

  it("lets the steps after a courtesy step (one that holds them up only a while) go while it waits for its rate slot", async () => {
    const incidentId = await incidentFor("T_COURTESY");
    await database.db.transaction((tx) =>
      enqueue(tx, systemClock, [
        { teamId: "T_COURTESY", incidentId, kind: "topic", idempotencyKey: `${incidentId}:topic`, payload: {}, holdsUpMs: 3000 },
        { teamId: "T_COURTESY", incidentId, kind: "card", idempotencyKey: `${incidentId}:card`, payload: {} },
      ]),
    );
    const ran: string[] = [];
    const w = new OutboxWorker({
      db: database.db,
      clock: systemClock,
      logger,
      surfaces: surfaces({ topic: async () => void ran.push("topic"), card: async () => void ran.push("card") }),
      // Slack's budget for the topic's method is spent for the next minute.
      pace: { waits: (items) => new Map(items.filter((i) => i.kind === "topic").map((i) => [i.id, 60_000])), ended: () => undefined },
    });
    while ((await w.deliverDue()) > 0);
    expect(ran).toEqual(["card"]);
    const [topic] = await database.db.select().from(outboxItems).where(eq(outboxItems.idempotencyKey, `${incidentId}:topic`));
    expect(topic).toMatchObject({ status: "pending", attempts: 0 });
    // Nothing left pending for the tests after this one, which wait for an empty outbox.
    await database.db.delete(outboxItems).where(eq(outboxItems.teamId, "T_COURTESY"));
  });

  it("brings a step put back for its rate slot forward when the slot comes free early", async () => {
    const incidentId = await incidentFor("T_EARLY");
    await enqueueSteps("T_EARLY", incidentId, ["create"]);
    const ran: number[] = [];
    let bringForward: (ids: number[]) => void = () => undefined;
    let slotFree = false;
    const w = new OutboxWorker({
      db: database.db,
      clock: systemClock,
      logger,
      surfaces: surfaces({ create: async (item) => void ran.push(item.id) }),
      // The budget is spent for the next minute, until the pacer says a slot came free.
      pace: { waits: (items) => new Map(slotFree ? [] : items.map((i) => [i.id, 60_000])), ended: () => undefined, onSlotsFreed: (bring) => (bringForward = bring) },
    });
    w.start();
    try {
      const [item] = await database.db.select().from(outboxItems).where(eq(outboxItems.teamId, "T_EARLY"));
      await eventually(async () => ((await database.db.select().from(outboxItems).where(eq(outboxItems.id, item!.id)))[0]!.nextAttemptAt.getTime() > Date.now() + 30_000 ? true : undefined));
      expect(ran).toEqual([]);
      slotFree = true;
      bringForward([item!.id]);
      await eventually(async () => (ran.length ? true : undefined));
      expect(ran).toEqual([item!.id]);
    } finally {
      await w.stop();
    }
  });

  it("delivers the steps of one incident in the order they were enqueued, even when one must be retried", async () => {
    const incidentId = await incidentFor("T_ORDER");
    const seen: string[] = [];
    let failuresLeft = 2;
    const w = worker({
      step: async (item) => {
        if (item.payload.i === 1 && failuresLeft-- > 0) throw new Flaky();
        seen.push(String(item.payload.i));
      },
    });
    await enqueueSteps("T_ORDER", incidentId, ["step", "step", "step", "step"]);
    await w.waitUntilIdle();
    expect(seen).toEqual(["0", "1", "2", "3"]);
  });

  it("enqueues a side effect once however often it is asked", async () => {
    const incidentId = await incidentFor("T_ONCE");
    await enqueueSteps("T_ONCE", incidentId, ["a"]);
    await enqueueSteps("T_ONCE", incidentId, ["a"]);
    const rows = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId));
    expect(rows).toHaveLength(1);
  });

  it("does not try again before Slack's Retry-After has passed", async () => {
    const clock = new ManualClock();
    const incidentId = await incidentFor("T_RETRY_AFTER");
    let attempts = 0;
    const w = new OutboxWorker({
      db: database.db,
      clock,
      logger,
      surfaces: surfaces({
        step: async () => {
          attempts++;
          if (attempts === 1) throw new Flaky(30_000);
        },
      }),
    });
    await database.db.transaction((tx) =>
      enqueue(tx, clock, [{ teamId: "T_RETRY_AFTER", incidentId, kind: "step", idempotencyKey: "retry-after" }]),
    );
    await w.deliverDue();
    clock.advance(29_000);
    await w.deliverDue();
    expect(attempts).toBe(1);
    clock.advance(2_000);
    await w.deliverDue();
    expect(attempts).toBe(2);
    const [row] = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId));
    expect(row!.status).toBe("done");
  });

  it("gives up on a failure no retry can mend, records why, and lets the next step go", async () => {
    const incidentId = await incidentFor("T_GIVE_UP");
    const delivered: string[] = [];
    let gaveUp = 0;
    const w = worker(
      {
        broken: async () => {
          throw new Error("channel_not_found");
        },
        fine: async () => {
          delivered.push("fine");
        },
      },
      async (_tx, item) => {
        if (item.incidentId === incidentId) gaveUp++;
      },
    );
    await enqueueSteps("T_GIVE_UP", incidentId, ["broken", "fine"]);
    await w.waitUntilIdle();
    const rows = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId)).orderBy(outboxItems.id);
    expect(rows.map((r) => r.status)).toEqual(["failed", "done"]);
    expect(rows[0]!.lastError).toContain("channel_not_found");
    expect(delivered).toEqual(["fine"]);
    expect(gaveUp).toBe(1);
  });

  it("delivers every item exactly once when two workers share the table", async () => {
    const counts = new Map<number, number>();
    const deliverers = {
      step: async (item: { id: number }) => {
        counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1));
      },
    };
    const a = worker(deliverers);
    const b = worker(deliverers);
    for (let i = 0; i < 30; i++) await enqueueSteps("T_TWO", await incidentFor("T_TWO"), ["step", "step", "step"]);
    await Promise.all([a.waitUntilIdle(20_000), b.waitUntilIdle(20_000)]);
    expect(counts.size).toBe(90);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("delivers each workspace's items as that workspace, whichever workspace's request woke the worker", async () => {
    // A listener acting for one workspace enqueues and kicks the worker (or waits for it); the other workspace's items
    // delivered then must not run as the first (its Slack token, its channels).
    const { asTeam, currentTeam } = await import("../../src/slack/acting-for.js");
    const actedAs = new Map<string, string | undefined>();
    const w = new OutboxWorker({ db: database.db, clock: systemClock, logger, surfaces: surfaces({ step: async (item) => void actedAs.set(item.idempotencyKey, currentTeam()) }), pollMs: 60_000 });
    const [a, b] = [await incidentFor("T_KICK_A"), await incidentFor("T_KICK_B")];
    w.start();
    try {
      await w.waitUntilIdle(10_000);
      await asTeam("T_KICK_A", async () => {
        await enqueueSteps("T_KICK_B", b, ["step"]);
        await enqueueSteps("T_KICK_A", a, ["step"]);
        w.kick();
      });
      await eventually(async () => actedAs.size === 2);
      await asTeam("T_KICK_A", async () => {
        await enqueueSteps("T_KICK_B", b, ["step", "step"]);
        await w.waitUntilIdle(10_000);
      });
    } finally {
      await w.stop();
    }
    expect(Object.fromEntries(actedAs)).toEqual({ [`${a}:0:step`]: "T_KICK_A", [`${b}:0:step`]: "T_KICK_B", [`${b}:1:step`]: "T_KICK_B" });
  });
});

describe("the outbox under Slack trouble", () => {
  it("keeps delivering other incidents while one delivery waits on a slow call", async () => {
    const slow = await incidentFor("T_SLOW");
    const quick = await incidentFor("T_SLOW");
    let release!: () => void;
    const slowCall = new Promise<void>((r) => (release = r));
    let slowStarted = false;
    const delivered: number[] = [];
    const w = new OutboxWorker({
      db: database.db,
      clock: systemClock,
      logger,
      pollMs: 50,
      surfaces: surfaces({
        step: async (item) => {
          if (item.incidentId === slow) {
            slowStarted = true;
            await slowCall;
          }
          if (item.incidentId === slow || item.incidentId === quick) delivered.push(item.incidentId);
        },
      }),
    });
    w.start();
    await enqueueSteps("T_SLOW", slow, ["step"]);
    w.kick();
    await until(() => slowStarted);
    await enqueueSteps("T_SLOW", quick, ["step"]);
    w.kick();
    await until(() => delivered.includes(quick));
    expect(delivered).toEqual([quick]);
    release();
    await until(() => delivered.includes(slow));
    await w.stop();
  });

  it("does not count a rate limit (Slack's or its own pause) as a failed attempt", async () => {
    const incidentId = await incidentFor("T_PAUSED");
    let calls = 0;
    const w = new OutboxWorker({
      db: database.db,
      clock: systemClock,
      logger,
      surfaces: surfaces({
        step: async () => {
          calls++;
          if (calls <= 3) throw new SlackCallError("chat.postMessage", "ratelimited", true, 20);
        },
      }, classifySlackFailure),
    });
    await enqueueSteps("T_PAUSED", incidentId, ["step"]);
    await w.waitUntilIdle();
    const [row] = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId));
    expect(calls).toBe(4);
    expect(row).toMatchObject({ status: "done", attempts: 1, uncertainSince: null });
  });

  it("hands back a delivery still under way at stop, so the next attempt waits, then looks before redoing", async () => {
    const incidentId = await incidentFor("T_STOP");
    const clock = new ManualClock(new Date());
    let started = false;
    const seen: Array<{ uncertain: boolean }> = [];
    const hanging = new OutboxWorker({
      db: database.db,
      clock,
      logger,
      pollMs: 50,
      settleMs: 30_000,
      surfaces: surfaces({
        step: async () => {
          // A post goes out and Slack does not answer before the bot stops.
          sideEffectStarting();
          started = true;
          await new Promise(() => undefined);
        },
      }),
    });
    hanging.start();
    await enqueueSteps("T_STOP", incidentId, ["step"], clock);
    hanging.kick();
    await until(() => started);
    await hanging.stop(50);

    const [handedBack] = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId));
    expect(handedBack).toMatchObject({ status: "pending", leasedUntil: null, attempts: 0 });
    expect(handedBack!.uncertainSince).not.toBeNull();
    expect(handedBack!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(clock.now().getTime() + 30_000);

    const next = new OutboxWorker({
      db: database.db,
      clock,
      logger,
      surfaces: surfaces({ step: async (item) => void (item.incidentId === incidentId && seen.push({ uncertain: item.uncertainSince instanceof Date })) }),
    });
    expect(await next.deliverDue()).toBe(0);
    clock.advance(30_000);
    await next.deliverDue();
    expect(seen).toEqual([{ uncertain: true }]);
  });

  it("treats an item whose worker died mid-delivery as possibly done", async () => {
    const incidentId = await incidentFor("T_DIED");
    const clock = new ManualClock(new Date());
    const seen: boolean[] = [];
    const worker = (deliver: Deliverer) => new OutboxWorker({ db: database.db, clock, logger, leaseMs: 1000, surfaces: surfaces({ step: deliver }) });
    await enqueueSteps("T_DIED", incidentId, ["step"], clock);
    // The first worker claims the item and is never heard from again.
    void worker(() => new Promise(() => undefined)).deliverDue();
    await until(async () => (await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incidentId)))[0]!.leasedUntil !== null);
    clock.advance(2000);
    await worker(async (item) => void (item.incidentId === incidentId && seen.push(item.uncertainSince instanceof Date))).deliverDue();
    expect(seen).toEqual([true]);
  });
});

async function until(probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
