// The one wrapper over the Slack Web API that outbox deliveries call: no hidden retries, bounded timeouts, typed failures.
import { ErrorCode, WebClient, type WebAPICallError } from "@slack/web-api";
import type { Logger } from "../log.js";
import { currentDelivery, sideEffectStarting, type DeliveryFailure, type SideEffectOutcome } from "../outbox/outbox.js";
import { currentTeam } from "./acting-for.js";
import { NotInstalledError } from "./installations.js";
import type { SlackPacer } from "./pacing.js";

/** A Slack answer the caller may want to act on (name_taken, already_in_channel, …). */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    /** Whether Slack may have done it anyway: only a refusal Slack answered with means it certainly did not. */
    readonly outcome: Exclude<SideEffectOutcome, "applied"> = "refused",
  ) {
    super(`${method}: ${code}`);
  }
}

// Calls a person would see twice if they were repeated. The others are idempotent (a second invite is
// already_in_channel, a second pin already_pinned) or only read.
const seenTwiceIfRepeated = new Set(["chat.postMessage", "chat.postEphemeral", "conversations.create"]);

// How long a call may take before we stop waiting. Slack usually answers in well under a second; a slow answer
// is still an answer, and waiting for it is cheaper than guessing whether it landed (Slack's Python SDK waits
// 30 s too). A call cut off here may still be applied, so its delivery looks for it before redoing it.
const DEFAULT_TIMEOUT_MS = 30_000;
// Small calls that are harmless to repeat even if the first one lands late (an invite, a read of one
// conversation) are not worth waiting long for: they are given up on sooner and simply made again. Card and
// topic edits are not among them: a late, older edit could land over a newer one. Nor is a pin: it is harmless to
// repeat, but a repeat spends one of Tier 2's 20 calls a minute, which twenty war rooms opened at once use up.
const quickCalls = new Set(["conversations.invite", "conversations.join", "conversations.history", "conversations.info", "conversations.open", "users.info", "chat.getPermalink"]);
const DEFAULT_QUICK_TIMEOUT_MS = 5000;
// A retry's history check starts this long before the attempt it checks began (Slack's clock is not ours).
const CLOCK_SKEW_MS = 5 * 60_000;

// Slack's own errors that a later attempt can mend; anything else from Slack is final.
const retryablePlatformErrors = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]);

export interface ThreadMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text?: string;
  subtype?: string;
}

export interface SlackChannel {
  id: string;
  name: string;
  creator?: string;
  created?: number;
  is_archived?: boolean;
  is_member?: boolean;
}

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** Posting as a person: their name and picture on the message (needs chat:write.customize). */
export interface PostedAs {
  username: string;
  iconUrl?: string;
}

/** What Slack says about a person: active (with how to show them), deleted, or unknown (the lookup failed). */
export type PersonLookup =
  | { status: "active"; id: string; name: string; timeZone?: string; imageUrl?: string }
  | { status: "deleted"; id: string; name: string }
  | { status: "unknown"; id: string; reason: string };

const PERSON_TTL_MS = 10 * 60_000;
const PERSON_CACHE_MAX = 5000;

/** The bot token to call Slack with for a workspace (one token for every team in single-token mode). */
export type TokenSource = (teamId: string | undefined) => Promise<string>;

interface GatewayOptions {
  /** One bot token, or a workspace's token looked up for each call (OAuth: see acting-for.ts). */
  token: string | TokenSource;
  slackApiUrl?: string;
  logger: Logger;
  /** How long to wait for Slack's answer (default 30 s). */
  timeoutMs?: number;
  /** The same for small calls that are harmless to repeat (default 5 s, never more than timeoutMs). */
  quickTimeoutMs?: number;
  /** Keeps deliveries within Slack's rate tiers (shared by every gateway of the process, as Slack counts per app). */
  pacer?: SlackPacer;
  /** Told of every call that reached Slack, by method and result (see callResult): telemetry counts them. */
  onCall?: (method: string, result: string) => void;
}

export class SlackGateway {
  readonly client: WebClient;
  private readonly quickClient: WebClient;
  // After a 429, calls to the same method wait out Retry-After here instead of hammering Slack.
  private readonly pausedUntil = new Map<string, number>();
  private readonly channelIdsByName = new Map<string, string>();
  // Channels this process joined (to read their history); a retry need not join again.
  private readonly joined = new Set<string>();
  private readonly people = new Map<string, { at: number; person: PersonLookup }>();
  // users.list per workspace.
  private readonly directories = new Map<string, { at: number; byName: Map<string, string> }>();
  private readonly tokenFor: TokenSource;

