// The Web API methods Warroom calls, answering with Slack's shapes and error codes against a FakeWorkspace.
import { messageBlockProblems, SlackLimits, viewProblems } from "./block-rules.js";
import type { FakeChannel, FakeMessage, FakeView, FakeWorkspace } from "./workspace.js";

export type Args = Record<string, unknown>;

/** views.publish: "Error returned if the provided view is greater than 250kb." (counted here in UTF-16 units of its JSON). */
const VIEW_MAX_BYTES = 250_000;

/** A Slack "ok: false" answer, with any extra fields Slack sends beside the error code. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

interface CallContext {
  /** The user behind the token; the bot user for a bot token. */
  caller: string;
  /** xoxb (bot), xoxp (a person's user token) or xapp (an app-level token, for Socket Mode). */
  tokenType: "bot" | "user" | "app";
  scopes: ReadonlySet<string>;
  /** How long a trigger_id stays usable (Slack: 3 seconds). */
  triggerTtlMs: number;
  /** Whether the installed app has a Home tab (manifest: features.app_home.home_tab_enabled). */
  homeTabEnabled?: boolean;
  /** Whether a bot token may read threads in channels (conversations.replies); see the method. */
  botThreadReplies?: boolean;
}

type Handler = (ws: FakeWorkspace, args: Args, ctx: CallContext) => Record<string, unknown>;

interface MethodSpec {
  /** Any one of these grants the method; none listed means no scope is needed. */
  scopes: string[];
  /** Which kinds of token may call it (default: bot and user tokens; app-level tokens only call apps.* methods). */
  tokens?: CallContext["tokenType"][];
  handler: Handler;
}

const fail = (code: string, extra?: Record<string, unknown>): never => {
  throw new SlackApiError(code, extra);
};
/** Slack's missing_scope names the scope the call needed (or, comma-separated, any one of them) and those the token has. */
const missingScope = (ctx: CallContext, needed: string): never => fail("missing_scope", { needed, provided: [...ctx.scopes].join(",") });

const str = (args: Args, key: string): string | undefined => {
  const v = args[key];
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
};
const required = (args: Args, key: string, code = "invalid_arguments"): string => str(args, key) || fail(code);
const bool = (args: Args, key: string): boolean => args[key] === true || args[key] === "true" || args[key] === "1";

function channelOf(ws: FakeWorkspace, args: Args, key = "channel"): FakeChannel {
  const ref = required(args, key, "channel_not_found");
  // chat.postMessage also takes a user ID (opens the DM) or a channel name.
  return ws.channels.get(ref) ?? ws.channelByName(ref) ?? fail("channel_not_found");
}

function channelView(ch: FakeChannel, viewer: string): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    name_normalized: ch.name,
    is_channel: ch.is_channel,
    is_group: false,
    is_im: ch.is_im,
    is_private: ch.is_private,
    is_archived: ch.is_archived,
    is_general: ch.name === "general",
    is_member: ch.members.includes(viewer),
    created: ch.created,
    creator: ch.creator,
    num_members: ch.members.length,
    topic: ch.topic,
    purpose: ch.purpose,
    ...(ch.is_im ? { user: ch.members.find((m) => m !== viewer) } : {}),
  };
}

function messageView(m: FakeMessage, withMetadata: boolean): Record<string, unknown> {
  const { channel: _channel, metadata, ...rest } = m;
  return withMetadata && metadata ? { ...rest, metadata } : rest;
}

const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64");
const decodeCursor = (cursor: string | undefined): number => {
  if (!cursor) return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64").toString());
  return m ? Number(m[1]) : fail("invalid_cursor");
};

function page<T>(items: T[], args: Args, defaultLimit: number, maxLimit: number): { items: T[]; next: string } {
  const limit = Math.min(Number(str(args, "limit") ?? defaultLimit) || defaultLimit, maxLimit);
  const offset = decodeCursor(str(args, "cursor"));
  const slice = items.slice(offset, offset + limit);
  return { items: slice, next: offset + limit < items.length ? encodeCursor(offset + limit) : "" };
}

/** Slack's naming rules for channels. */
function channelNameProblem(name: string): string | undefined {
  if (!name) return "invalid_name_required";
  if (name.length > SlackLimits.channelName) return "invalid_name_maxlength";
  if (!/^[a-z0-9_-]+$/.test(name)) return "invalid_name_specials";
  if (!/[a-z0-9]/.test(name)) return "invalid_name_punctuation";
  return undefined;
}

