// Slack's per-method rate-limit tiers (requests per minute per workspace, per app), and chat.postMessage's "about
// one message per second per channel", as Slack documents them (api.slack.com/apis/rate-limits and each method's
// page). The bot paces its own calls by them (pacing.ts) and the fake Slack enforces them (fake-slack/rate-limits.ts).

export const perMinute = { tier1: 1, tier2: 20, tier3: 50, tier4: 100 } as const;

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
  "views.publish": "tier4",
  "users.info": "tier4",
  "users.list": "tier2",
  "auth.test": "tier4",
};

/** The window the limits are counted over: a minute at Slack (tests shrink it, bot and fake alike). */
export const RATE_WINDOW_MS = 60_000;
// chat.postMessage tolerates short bursts; sustained, it is one per second per channel.
const POST_PER_CHANNEL_PER_WINDOW = 60;

/** What a call counts against: the method, or for chat.postMessage the method in one channel. */
export function rateBucket(method: string, channel?: string): { key: string; limit: number } {
  if (method === "chat.postMessage") return { key: `${method}:${channel ?? ""}`, limit: POST_PER_CHANNEL_PER_WINDOW };
  // Methods Slack does not list here are counted as Tier 3, its most common tier.
  return { key: method, limit: perMinute[tierOf[method] ?? "tier3"] };
}