  constructor(private readonly options: GatewayOptions) {
    const fixed = typeof options.token === "string" ? options.token : undefined;
    this.tokenFor = typeof options.token === "string" ? async () => fixed! : options.token;
    const client = (timeout: number) =>
      new WebClient(fixed, { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout, logger: silentSlackLogger });
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = client(timeout);
    this.quickClient = client(Math.min(timeout, options.quickTimeoutMs ?? DEFAULT_QUICK_TIMEOUT_MS));
  }

  private async call<T>(method: string, args: Record<string, unknown>): Promise<T> {
    // Slack's rate limits count per workspace.
    const pauseKey = `${currentTeam() ?? ""}:${method}`;
    const paused = (this.pausedUntil.get(pauseKey) ?? 0) - Date.now();
    if (paused > 0) throw new SlackCallError(method, "ratelimited", true, paused);
    const admission = this.options.pacer?.admit(method, typeof args.channel === "string" ? args.channel : undefined, currentDelivery());
    // Over our own budget: not sent at all, so the delivery waits (not counted as a failure) for its slot.
    if (admission && !admission.admitted) throw new SlackCallError(method, "ratelimited", true, admission.waitMs);
    let rateLimited = false;
    try {
      let token: string;
      try {
        token = await this.tokenFor(currentTeam());
      } catch (error) {
        if (error instanceof NotInstalledError) throw new SlackCallError(method, "not_installed", true);
        throw error;
      }
      const ended = seenTwiceIfRepeated.has(method) ? sideEffectStarting() : undefined;
      try {
        const answer = (await (quickCalls.has(method) ? this.quickClient : this.client).apiCall(method, { ...args, token })) as T;
        ended?.("applied");
        this.noteCall(method);
        return answer;
      } catch (error) {
        const failure = toSlackCallError(method, error);
        ended?.(failure.outcome);
        this.noteCall(method, failure);
        if (failure.code === "ratelimited" && failure.retryAfterMs) {
          rateLimited = true;
          this.pausedUntil.set(pauseKey, Date.now() + failure.retryAfterMs);
        }
        throw failure;
      }
    } finally {
      if (admission?.admitted) admission.finished(rateLimited);
    }
  }

  /** Counts a call that reached Slack, also one made with another client (a listener's views.open, with Bolt's). */
  noteCall(method: string, error?: unknown): void {
    this.options.onCall?.(method, error === undefined ? "ok" : callResult(toSlackCallError(method, error)));
  }

  async createChannel(name: string): Promise<SlackChannel> {
    const r = await this.call<{ channel: SlackChannel }>("conversations.create", { name, is_private: false });
    return r.channel;
  }

