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

  /** Counts the call; returns undefined when admitted, else the Retry-After in seconds. */
  admit(method: string, channel?: string): number | undefined {
    const { key, limit } = rateBucket(method, channel);
    const now = this.now();
    const calls = (this.recent.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (calls.length >= limit) {
      this.recent.set(key, calls);
      return Math.max(1, Math.ceil((calls[0]! + this.windowMs - now) / 1000));
    }
    calls.push(now);
    this.recent.set(key, calls);
    return undefined;
  }
}
