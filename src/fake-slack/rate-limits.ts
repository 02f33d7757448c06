// Slack's per-method rate-limit tiers (requests per minute per workspace), and chat.postMessage's
// "about one message per second per channel". Over the limit, Slack answers 429 with Retry-After.

const perMinute = { tier1: 1, tier2: 20, tier3: 50, tier4: 100 } as const;

const tierOf: Record<string, keyof typeof perMinute> = {
  "conversations.create": "tier2",
  "conversations.invite": "tier3",
  "conversations.join": "tier3",
  "conversations.setTopic": "tier2",
  "conversations.archive": "tier2",
  "conversations.unarchive": "tier2",
  "conversations.list": "tier2",
  "conversations.history": "tier3",
  "conversations.info": "tier3",
  "conversations.members": "tier4",
  "conversations.open": "tier3",
  "chat.update": "tier3",
  "chat.postEphemeral": "tier4",
  "chat.getPermalink": "tier4",
  "pins.add": "tier2",
  "pins.list": "tier2",
  "views.open": "tier4",
  "views.push": "tier4",
  "views.update": "tier4",
  "users.info": "tier4",
  "users.list": "tier2",
  "auth.test": "tier4",
};

const WINDOW_MS = 60_000;
// chat.postMessage tolerates short bursts; sustained, it is one per second per channel.
const POST_PER_CHANNEL_PER_MINUTE = 60;

export class TierLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts the call; returns undefined when admitted, else the Retry-After in seconds. */
  admit(method: string, channel?: string): number | undefined {
    const key = method === "chat.postMessage" ? `${method}:${channel ?? ""}` : method;
    const limit = method === "chat.postMessage" ? POST_PER_CHANNEL_PER_MINUTE : perMinute[tierOf[method] ?? "tier3"];
    const now = this.now();
    const calls = (this.recent.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (calls.length >= limit) {
      this.recent.set(key, calls);
      return Math.max(1, Math.ceil((calls[0]! + WINDOW_MS - now) / 1000));
    }
    calls.push(now);
    this.recent.set(key, calls);
    return undefined;
  }
}