  /** Public channels only, walking Slack's pagination; undefined when no channel has that name. */
  async findChannelByName(name: string): Promise<SlackChannel | undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.call<{ channels: SlackChannel[]; response_metadata?: { next_cursor?: string } }>(
        "conversations.list",
        { types: "public_channel", exclude_archived: false, limit: 1000, cursor },
      );
      const found = page.channels.find((c) => c.name === name);
      if (found) return found;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return undefined;
  }

  /** Accepts a channel ID or a public channel name; names are looked up once and remembered. */
  async resolveChannelId(nameOrId: string): Promise<string> {
    if (/^[CG][A-Z0-9]{6,}$/.test(nameOrId)) return nameOrId;
    // Names are per workspace; ids are unique across Slack.
    const key = `${currentTeam() ?? ""}#${nameOrId}`;
    const cached = this.channelIdsByName.get(key);
    if (cached) return cached;
    const channel = await this.findChannelByName(nameOrId);
    if (!channel) throw new SlackCallError("conversations.list", "channel_not_found", false);
    this.channelIdsByName.set(key, channel.id);
    return channel.id;
  }

  async channelInfo(channel: string): Promise<SlackChannel> {
    const r = await this.call<{ channel: SlackChannel }>("conversations.info", { channel });
    return r.channel;
  }

  async joinChannel(channel: string): Promise<void> {
    if (this.joined.has(channel)) return;
    await this.call("conversations.join", { channel });
    if (this.joined.size >= PERSON_CACHE_MAX) this.joined.clear();
    this.joined.add(channel);
  }

  /** Treats "already in the channel" as success, so a repeated invite is harmless. */
  async inviteToChannel(channel: string, user: string): Promise<"invited" | "already_in_channel"> {
    try {
      await this.call("conversations.invite", { channel, users: user });
      return "invited";
    } catch (error) {
      if (error instanceof SlackCallError && error.code === "already_in_channel") return "already_in_channel";
      throw error;
    }
  }

  /** The bot's DM channel with a user (opened if need be). */
  async openDirectMessage(user: string): Promise<string> {
    const r = await this.call<{ channel: { id: string } }>("conversations.open", { users: user });
    return r.channel.id;
  }

  async archiveChannel(channel: string): Promise<void> {
    await this.call("conversations.archive", { channel });
  }

  async unarchiveChannel(channel: string): Promise<void> {
    await this.call("conversations.unarchive", { channel });
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.call("conversations.setTopic", { channel, topic });
  }

  /** Every message carries the key of the outbox item that posted it, so a retry can find it. */
  async postMessage(channel: string, message: SlackMessage, deliveryKey?: string, as?: PostedAs): Promise<{ ts: string; channel: string }> {
    const metadata = deliveryKey ? { event_type: "warroom_delivery", event_payload: { key: deliveryKey } } : undefined;
    const r = await this.call<{ ts: string; channel: string }>("chat.postMessage", {
      channel,
      text: message.text,
      blocks: message.blocks,
      metadata,
      unfurl_links: false,
      unfurl_media: false,
      ...(as ? { username: as.username, ...(as.iconUrl ? { icon_url: as.iconUrl } : {}) } : {}),
    });
    return { ts: r.ts, channel: r.channel };
  }

  /**
   * Who a person is, asked of Slack once per ten minutes. Only Slack saying "deleted" means they have left:
   * a timeout or an error is "unknown", never a departure.
   */
  async lookupPerson(userId: string): Promise<PersonLookup> {
    const cached = this.people.get(userId);
    if (cached && Date.now() - cached.at < PERSON_TTL_MS) return cached.person;
    let person: PersonLookup;
    try {
      const r = await this.call<{ user?: SlackUser }>("users.info", { user: userId });
      const u = r.user;
      const name = u?.profile?.display_name || u?.real_name || u?.name || userId;
      person = u?.deleted
        ? { status: "deleted", id: userId, name }
        : { status: "active", id: userId, name, timeZone: u?.tz, imageUrl: u?.profile?.image_48 ?? u?.profile?.image_72 };
    } catch (error) {
      const code = error instanceof SlackCallError ? error.code : "request_failed";
      return { status: "unknown", id: userId, reason: code };
    }
    if (this.people.size >= PERSON_CACHE_MAX) this.people.delete(this.people.keys().next().value!);
    this.people.set(userId, { at: Date.now(), person });
    return person;
  }

  /** Display names for Slack ids; anyone Slack cannot tell us about keeps their id. */
  async namesOf(ids: Iterable<string>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter((id) => /^[UW][A-Z0-9_]+$/.test(id));
    const found = await Promise.all(wanted.map((id) => this.lookupPerson(id)));
    return new Map(found.map((p) => [p.id, p.status === "unknown" ? p.id : p.name]));
  }

  /**
   * The user id behind a handle typed as plain text (`@bob`): users.list, walked once and remembered for ten
   * minutes. Matches the handle, the display name or the real name, ignoring case; undefined when none or several do.
   */
  async userIdByName(typed: string): Promise<string | undefined> {
    const wanted = typed.replace(/^@/, "").trim().toLowerCase();
    if (!wanted) return undefined;
    const team = currentTeam() ?? "";
    let directory = this.directories.get(team);
    if (!directory || Date.now() - directory.at > PERSON_TTL_MS) {
      const byName = new Map<string, string>();
      const ambiguous = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await this.call<{ members: Array<SlackUser & { id: string }>; response_metadata?: { next_cursor?: string } }>("users.list", { limit: 200, cursor });
        for (const u of page.members) {
          if (u.deleted) continue;
          for (const name of new Set([u.name, u.profile?.display_name, u.real_name, u.profile?.real_name].filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase()))) {
            if (byName.has(name) && byName.get(name) !== u.id) ambiguous.add(name);
            byName.set(name, u.id);
          }
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      for (const name of ambiguous) byName.delete(name);
      directory = { at: Date.now(), byName };
      if (this.directories.size >= PERSON_CACHE_MAX) this.directories.clear();
      this.directories.set(team, directory);
    }
    return directory.byName.get(wanted);
  }

  async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      return (await this.call<{ permalink?: string }>("chat.getPermalink", { channel, message_ts: ts })).permalink;
    } catch {
      return undefined;
    }
  }

  /** One message by its ts, from the channel's history (for a :pushpin: on it). */
  async messageAt(channel: string, ts: string): Promise<{ ts: string; user?: string; bot_id?: string; text?: string } | undefined> {
    const r = await this.call<{ messages: Array<{ ts: string; user?: string; bot_id?: string; text?: string }> }>("conversations.history", {
      channel,
      latest: ts,
      inclusive: true,
      limit: 1,
    });
    return r.messages.find((m) => m.ts === ts);
  }

  /**
   * Finds a message this bot posted for a delivery key, among what the channel got since `since` (a few minutes
   * earlier, for clocks that disagree), however many messages arrived meanwhile.
   */
  async findDeliveredMessage(channel: string, deliveryKey: string, since: Date): Promise<string | undefined> {
    const oldest = ((since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    do {
      const page = await this.history(channel, { oldest, limit: 200, include_all_metadata: true, cursor });
      const found = page.messages.find((m) => m.metadata?.event_payload?.key === deliveryKey);
      if (found) return found.ts;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return undefined;
  }

  /**
   * Every message of a thread (its parent first), oldest first, page by page (conversations.replies). In a public
   * channel the bot is not in, it joins first, as it must to read one. Slack's reference says a bot token may not
   * read threads in channels: when Slack refuses, the thread's first message alone is read from the channel's
   * history (`whole: false`).
   */
  async threadMessages(channel: string, ts: string, max = 1000): Promise<{ messages: ThreadMessage[]; whole: boolean }> {
    type Page = { messages: ThreadMessage[]; response_metadata?: { next_cursor?: string } };
    const inChannel = async <T>(read: () => Promise<T>): Promise<T> => {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof SlackCallError && error.code === "not_in_channel")) throw error;
        this.joined.delete(channel);
        await this.joinChannel(channel);
        return read();
      }
    };
    const messages: ThreadMessage[] = [];
    let cursor: string | undefined;
    try {
      do {
        const got = await inChannel(() => this.call<Page>("conversations.replies", { channel, ts, limit: 200, cursor }));
        messages.push(...got.messages);
        cursor = got.response_metadata?.next_cursor || undefined;
      } while (cursor && messages.length < max);
    } catch (error) {
      if (!(error instanceof SlackCallError && (error.code === "not_allowed_token_type" || error.code === "missing_scope"))) throw error;
      const first = await inChannel(() => this.call<{ messages: ThreadMessage[] }>("conversations.history", { channel, latest: ts, inclusive: true, limit: 1 }));
      return { messages: first.messages.filter((m) => m.ts === ts), whole: false };
    }
    return { messages: messages.slice(0, max), whole: true };
  }

  /** One page of history; if the bot was removed since it joined, it joins again and reads once more. */
  private async history(channel: string, args: Record<string, unknown>) {
    type Page = { messages: { ts: string; metadata?: { event_payload?: { key?: string } } }[]; response_metadata?: { next_cursor?: string } };
    try {
      return await this.call<Page>("conversations.history", { channel, ...args });
    } catch (error) {
      if (!(error instanceof SlackCallError && error.code === "not_in_channel" && this.joined.delete(channel))) throw error;
      await this.joinChannel(channel);
      return this.call<Page>("conversations.history", { channel, ...args });
    }
  }

  async updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.call("chat.update", { channel, ts, text: message.text, blocks: message.blocks });
  }

  /** Treats "already pinned" as success. */
  async pin(channel: string, ts: string): Promise<void> {
    try {
      await this.call("pins.add", { channel, timestamp: ts });
    } catch (error) {
      if (error instanceof SlackCallError && error.code === "already_pinned") return;
      throw error;
    }
  }

  /** Replaces the person's Home tab with `view` (views.publish): the whole tab, as they will see it. */
  async publishHome(user: string, view: unknown): Promise<void> {
    await this.call("views.publish", { user_id: user, view });
  }

  async postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.call("chat.postEphemeral", { channel, user, text: message.text, blocks: message.blocks });
  }

  /**
   * Answers through a response_url (valid 30 minutes): reaches the user whatever channel they were in. What it
   * showed cannot be read back, so a caller that must not say it twice looks at the error's outcome.
   */
  async respond(responseUrl: string, message: SlackMessage): Promise<void> {
    const ended = sideEffectStarting();
    const failed = (error: SlackCallError) => {
      ended(error.outcome);
      return error;
    };
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", replace_original: false, ...message }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch {
      throw failed(new SlackCallError("response_url", "request_failed", true, undefined, "unanswered"));
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get("retry-after") ?? "1");
      throw failed(new SlackCallError("response_url", "ratelimited", true, retryAfter * 1000));
    }
    if (response.status >= 500) throw failed(new SlackCallError("response_url", `http_${response.status}`, true, undefined, "unknown"));
    if (!response.ok) throw failed(new SlackCallError("response_url", (await response.text()) || "expired_url", false));
    ended("applied");
  }
}

