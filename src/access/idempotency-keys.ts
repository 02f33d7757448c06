// Requests an integration sent with an `Idempotency-Key`, remembered per token for a day: a retry with the same key
// gets the first answer again instead of acting twice; the same key with another request, or while the first is
// still being handled, is refused.
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { apiIdempotencyKeys } from "../db/schema.js";

/** How long a remembered request is kept: retries come within minutes; a day is Stripe's and most APIs' promise. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;
/** A first request that has not answered by then (its process died) lets a retry take over. */
const LEASE_MS = 30_000;

export interface KeyRef {
  teamId: string;
  tokenId: number;
  key: string;
}

export type KeyClaim =
  /** First time (or the first attempt died): act, then settle() the answer or release() the key. */
  | { kind: "run" }
  /** Answered before: send this again. */
  | { kind: "replay"; status: number; body?: unknown; headers?: Record<string, string> }
  /** The key was used for a different request. */
  | { kind: "mismatch" }
  /** The first request with this key is still being handled. */
  | { kind: "in_progress" };

const where = (ref: KeyRef) =>
  and(eq(apiIdempotencyKeys.teamId, ref.teamId), eq(apiIdempotencyKeys.tokenId, ref.tokenId), eq(apiIdempotencyKeys.key, ref.key));

export async function claimIdempotencyKey(db: Db, clock: Clock, ref: KeyRef, fingerprint: string): Promise<KeyClaim> {
  const now = clock.now();
  const lease = new Date(now.getTime() + LEASE_MS);
  const [inserted] = await db
    .insert(apiIdempotencyKeys)
    .values({ ...ref, fingerprint, lockedUntil: lease, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: apiIdempotencyKeys.key });
  if (inserted) return { kind: "run" };
  const [row] = await db.select().from(apiIdempotencyKeys).where(where(ref));
  // Pruned between the two statements: it is a day old, so this is a new request.
  if (!row) return claimIdempotencyKey(db, clock, ref, fingerprint);
  if (row.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (row.status !== null) return { kind: "replay", status: row.status, ...row.answer };
  const [taken] = await db
    .update(apiIdempotencyKeys)
    .set({ lockedUntil: lease })
    .where(and(where(ref), isNull(apiIdempotencyKeys.status), lte(apiIdempotencyKeys.lockedUntil, now)))
    .returning({ key: apiIdempotencyKeys.key });
  return taken ? { kind: "run" } : { kind: "in_progress" };
}

/** Remembers the answer a retry will get. */
export async function settleIdempotencyKey(db: Db, ref: KeyRef, answer: { status: number; body?: unknown; headers?: Record<string, string> }): Promise<void> {
  await db
    .update(apiIdempotencyKeys)
    .set({ status: answer.status, answer: { body: answer.body, headers: answer.headers }, lockedUntil: null })
    .where(where(ref));
}

/** Forgets a request that failed on our side, so its retry runs again (the domain's own keys keep that safe). */
export async function releaseIdempotencyKey(db: Db, ref: KeyRef): Promise<void> {
  await db.delete(apiIdempotencyKeys).where(and(where(ref), isNull(apiIdempotencyKeys.status)));
}

/** Deletes remembered requests created before `before`, at most `limit`; returns how many. */
export async function pruneIdempotencyKeys(db: Db, before: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(apiIdempotencyKeys)
    .where(
      sql`(${apiIdempotencyKeys.teamId}, ${apiIdempotencyKeys.tokenId}, ${apiIdempotencyKeys.key}) in (
        select team_id, token_id, key from api_idempotency_keys
        where created_at < ${before}
        limit ${limit}
        for update skip locked)`,
    )
    .returning({ key: apiIdempotencyKeys.key });
  return deleted.length;
}