function requireMember(ch: FakeChannel, user: string): void {
  if (!ch.members.includes(user)) fail("not_in_channel");
}

function requireOpen(ch: FakeChannel): void {
  if (ch.is_archived) fail("is_archived");
}

function parseJsonArg(args: Args, key: string): unknown {
  const v = args[key];
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return fail(key === "metadata" ? "invalid_metadata_format" : key === "view" ? "invalid_arguments" : "invalid_blocks_format");
  }
}

function messageContent(args: Args): { text: string; blocks?: unknown[] } {
  const text = str(args, "text") ?? "";
  const blocks = parseJsonArg(args, "blocks") as unknown[] | undefined;
  if (!text && (!blocks || blocks.length === 0) && !args.attachments) fail("no_text");
  // chat.postMessage's docs say Slack truncates text past 40,000 characters; refusing it is the stricter reading.
  if (text.length > SlackLimits.messageText) fail("msg_too_long");
  const problems = messageBlockProblems(blocks);
  if (problems.length) fail("invalid_blocks", { errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } });
  return { text, ...(blocks ? { blocks } : {}) };
}

function messageMetadata(args: Args): FakeMessage["metadata"] {
  const metadata = parseJsonArg(args, "metadata") as FakeMessage["metadata"] | undefined;
  if (metadata === undefined) return undefined;
  if (typeof metadata?.event_type !== "string" || typeof metadata.event_payload !== "object") fail("invalid_metadata_format");
  return metadata;
}

function findMessage(ws: FakeWorkspace, ch: FakeChannel, ts: string): FakeMessage {
  return ws.messages.get(ch.id)?.find((m) => m.ts === ts) ?? fail("message_not_found");
}

function useTrigger(ws: FakeWorkspace, args: Args, ctx: CallContext): string {
  const id = required(args, "trigger_id", "invalid_trigger_id");
  const trigger = ws.triggers.get(id) ?? fail("invalid_trigger_id");
  if (trigger.used) fail("exchanged_trigger_id");
  if (ws.now() - trigger.issuedAt > ctx.triggerTtlMs) fail("expired_trigger_id");
  trigger.used = true;
  return trigger.user;
}

/** `surface`: modals are opened, pushed and updated; Home tabs only published (views.publish). */
function checkedView(args: Args, surface: "modal" | "home" = "modal"): Record<string, unknown> {
  const view = parseJsonArg(args, "view");
  const problems = viewProblems(view);
  if (problems.length === 0 && (view as { type?: unknown }).type !== surface) problems.push(`view.type: must be ${surface} for this method`);
  if (problems.length) fail("invalid_arguments", { response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } });
  return view as Record<string, unknown>;
}

function storeView(ws: FakeWorkspace, user: string, triggerId: string, view: Record<string, unknown>, under?: FakeView): FakeView {
  const id = ws.newId("V");
  const stored: FakeView = {
    id,
    user,
    callback_id: typeof view.callback_id === "string" ? view.callback_id : "",
    triggerId,
    root_view_id: under?.root_view_id ?? id,
    previous_view_id: under?.id ?? null,
    closed: false,
    hash: `${ws.nowSeconds()}.${id}`,
    view,
  };
  ws.views.set(id, stored);
  return stored;
}

export function viewPayload(ws: FakeWorkspace, v: FakeView): Record<string, unknown> {
  return {
    id: v.id,
    team_id: ws.team.id,
    app_id: ws.bot.appId,
    bot_id: ws.bot.botId,
    app_installed_team_id: ws.team.id,
    type: "modal",
    private_metadata: "",
    callback_id: v.callback_id,
    external_id: "",
    state: { values: {} },
    ...v.view,
    hash: v.hash,
    root_view_id: v.root_view_id,
    previous_view_id: v.previous_view_id,
  };
}

function findOpenView(ws: FakeWorkspace, args: Args): FakeView {
  const id = str(args, "view_id");
  const externalId = str(args, "external_id");
  const view = id
    ? ws.views.get(id)
    : [...ws.views.values()].find((v) => externalId !== undefined && v.view.external_id === externalId);
  if (!view || view.closed) return fail("not_found");
  const hash = str(args, "hash");
  if (hash && hash !== view.hash) fail("hash_conflict");
  return view;
}

