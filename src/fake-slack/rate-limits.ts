// Slack's per-method rate limits as the fake enforces them (the tiers themselves are in slack/rate-tiers.ts):
// over the limit within the window, Slack answers 429 with Retry-After.
import { RATE_WINDOW_MS, rateBucket } from "../slack/rate-tiers.js";

export class TierLimiter {
  private readonly recent = new Map<string, number[]>();

  /** `windowMs` shrinks Slack's minute for tests that must not take minutes (the bot's pacing is shrunk alike). */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  /** Counts the call: `admittedAt` (its place in the window) when admitted, else the Retry-After in seconds. */
  admit(method: string, channel?: string): { admittedAt: number } | { retryAfterSec: number } {
    const { key, limit } = rateBucket(method, channel);
    const now = this.now();
    const calls = (this.recent.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (calls.length >= limit) {
      this.recent.set(key, calls);
      return { retryAfterSec: Math.max(1, Math.ceil((calls[0]! + this.windowMs - now) / 1000)) };
    }
    calls.push(now);
    this.recent.set(key, calls);
    return { admittedAt: now };
  }

  /**
   * A call admitted at `admittedAt` was refused with a 429 after all (a rate-limit fault): a refused call is not
   * served and spends nothing, as the fake's own over-the-limit 429s spend nothing. Otherwise its Retry-After would
   * lie: Slack's names "the number of seconds until you can retry", and the retry would find the slot gone.
   */
  refused(method: string, channel: string | undefined, admittedAt: number): void {
    const calls = this.recent.get(rateBucket(method, channel).key);
    const at = calls?.indexOf(admittedAt) ?? -1;
    if (at >= 0) calls!.splice(at, 1);
  }
}