interface SlackUser {
  name?: string;
  real_name?: string;
  deleted?: boolean;
  tz?: string;
  profile?: { display_name?: string; real_name?: string; image_48?: string; image_72?: string };
}

export function toSlackCallError(method: string, error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  const e = error as WebAPICallError;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return new SlackCallError(method, "ratelimited", true, e.retryAfter * 1000);
    case ErrorCode.PlatformError: {
      const code = String(e.data?.error ?? "unknown_error");
      const failure = new SlackCallError(method, code, retryablePlatformErrors.has(code));
      // Slack names the scope the call lacked: kept in the message ("pins.add: missing_scope: pins:write"), so a
      // give-up can tell people which one to grant (slack/scopes.ts missingScopeAdvice).
      const needed = (e.data as { needed?: unknown } | undefined)?.needed;
      if (code === "missing_scope" && typeof needed === "string" && /^[\w:.,-]{1,200}$/.test(needed)) failure.message += `: ${needed}`;
      return failure;
    }
    case ErrorCode.HTTPError: {
      // Slack answered, but a 5xx says nothing about whether the call was applied before it failed.
      const mayHaveLanded = e.statusCode >= 500 || e.statusCode === 408;
      return new SlackCallError(method, `http_${e.statusCode}`, mayHaveLanded, undefined, mayHaveLanded ? "unknown" : "refused");
    }
    case ErrorCode.RequestError:
      // Timeouts and dropped connections: the call may land even after this; deliveries wait, then check before redoing.
      return new SlackCallError(method, "request_failed", true, undefined, "unanswered");
    default:
      return new SlackCallError(method, error instanceof Error ? error.message : String(error), false, undefined, "unknown");
  }
}