const userView = (ws: FakeWorkspace, id: string) => {
  const u = ws.users.get(id) ?? fail("user_not_found");
  return {
    id: u.id,
    team_id: ws.team.id,
    name: u.name,
    real_name: u.real_name,
    deleted: u.deleted,
    is_bot: u.is_bot,
    tz: u.tz,
    profile: { real_name: u.real_name, display_name: u.name },
  };
};

export const methods: Record<string, MethodSpec> = {
  // Socket Mode's first call, made with the app-level token (xapp-…); a bot token gets not_allowed_token_type.
  // The server replaces the URL with one to its own WebSocket endpoint (socket-mode.ts), single use as Slack's.
  "apps.connections.open": {
    scopes: ["connections:write"],
    tokens: ["app"],
    handler: (ws) => ({ url: `wss://wss-primary.slack.com/link/?ticket=fake&app_id=${ws.bot.appId}` }),
  },

  "auth.test": {
    scopes: [],
    handler: (ws) => ({
      url: `https://${ws.team.domain}.slack.com/`,
      team: ws.team.name,
      user: ws.bot.name,
      team_id: ws.team.id,
      user_id: ws.bot.userId,
      bot_id: ws.bot.botId,
      is_enterprise_install: false,
    }),
  },

  "conversations.create": {
    scopes: ["channels:manage"],
    handler: (ws, args, ctx) => {
      const name = str(args, "name") ?? "";
      const problem = channelNameProblem(name);
      if (problem) fail(problem);
      if (ws.channelByName(name)) fail("name_taken");
      const ch = ws.createChannel({ name, creator: ctx.caller, isPrivate: bool(args, "is_private") });
      return { channel: channelView(ch, ctx.caller) };
    },
  },

  "conversations.invite": {
    scopes: ["channels:manage"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      requireOpen(ch);
      requireMember(ch, ctx.caller);
      const users = (str(args, "users") ?? "").split(",").map((u) => u.trim()).filter(Boolean);
      if (users.length === 0) fail("no_user");
      if (users.includes(ctx.caller)) fail("cant_invite_self");
      for (const u of users) if (!ws.users.has(u) || ws.users.get(u)!.deleted) fail("user_not_found");
      if (!bool(args, "force") && users.every((u) => ch.members.includes(u))) fail("already_in_channel");
      for (const u of users) ws.join(ch, u, ctx.caller);
      return { channel: channelView(ch, ctx.caller) };
    },
  },

  "conversations.join": {
    scopes: ["channels:join"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      if (ch.is_private || ch.is_im) fail("method_not_supported_for_channel_type");
      requireOpen(ch);
      const already = ch.members.includes(ctx.caller);
      ws.join(ch, ctx.caller);
      return {
        channel: channelView(ch, ctx.caller),
        ...(already ? { warning: "already_in_channel", response_metadata: { warnings: ["already_in_channel"] } } : {}),
      };
    },
  },

  "conversations.setTopic": {
    scopes: ["channels:manage", "channels:write.topic"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      requireOpen(ch);
      requireMember(ch, ctx.caller);
      const topic = str(args, "topic") ?? "";
      if (topic.length > SlackLimits.topic) fail("too_long");
      ch.topic = { value: topic, creator: ctx.caller, last_set: ws.nowSeconds() };
      ws.postMessage({ channel: ch.id, user: ctx.caller, subtype: "channel_topic", text: `set the channel topic: ${topic}` });
      return { channel: channelView(ch, ctx.caller) };
    },
  },

  "conversations.archive": {
    scopes: ["channels:manage"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      if (ch.is_archived) fail("already_archived");
      if (ch.name === "general") fail("cant_archive_general");
      requireMember(ch, ctx.caller);
      ch.is_archived = true;
      ws.postMessage({ channel: ch.id, user: ctx.caller, subtype: "channel_archive", text: "archived the channel" });
      return {};
    },
  },

  "conversations.unarchive": {
    scopes: ["channels:manage"],
    handler: (ws, args, ctx) => {
      // Slack's docs (conversations.unarchive, "Bug alert"): bot tokens cannot unarchive conversations. They name
      // no error code for it; not_allowed_token_type is Slack's answer for a token of the wrong kind.
      if (ctx.tokenType === "bot") fail("not_allowed_token_type");
      const ch = channelOf(ws, args);
      if (!ch.is_archived) fail("not_archived");
      ch.is_archived = false;
      ws.postMessage({ channel: ch.id, user: ctx.caller, subtype: "channel_unarchive", text: "un-archived the channel" });
      return {};
    },
  },

  "conversations.info": {
    scopes: ["channels:read"],
    handler: (ws, args, ctx) => ({ channel: channelView(channelOf(ws, args), ctx.caller) }),
  },

  "conversations.list": {
    scopes: ["channels:read"],
    handler: (ws, args, ctx) => {
      const types = (str(args, "types") ?? "public_channel").split(",");
      const all = [...ws.channels.values()].filter(
        (c) =>
          (types.includes("public_channel") && c.is_channel) ||
          (types.includes("private_channel") && c.is_private && !c.is_im && c.members.includes(ctx.caller)) ||
          (types.includes("im") && c.is_im),
      );
      const listed = bool(args, "exclude_archived") ? all.filter((c) => !c.is_archived) : all;
      const { items, next } = page(listed, args, 100, 1000);
      return { channels: items.map((c) => channelView(c, ctx.caller)), response_metadata: { next_cursor: next } };
    },
  },

  "conversations.members": {
    scopes: ["channels:read"],
    handler: (ws, args) => {
      const { items, next } = page(channelOf(ws, args).members, args, 100, 1000);
      return { members: items, response_metadata: { next_cursor: next } };
    },
  },

  "conversations.history": {
    // Which history scope applies depends on the conversation type; any of them lets the call through here.
    scopes: ["channels:history", "groups:history", "im:history"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      requireMember(ch, ctx.caller);
      if (ch.is_im && !ctx.scopes.has("im:history")) missingScope(ctx, "im:history");
      if (ch.is_channel && !ctx.scopes.has("channels:history")) missingScope(ctx, "channels:history");
      const latest = str(args, "latest");
      const oldest = str(args, "oldest");
      const inclusive = bool(args, "inclusive");
      const within = (ts: string) =>
        (!latest || ts < latest || (inclusive && ts === latest)) && (!oldest || ts > oldest || (inclusive && ts === oldest));
      const newestFirst = [...(ws.messages.get(ch.id) ?? [])]
        .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
        .filter((m) => within(m.ts))
        .reverse();
      const { items, next } = page(newestFirst, args, 100, 999);
      return {
        messages: items.map((m) => messageView(m, bool(args, "include_all_metadata"))),
        has_more: Boolean(next),
        response_metadata: { next_cursor: next },
      };
    },
  },

  "conversations.replies": {
    // Slack's reference: the same history scopes as conversations.history, per conversation type; the parent
    // message first, then its replies oldest first; cursor pagination (limit default 1000, at most 1000); a ts that
    // names no message is thread_not_found. It also says "Bot user tokens may use this method for direct message
    // and multi-party direct message conversations, but lack sufficient permissions to use this method on public
    // and private channels", naming no error code: refused here with not_allowed_token_type, unless the fake is
    // told (botThreadReplies) to do what bots are widely reported to get in practice.
    scopes: ["channels:history", "groups:history", "im:history"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      if (ctx.tokenType === "bot" && !ch.is_im && !ctx.botThreadReplies) fail("not_allowed_token_type");
      requireMember(ch, ctx.caller);
      if (ch.is_im && !ctx.scopes.has("im:history")) missingScope(ctx, "im:history");
      if (ch.is_channel && !ch.is_private && !ctx.scopes.has("channels:history")) missingScope(ctx, "channels:history");
      if (ch.is_private && !ctx.scopes.has("groups:history")) missingScope(ctx, "groups:history");
      const ts = required(args, "ts", "thread_not_found");
      const all = ws.messages.get(ch.id) ?? [];
      const parent = all.find((m) => m.ts === ts) ?? fail("thread_not_found");
      // A reply's ts gives its thread (Slack answers with the whole thread either way).
      const root = parent.thread_ts ?? parent.ts;
      const thread = all.filter((m) => m.ts === root || m.thread_ts === root).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      const { items, next } = page(thread, args, 1000, 1000);
      return {
        messages: items.map((m) => messageView(m, bool(args, "include_all_metadata"))),
        has_more: Boolean(next),
        response_metadata: { next_cursor: next },
      };
    },
  },

  "conversations.open": {
    scopes: ["im:write"],
    handler: (ws, args, ctx) => {
      const users = (str(args, "users") ?? "").split(",").filter(Boolean);
      if (users.length !== 1) fail(users.length === 0 ? "users_list_not_supplied" : "not_supported");
      if (!ws.users.has(users[0]!)) fail("user_not_found");
      return { channel: channelView(ws.imWith(users[0]!), ctx.caller) };
    },
  },

  "chat.postMessage": {
    scopes: ["chat:write"],
    handler: (ws, args, ctx) => {
      const ref = required(args, "channel", "channel_not_found");
      const user = ws.users.get(ref);
      if (user?.deleted) fail("user_not_found");
      if (user && !ctx.scopes.has("im:write")) missingScope(ctx, "im:write");
      const ch = user ? ws.imWith(user.id) : channelOf(ws, args);
      requireOpen(ch);
      if (!ch.members.includes(ctx.caller) && !ch.is_im) {
        if (ch.is_private || !ctx.scopes.has("chat:write.public")) fail("not_in_channel");
      }
      // Slack's docs name chat:write.customize for a custom username or icon and leave the rest unclear: refuse without it.
      const customized = ["username", "icon_url", "icon_emoji"].some((k) => str(args, k));
      if (customized && !ctx.scopes.has("chat:write.customize")) missingScope(ctx, "chat:write.customize");
      const message = ws.postMessage({
        channel: ch.id,
        user: ctx.caller,
        bot_id: ws.bot.botId,
        app_id: ws.bot.appId,
        ...(str(args, "username") ? { username: str(args, "username") } : {}),
        ...(str(args, "icon_url") ? { icons: { image_48: str(args, "icon_url")! } } : {}),
        ...messageContent(args),
        ...(args.metadata !== undefined ? { metadata: messageMetadata(args) } : {}),
        ...(str(args, "thread_ts") ? { thread_ts: str(args, "thread_ts") } : {}),
      });
      return { channel: ch.id, ts: message.ts, message: messageView(message, false) };
    },
  },

  "chat.update": {
    scopes: ["chat:write"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      const message = findMessage(ws, ch, required(args, "ts", "message_not_found"));
      if (message.user !== ctx.caller) fail("cant_update_message");
      if (ch.is_archived) fail("is_archived");
      const content = messageContent(args);
      message.text = content.text;
      if (content.blocks) message.blocks = content.blocks;
      message.edited = { user: ctx.caller, ts: ws.newTs() };
      return { channel: ch.id, ts: message.ts, text: message.text, message: messageView(message, false) };
    },
  },

  "chat.postEphemeral": {
    scopes: ["chat:write"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      const user = required(args, "user", "user_not_found");
      if (!ws.users.has(user)) fail("user_not_found");
      if (!ch.members.includes(user)) fail("user_not_in_channel");
      if (!ch.members.includes(ctx.caller) && (ch.is_private || !ctx.scopes.has("chat:write.public"))) fail("not_in_channel");
      const content = messageContent(args);
      ws.ephemerals.push({ user, channel: ch.id, ...content, via: "chat.postEphemeral", at: ws.now() });
      return { message_ts: ws.newTs() };
    },
  },

  "chat.getPermalink": {
    scopes: [],
    handler: (ws, args) => {
      const ch = channelOf(ws, args);
      const message = findMessage(ws, ch, required(args, "message_ts", "message_not_found"));
      return { channel: ch.id, permalink: `https://${ws.team.domain}.slack.com/archives/${ch.id}/p${message.ts.replace(".", "")}` };
    },
  },

  "pins.add": {
    scopes: ["pins:write"],
    handler: (ws, args, ctx) => {
      const ch = channelOf(ws, args);
      requireOpen(ch);
      requireMember(ch, ctx.caller);
      const ts = required(args, "timestamp", "no_item_specified");
      findMessage(ws, ch, ts);
      const pins = ws.pins.get(ch.id) ?? [];
      if (pins.some((p) => p.ts === ts)) fail("already_pinned");
      if (pins.length >= 100) fail("too_many_pins");
      pins.push({ channel: ch.id, ts, created: ws.nowSeconds(), created_by: ctx.caller });
      ws.pins.set(ch.id, pins);
      return {};
    },
  },

  "pins.list": {
    scopes: ["pins:read"],
    handler: (ws, args) => {
      const ch = channelOf(ws, args);
      return {
        items: (ws.pins.get(ch.id) ?? []).map((p) => ({
          type: "message",
          channel: ch.id,
          created: p.created,
          created_by: p.created_by,
          message: messageView(findMessage(ws, ch, p.ts), false),
        })),
      };
    },
  },

  "views.open": {
    scopes: [],
    handler: (ws, args, ctx) => {
      const view = checkedView(args);
      const user = useTrigger(ws, args, ctx);
      const stored = storeView(ws, user, str(args, "trigger_id")!, view);
      return { view: viewPayload(ws, stored) };
    },
  },

  "views.push": {
    scopes: [],
    handler: (ws, args, ctx) => {
      const view = checkedView(args);
      const triggerId = str(args, "trigger_id")!;
      const user = useTrigger(ws, args, ctx);
      const under = [...ws.views.values()].reverse().find((v) => v.user === user && !v.closed);
      if (!under) fail("not_found");
      const stack = [...ws.views.values()].filter((v) => v.root_view_id === under!.root_view_id && !v.closed);
      if (stack.length >= 3) fail("push_limit_reached");
      return { view: viewPayload(ws, storeView(ws, user, triggerId, view, under)) };
    },
  },

  "views.update": {
    scopes: [],
    handler: (ws, args) => {
      const existing = findOpenView(ws, args);
      existing.view = checkedView(args);
      existing.callback_id = typeof existing.view.callback_id === "string" ? existing.view.callback_id : existing.callback_id;
      existing.hash = `${ws.nowSeconds()}.${ws.newId("V")}`;
      return { view: viewPayload(ws, existing) };
    },
  },

  // Slack's reference (views.publish): Tier 4, no scope; errors hash_conflict, duplicate_external_id, not_enabled,
  // view_too_large (over 250 kB), invalid_arguments. It names no code for a user_id nobody has: user_not_found, as
  // every other method here answers, is what the fake says (stricter than succeeding; the bot treats it as settled).
  "views.publish": {
    scopes: [],
    handler: (ws, args, ctx) => {
      const userId = required(args, "user_id");
      const raw = args.view;
      if (raw === undefined) fail("invalid_arguments");
      if ((typeof raw === "string" ? raw : JSON.stringify(raw)).length > VIEW_MAX_BYTES) fail("view_too_large");
      const view = checkedView(args, "home");
      if (!ctx.homeTabEnabled) fail("not_enabled");
      const user = ws.users.get(userId);
      if (!user || user.deleted || user.is_bot) fail("user_not_found");
      const current = ws.homes.get(userId);
      // The hash guards against publishing over a Home someone else published since it was read.
      const hash = str(args, "hash");
      if (hash && hash !== current?.hash) fail("hash_conflict");
      const externalId = typeof view.external_id === "string" && view.external_id ? view.external_id : undefined;
      if (externalId) {
        const taken = [...ws.views.values(), ...ws.homes.values()].some((v) => v.view.external_id === externalId && v.id !== current?.id);
        if (taken) fail("duplicate_external_id");
      }
      const id = current?.id ?? ws.newId("V");
      const stored: FakeView = {
        id,
        user: userId,
        callback_id: typeof view.callback_id === "string" ? view.callback_id : "",
        triggerId: "",
        root_view_id: id,
        previous_view_id: null,
        closed: false,
        hash: `${ws.nowSeconds()}.${ws.newId("V")}`,
        view,
      };
      ws.homes.set(userId, stored);
      return { view: { ...viewPayload(ws, stored), type: "home" } };
    },
  },

  "users.info": {
    scopes: ["users:read"],
    handler: (ws, args) => ({ user: userView(ws, required(args, "user", "user_not_found")) }),
  },

  "users.list": {
    scopes: ["users:read"],
    handler: (ws, args) => {
      const { items, next } = page([...ws.users.keys()], args, 100, 1000);
      return { members: items.map((id) => userView(ws, id)), response_metadata: { next_cursor: next } };
    },
  },
};

/** Runs one Web API method as the caller, enforcing scopes; throws SlackApiError for Slack's "ok: false" answers. */
export function callMethod(ws: FakeWorkspace, method: string, args: Args, ctx: CallContext): Record<string, unknown> {
  const spec = methods[method] ?? fail("unknown_method", { req_method: method });
  if (!(spec.tokens ?? ["bot", "user"]).includes(ctx.tokenType)) fail("not_allowed_token_type");
  if (spec.scopes.length && !spec.scopes.some((s) => ctx.scopes.has(s))) {
    missingScope(ctx, spec.scopes.join(","));
  }
  return spec.handler(ws, args, ctx);
}
