// Remembers the signatures of signed requests already handled, in the database so every replica shares them:
// a request whose signature was seen before is a replay (or a duplicate) and must change nothing.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { seenRequests } from "../db/schema.js";
import type { Logger } from "../log.js";

/** first: never seen, go ahead. repeat: already handled. unknown: the database could not say (it is logged). */
export type ReplayVerdict = "first" | "repeat" | "unknown";

/** Slack refuses nothing older than this, and we refuse anything further from our clock, in either direction. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;
// Old signatures are forgotten by the retention pass (src/db/retention.ts), on every replica.

interface Waiting {
  signature: string;
  settle: (verdict: ReplayVerdict) => void;
}

export class SeenRequests {
  private waiting: Waiting[] = [];
  private flushScheduled = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records a signature and says whether it was new. Signatures arriving in the same turn of the event loop
   * are written in one statement, so a burst of requests costs one round trip, not one each. Never rejects.
   */
  remember(signature: string): Promise<ReplayVerdict> {
    return new Promise((settle) => {
      this.waiting.push({ signature, settle });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.flushScheduled = false;
    // The same signature twice in one batch: only its first arrival can be the first.
    const unique = new Map<string, Waiting[]>();
    for (const w of batch) unique.set(w.signature, [...(unique.get(w.signature) ?? []), w]);
    try {
      const seenAt = new Date(this.now());
      const inserted = await this.db
        .insert(seenRequests)
        .values([...unique.keys()].map((signature) => ({ signature, seenAt })))
        .onConflictDoNothing()
        .returning({ signature: seenRequests.signature });
      const fresh = new Set(inserted.map((row) => row.signature));
      for (const [signature, waiters] of unique) {
        waiters.forEach((w, i) => w.settle(i === 0 && fresh.has(signature) ? "first" : "repeat"));
      }
    } catch (error) {
      this.logger.error({ err: error, requests: batch.length }, "could not check requests for replays; handling them anyway");
      for (const w of batch) w.settle("unknown");
    }
  }

  /** How many signatures are remembered (tests and the bench). */
  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(seenRequests);
    return row?.n ?? 0;
  }
}