/**
 * A call's result as a bounded label: `ratelimited` (HTTP 429), Slack's error code (`channel_not_found`),
 * `http_503`, `request_failed` (no answer), or `other` for anything that is not a code (an exception's message).
 */
export function callResult(error: SlackCallError): string {
  return /^[a-z0-9_]{1,64}$/.test(error.code) ? error.code : "other";
}

/** How long a delivery for a workspace without a live installation waits before it looks again. */
export const NOT_INSTALLED_HOLD_MS = 15 * 60_000;

const isSlackError = (error: unknown): boolean =>
  error instanceof SlackCallError || Object.values(ErrorCode).includes((error as { code?: ErrorCode })?.code as ErrorCode);

/** Slack's answers are judged by their code; anything else (a database blip while recording) is worth another try. */
export function classifySlackFailure(error: unknown): DeliveryFailure {
  if (!isSlackError(error)) {
    return { retryable: true, message: error instanceof Error ? error.message : String(error) };
  }
  const e = toSlackCallError("slack", error);
  // A workspace that uninstalled the app: its deliveries are held (not failed) in case it installs again.
  if (e.code === "not_installed") return { retryable: true, deferMs: NOT_INSTALLED_HOLD_MS, message: e.message };
  // A rate limit (Slack's 429, or our own pause after one) is Slack asking us to wait, not a failed attempt.
  if (e.code === "ratelimited") return { retryable: true, deferMs: e.retryAfterMs ?? 1000, message: e.message };
  return { retryable: e.retryable, retryAfterMs: e.retryAfterMs, message: e.message };
}

// The gateway reports failures itself (with context); WebClient's own logging would repeat them.
const silentSlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => "error" as never,
  setName: () => undefined,
};
