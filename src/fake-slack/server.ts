// The fake Slack's HTTP face: the Web API at /api/<method> and response URLs at /response/<id>,
// with Slack's authentication, rate limits and failure modes. Tests, the benchmark and a local sandbox start it here.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { messageBlockProblems } from "./block-rules.js";
import { Faults } from "./faults.js";
import { TierLimiter } from "./rate-limits.js";
import { slashCommandText } from "./slash-text.js";
import { SocketModeHub, type SocketModeOptions } from "./socket-mode.js";
import { callMethod, methods, SlackApiError, type Args } from "./web-api.js";
import { loadManifest, type InstalledApp } from "./manifest.js";
import { FakeWorkspace, type WorkspaceIdentity, type FakeChannel, type FakeEphemeral, type FakeMessage, type FakePin, type FakeUser, type FakeView } from "./workspace.js";

export interface FakeSlackOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The app as installed (default: the project's manifest.yml): its scopes, slash commands, shortcuts, events. */
  app?: InstalledApp;
  /** Bot scopes granted to the token, instead of the manifest's; calls needing others fail with missing_scope, as in Slack. */
  scopes?: string[];
  /** Enforce Slack's per-method rate-limit tiers (off by default so benchmarks measure the bot, not the limits). */
  tierLimits?: boolean;
  /** The tiers' window (Slack: a minute); a test shrinks it, and the bot's own pacing, to see many windows quickly. */
  tierWindowMs?: number;
  /** How long a trigger_id can open a modal (Slack: 3 seconds). */
  triggerTtlMs?: number;
  /** Seed for the fault dice, so a run with injected faults can be replayed (default: 1). */
  seed?: number;
  /** The workspace's clock in ms (default Date.now): the sandbox moves it with the bot's, so messages and reminders agree. */
  now?: () => number;
  /**
   * Let the bot token read threads in channels (conversations.replies). Slack's reference says bot tokens lack the
   * permission outside DMs; off by default, so the bot must cope with the refusal (see web-api.ts).
   */
  botThreadReplies?: boolean;
  /** Socket Mode's timing (how long Slack waits for an ack before it redelivers an event). */
  socketMode?: SocketModeOptions;
  /** Another workspace's team and bot (a second workspace hosted by a first one: see host()). */
  identity?: WorkspaceIdentity;
  /**
   * The app's OAuth credentials: this Slack then answers oauth.v2.access and /oauth/v2/authorize. With token
   * rotation, bot tokens expire after `tokenLifetimeSec` (Slack: 12 hours) and come with a refresh token.
   */
  oauth?: { clientId: string; clientSecret: string; tokenRotation?: boolean; tokenLifetimeSec?: number };
}

/** Slack's authorization codes live ten minutes and can be exchanged once. */
const OAUTH_CODE_TTL_MS = 10 * 60_000;

export interface RecordedCall {
  method: string;
  args: Args;
  ok: boolean;
  error?: string;
  status: number;
  /** When the answer was sent. */
  at: number;
  /** When the request arrived: the order the caller sent concurrent calls in (they may be answered in another). */
  receivedAt: number;
}

/** Everything a person could read that the bot put into Slack. */
interface SaidByBot {
  where: string;
  text: string;
  blocks?: unknown;
}

const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
const RESPONSE_URL_MAX_USES = 5;
// Arguments WebClient serialises as JSON strings inside a form body.
const jsonArgs = new Set(["blocks", "attachments", "metadata", "view"]);

export class FakeSlack {
  readonly workspace: FakeWorkspace;
  readonly faults: Faults;
  readonly calls: RecordedCall[] = [];
  readonly botToken = ["xoxb", String(Date.now()), randomBytes(12).toString("hex")].join("-");
  /** The app-level token (Socket Mode), granted connections:write only, as Slack's app settings page makes it. */
  readonly appToken = ["xapp", "1", "A0FAKEAPP1", String(Date.now()), randomBytes(16).toString("hex")].join("-");
  readonly scopes: ReadonlySet<string>;
  readonly app: InstalledApp;
  /** Socket Mode: the WebSocket connections apps.connections.open leads to, and the envelopes sent over them. */
  readonly socketMode: SocketModeHub;
  private readonly limiter: TierLimiter | undefined;
  private readonly triggerTtlMs: number;
  private server!: Server;
  private working = 0;
  private readonly changeListeners = new Set<() => void>();
  /** Bot tokens this workspace honours, with when they expire (rotating tokens; ms on the workspace's clock). */
  private readonly botTokens = new Map<string, { expiresAt?: number }>();
  /** Other workspaces served by this Slack: their calls are told apart by their token. */
  private readonly hosted = new Map<string, FakeSlack>();
  private readonly codes = new Map<string, { fake: FakeSlack; issuedAt: number; redirectUri?: string; used: boolean; userId: string }>();
  private readonly refreshTokens = new Map<string, FakeSlack>();
  /** The Redirect URL in the app's OAuth settings: where /oauth/v2/authorize sends people when no redirect_uri is asked for. */
  redirectUrl: string | undefined;
  url = "";

  constructor(private readonly options: FakeSlackOptions = {}) {
    this.workspace = new FakeWorkspace(options.now, options.identity);
    this.botTokens.set(this.botToken, {});
    this.faults = new Faults(seededRandom(options.seed ?? 1));
    this.app = options.app ?? loadManifest();
    this.scopes = new Set(options.scopes ?? this.app.scopes);
    this.limiter = options.tierLimits ? new TierLimiter(Date.now, options.tierWindowMs) : undefined;
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.socketMode = new SocketModeHub(() => this.workspace.bot.appId, options.socketMode);
  }

  /** Serves another workspace (its own FakeSlack, with its own team) from this one's Web API and OAuth endpoints. */
  host(other: FakeSlack): void {
    this.hosted.set(other.teamId, other);
  }

  /** A token Slack would answer for this workspace (not expired, not revoked). */
  honours(token: string): "ok" | "token_expired" | undefined {
    const held = this.botTokens.get(token);
    if (!held) return undefined;
    return held.expiresAt !== undefined && held.expiresAt <= this.workspace.now() ? "token_expired" : "ok";
  }

  /** The workspace uninstalls the app: every token Slack gave it stops working (then Slack sends app_uninstalled). */
  uninstall(): void {
    this.botTokens.clear();
    for (const [refresh, fake] of this.refreshTokens) if (fake === this) this.refreshTokens.delete(refresh);
  }

  /** Bot tokens issued through OAuth to this workspace, oldest first. */
  get issuedTokens(): string[] {
    return [...this.botTokens.keys()].filter((t) => t !== this.botToken);
  }

  get teamId(): string {
    return this.workspace.team.id;
  }
  get botUserId(): string {
    return this.workspace.bot.userId;
  }
  get botId(): string {
    return this.workspace.bot.botId;
  }
  get baseUrl(): string {
    return this.url.replace(/\/api\/$/, "");
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" }).end(`fake slack failed: ${String(error)}`);
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on("upgrade", (req, socket) => this.socketMode.upgrade(req, socket));
    await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  /** Resolves once no call is being worked on (slow and held calls included): all that Slack will do is done. */
  async quiet(): Promise<void> {
    while (this.working > 0) await sleep(10);
  }

  /**
   * Drops what Slack would no longer honour (trigger_ids past their life, response URLs past 30 minutes) and keeps
   * only the latest `keepCalls` recorded calls: a fake that runs for hours (the sandbox) must not grow without end.
   */
  forgetExpired(keepCalls = 500): void {
    const now = this.workspace.now();
    for (const [id, t] of this.workspace.triggers) if (now - t.issuedAt > this.triggerTtlMs) this.workspace.triggers.delete(id);
    for (const [id, r] of this.workspace.responseUrls) if (now - r.issuedAt > RESPONSE_URL_TTL_MS) this.workspace.responseUrls.delete(id);
    if (this.calls.length > keepCalls) this.calls.splice(0, this.calls.length - keepCalls);
  }

  /** Calls `listener` after every request the fake answered (and after changed()); returns how to stop. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Tells the listeners that the workspace may look different now (a person did something, or Slack answered). */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  async close(): Promise<void> {
    this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what the workspace looks like (for tests and the sandbox) ----

  get channels(): FakeChannel[] {
    return [...this.workspace.channels.values()];
  }
  channel(id: string): FakeChannel | undefined {
    return this.workspace.channels.get(id);
  }
  channelByName(name: string): FakeChannel | undefined {
    return this.workspace.channelByName(name);
  }
  /** A channel made by a person, outside the bot. */
  createChannel(opts: { name: string; creator: string; members?: string[]; isPrivate?: boolean }): FakeChannel {
    return this.workspace.createChannel(opts);
  }
  addUser(user: Pick<FakeUser, "id" | "name" | "real_name"> & Partial<FakeUser>): FakeUser {
    return this.workspace.addUser(user);
  }
  /** A person writing in a channel (joining it first if need be, as Slack's client does for public channels). */
  postAsUser(channelId: string, userId: string, text: string, opts: { threadTs?: string } = {}): FakeMessage {
    const channel = this.workspace.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    if (channel.is_archived) throw new Error(`#${channel.name} is archived; nobody can post in it`);
    if (opts.threadTs && !this.workspace.messages.get(channelId)?.some((m) => m.ts === opts.threadTs && !m.thread_ts)) throw new Error(`no message ${opts.threadTs} to reply to in ${channelId}`);
    this.workspace.join(channel, userId);
    return this.workspace.postMessage({ channel: channelId, user: userId, text, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) });
  }
  /** A person edits their own message from Slack's client (nobody edits another's); returns it as it was and is now. */
  editAsUser(channelId: string, ts: string, userId: string, text: string): { before: FakeMessage; after: FakeMessage } {
    const message = this.workspace.messages.get(channelId)?.find((m) => m.ts === ts);
    if (!message) throw new Error(`no message ${ts} in ${channelId}`);
    if (message.user !== userId) throw new Error(`${userId} cannot edit a message of ${message.user}: Slack lets people edit only their own`);
    const before = { ...message };
    message.text = text;
    message.edited = { user: userId, ts: this.workspace.newTs() };
    return { before, after: { ...message } };
  }
  /** A person deletes their own message from Slack's client; returns it as it was. */
  deleteAsUser(channelId: string, ts: string, userId: string): FakeMessage {
    const list = this.workspace.messages.get(channelId);
    const message = list?.find((m) => m.ts === ts);
    if (!list || !message) throw new Error(`no message ${ts} in ${channelId}`);
    if (message.user !== userId) throw new Error(`${userId} cannot delete a message of ${message.user} (only admins can, and the tests have none)`);
    list.splice(list.indexOf(message), 1);
    return message;
  }
  /** A person archives a channel from Slack's client (a war room archived by hand while its incident is open). */
  archiveAsUser(channelId: string, userId: string): void {
    const channel = this.workspace.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    channel.is_archived = true;
    this.workspace.postMessage({ channel: channelId, user: userId, subtype: "channel_archive", text: "archived the channel" });
  }
  /** Records a reaction on a message; the driver then tells the bot, as the Events API would. */
  addReaction(channelId: string, ts: string, userId: string, name: string): boolean {
    const message = this.workspace.messages.get(channelId)?.find((m) => m.ts === ts);
    if (!message) throw new Error(`no message ${ts} in ${channelId}`);
    if (!this.workspace.channels.get(channelId)?.members.includes(userId)) throw new Error(`${userId} must join the channel to react in it`);
    message.reactions ??= [];
    let reaction = message.reactions.find((r) => r.name === name);
    if (!reaction) message.reactions.push((reaction = { name, users: [], count: 0 }));
    if (reaction.users.includes(userId)) return false;
    reaction.users.push(userId);
    reaction.count += 1;
    return true;
  }
  /** Oldest first, system messages (joins, topic changes) included, as a person scrolling the channel sees them. */
  messagesIn(channelId: string): FakeMessage[] {
    return [...(this.workspace.messages.get(channelId) ?? [])];
  }
  /** Messages the bot sent a user in their DM with the app. */
  dmsTo(userId: string): FakeMessage[] {
    const im = this.channels.find((c) => c.is_im && c.members.includes(userId));
    return im ? this.messagesIn(im.id) : [];
  }
  pinsIn(channelId: string): FakePin[] {
    return [...(this.workspace.pins.get(channelId) ?? [])];
  }
  ephemeralsFor(userId: string): FakeEphemeral[] {
    return this.workspace.ephemerals.filter((e) => e.user === userId);
  }
  /** Every modal ever opened, newest last; closed ones say so. */
  get views(): FakeView[] {
    return [...this.workspace.views.values()];
  }
  view(id: string): FakeView | undefined {
    return this.workspace.views.get(id);
  }
  /** The Home tab the bot last published for this person (views.publish), as they would see it; undefined if never. */
  homeOf(userId: string): FakeView | undefined {
    return this.workspace.homes.get(userId);
  }

  everythingTheBotSaid(): SaidByBot[] {
    const ws = this.workspace;
    const said: SaidByBot[] = [];
    for (const [channel, messages] of ws.messages) {
      for (const m of messages) if (m.user === ws.bot.userId) said.push({ where: channel, text: m.text, blocks: m.blocks });
    }
    for (const c of ws.channels.values()) {
      if (c.creator === ws.bot.userId) said.push({ where: `${c.id} name`, text: c.name });
      if (c.topic.creator === ws.bot.userId) said.push({ where: `${c.id} topic`, text: c.topic.value });
    }
    for (const e of ws.ephemerals) said.push({ where: `ephemeral ${e.via} ${e.user}`, text: e.text, blocks: e.blocks });
    // What a person typed, echoed back into an input box or kept in private_metadata, is never rendered as mrkdwn.
    for (const v of ws.views.values()) said.push({ where: `view ${v.id}`, text: "", blocks: withoutKeys(v.view, ["initial_value", "private_metadata"]) });
    for (const h of ws.homes.values()) said.push({ where: `home of ${h.user}`, text: "", blocks: withoutKeys(h.view, ["private_metadata"]) });
    return said;
  }

  // ---- what Slack hands out with each interaction (used by the driver) ----

  /** A slash command's text as Slack would send it, from what the person typed (see slash-text.ts). */
  slashCommandText(command: string, typed: string): string {
    return slashCommandText(typed, this.workspace, this.app.commands[command]?.shouldEscape ?? false);
  }

  issueTriggerId(userId: string): string {
    return this.workspace.issueTrigger(userId);
  }
  issueResponseUrl(opts: { userId: string; channelId: string; messageTs?: string }): string {
    return `${this.baseUrl}/response/${this.workspace.issueResponseUrlId(opts.userId, opts.channelId, opts.messageTs)}`;
  }
  /** What Slack shows when an app answers an interaction in the acknowledgement itself. */
  recordAckAnswer(userId: string, channelId: string, answer: { text?: string; blocks?: unknown[]; response_type?: string }): void {
    if (answer.response_type === "in_channel") {
      this.workspace.postMessage({ channel: channelId, user: this.botUserId, bot_id: this.botId, text: answer.text ?? "", blocks: answer.blocks });
    } else {
      this.workspace.ephemerals.push({ user: userId, channel: channelId, text: answer.text ?? "", blocks: answer.blocks, via: "ack", at: this.workspace.now() });
    }
  }

  // ---- HTTP ----

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.working += 1;
    const receivedAt = Date.now();
    try {
      const path = (req.url ?? "/").split("?")[0]!;
      const body = await readBody(req);
      const api = /^\/api\/([a-zA-Z0-9.]+)$/.exec(path);
      if (api && req.method === "POST") return await this.webApi(api[1]!, req, body, res, receivedAt);
      if (path === "/oauth/v2/authorize" && req.method === "GET") return this.authorize(new URL(req.url ?? "/", "http://fake").searchParams, res);
      const response = /^\/response\/([0-9a-f]+)$/.exec(path);
      if (response && req.method === "POST") return await this.responseUrl(response[1]!, body, res, receivedAt);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    } finally {
      this.working -= 1;
      this.changed();
    }
  }

  private async webApi(method: string, req: IncomingMessage, raw: string, res: ServerResponse, receivedAt: number): Promise<void> {
    const args = parseArgs(req.headers["content-type"], raw);
    const token = bearer(req.headers.authorization) ?? (typeof args.token === "string" ? args.token : undefined);
    delete args.token;
    const record = (status: number, ok: boolean, error?: string) =>
      this.calls.push({ method, args, ok, error, status, at: Date.now(), receivedAt });

    if (method === "oauth.v2.access") return this.answer(res, 200, this.oauthAccess(req.headers.authorization, args), record);
    if (!token) return this.answer(res, 200, { ok: false, error: "not_authed" }, record);
    const elsewhere = [...this.hosted.values()].find((w) => w.honours(token));
    if (elsewhere) return elsewhere.webApi(method, req, raw, res, receivedAt);
    const honoured = this.honours(token);
    if (honoured === "token_expired") return this.answer(res, 200, { ok: false, error: "token_expired" }, record);
    if (!honoured && token !== this.appToken) return this.answer(res, 200, { ok: false, error: "invalid_auth" }, record);
    const asApp = token === this.appToken;

    const channel = typeof args.channel === "string" ? args.channel : undefined;
    const admission = this.limiter?.admit(method, channel);
    if (admission && "retryAfterSec" in admission) return this.answer(res, 429, { ok: false, error: "ratelimited" }, record, { "retry-after": String(admission.retryAfterSec) });

    const fault = this.faults.decide(method);
    if (admission && fault.kind === "fail" && fault.status === 429 && !fault.afterApply && !fault.error) this.limiter?.refused(method, channel, admission.admittedAt);
    // Slack goes on with a call whose caller stopped waiting: a slow or held call is applied all the same.
    await fault.hold;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.kind === "fail" && fault.error) return this.answer(res, 200, { ok: false, error: fault.error }, record);
    if (fault.kind === "fail" && !fault.afterApply) return this.failWith(res, fault.status, fault.retryAfterSec, record);

    let result: Record<string, unknown>;
    try {
      const ctx = asApp
        ? { caller: this.botUserId, tokenType: "app" as const, scopes: new Set(["connections:write"]), triggerTtlMs: this.triggerTtlMs }
        : { caller: this.botUserId, tokenType: "bot" as const, scopes: this.scopes, triggerTtlMs: this.triggerTtlMs, homeTabEnabled: this.app.homeTabEnabled, botThreadReplies: this.options.botThreadReplies };
      result = { ok: true, ...callMethod(this.workspace, method, args, ctx) };
      // The URL leads to this fake's own WebSocket endpoint, once (see socket-mode.ts).
      if (method === "apps.connections.open") result.url = this.socketMode.issueUrl(this.baseUrl);
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      result = { ok: false, error: error.code, ...error.extra };
    }
    if (fault.kind === "fail") return this.failWith(res, fault.status, fault.retryAfterSec, record);
    // Slack's answers carry the token's scopes (x-oauth-scopes, what the self-check reads) and the method's (x-accepted-oauth-scopes).
    const granted = asApp ? ["connections:write"] : [...this.scopes];
    const headers = { "x-oauth-scopes": granted.join(","), "x-accepted-oauth-scopes": (methods[method]?.scopes ?? []).join(",") };
    this.answer(res, 200, result, record, headers);
  }

  /**
   * Slack's consent page, already agreed to by `user` of workspace `team` (query parameters the test adds, as a
   * person picks them on the page): back to redirect_uri with a code and the state, or with error=access_denied.
   */
  private authorize(query: URLSearchParams, res: ServerResponse): void {
    const oauth = this.options.oauth;
    const asked = query.get("redirect_uri") ?? undefined;
    if (asked !== undefined && this.redirectUrl !== undefined && !asked.startsWith(this.redirectUrl)) return void res.writeHead(400, { "content-type": "text/plain" }).end("bad_redirect_uri");
    const redirect = asked ?? this.redirectUrl;
    if (!oauth || query.get("client_id") !== oauth.clientId) return void res.writeHead(400, { "content-type": "text/plain" }).end("invalid_client_id");
    const team = query.get("team") ?? this.teamId;
    const fake = team === this.teamId ? this : this.hosted.get(team);
    if (!fake) return void res.writeHead(400, { "content-type": "text/plain" }).end("unknown team");
    const wanted = (query.get("scope") ?? "").split(",").filter(Boolean);
    const missing = wanted.filter((s) => !this.scopes.has(s));
    if (missing.length) return void res.writeHead(400, { "content-type": "text/plain" }).end(`invalid_scope: ${missing.join(",")}`);
    // Slack sends the person back to the app's configured redirect URL (or the one asked for, which must match it).
    if (!redirect) return void res.writeHead(400, { "content-type": "text/plain" }).end("bad_redirect_uri");
    const back = new URL(redirect);
    if (query.get("deny") === "1") back.searchParams.set("error", "access_denied");
    else {
      const code = `${Date.now()}.${randomBytes(16).toString("hex")}`;
      this.codes.set(code, { fake, issuedAt: this.workspace.now(), redirectUri: query.has("redirect_uri") ? redirect : undefined, used: false, userId: query.get("user") ?? "U_ALICE" });
      back.searchParams.set("code", code);
    }
    const state = query.get("state");
    if (state !== null) back.searchParams.set("state", state);
    res.writeHead(302, { location: back.toString() }).end();
  }

  /** oauth.v2.access: a code for a bot token (once, within ten minutes), or with rotation, a refresh token for a new pair. */
  private oauthAccess(authorization: string | undefined, args: Args): Record<string, unknown> {
    const oauth = this.options.oauth;
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "");
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1]!, "base64").toString("utf8").split(":") : [];
    const clientId = basicId ?? args.client_id;
    const clientSecret = basicSecret ?? args.client_secret;
    if (!oauth || clientId !== oauth.clientId) return { ok: false, error: "invalid_client_id" };
    if (clientSecret !== oauth.clientSecret) return { ok: false, error: "bad_client_secret" };
    const now = this.workspace.now();
    let fake: FakeSlack;
    let userId: string | undefined;
    if (args.grant_type === "refresh_token") {
      const refresh = typeof args.refresh_token === "string" ? args.refresh_token : "";
      const owner = this.refreshTokens.get(refresh);
      if (!owner) return { ok: false, error: "invalid_refresh_token" };
      this.refreshTokens.delete(refresh);
      fake = owner;
    } else {
      if (args.grant_type !== undefined && args.grant_type !== "authorization_code") return { ok: false, error: "invalid_grant_type" };
      const code = typeof args.code === "string" ? this.codes.get(args.code) : undefined;
      if (!code || code.used || now - code.issuedAt > OAUTH_CODE_TTL_MS) return { ok: false, error: "invalid_code" };
      code.used = true;
      if (code.redirectUri !== undefined && args.redirect_uri !== code.redirectUri) return { ok: false, error: "bad_redirect_uri" };
      fake = code.fake;
      userId = code.userId;
    }
    const rotation = oauth.tokenRotation === true;
    const lifetime = oauth.tokenLifetimeSec ?? 43_200;
    const token = [rotation ? "xoxe.xoxb-1" : "xoxb", String(Date.now()), randomBytes(12).toString("hex")].join("-");
    fake.botTokens.set(token, rotation ? { expiresAt: now + lifetime * 1000 } : {});
    const ws = fake.workspace;
    const pair: Record<string, unknown> = rotation ? { refresh_token: (() => { const r = `xoxe-1-${randomBytes(24).toString("hex")}`; this.refreshTokens.set(r, fake); return r; })(), expires_in: lifetime } : {};
    if (args.grant_type === "refresh_token") return { ok: true, access_token: token, token_type: "bot", ...pair };
    return {
      ok: true,
      access_token: token,
      token_type: "bot",
      scope: [...this.scopes].join(","),
      bot_user_id: ws.bot.userId,
      app_id: ws.bot.appId,
      team: { id: ws.team.id, name: ws.team.name },
      enterprise: null,
      is_enterprise_install: false,
      authed_user: { id: userId },
      ...pair,
    };
  }

  private failWith(res: ServerResponse, status: number, retryAfterSec: number | undefined, record: (s: number, ok: boolean, e?: string) => void): void {
    if (status === 429) {
      return this.answer(res, 429, { ok: false, error: "ratelimited" }, record, { "retry-after": String(retryAfterSec ?? 1) });
    }
    record(status, false, `http_${status}`);
    res.writeHead(status, { "content-type": "text/html" }).end(`<html><body>${status} upstream trouble</body></html>`);
  }

  private answer(
    res: ServerResponse,
    status: number,
    body: Record<string, unknown>,
    record: (s: number, ok: boolean, e?: string) => void,
    headers: Record<string, string> = {},
  ): void {
    record(status, body.ok === true, typeof body.error === "string" ? body.error : undefined);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
  }

  private async responseUrl(id: string, raw: string, res: ServerResponse, receivedAt: number): Promise<void> {
    const ws = this.workspace;
    const record = (status: number, ok: boolean, error?: string) =>
      this.calls.push({ method: "response_url", args: safeJson(raw), ok, error, status, at: Date.now(), receivedAt });
    const refuse = (error: string) => {
      record(404, false, error);
      res.writeHead(404, { "content-type": "text/plain" }).end(error);
    };
    const fault = this.faults.decide("response_url");
    await fault.hold;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.kind === "fail" && fault.error) return refuse(fault.error);
    if (fault.kind === "fail" && !fault.afterApply) return this.failWith(res, fault.status, fault.retryAfterSec, record);

    const issued = ws.responseUrls.get(id);
    if (!issued) return refuse("invalid_url");
    if (ws.now() - issued.issuedAt > RESPONSE_URL_TTL_MS) return refuse("expired_url");
    if (issued.uses >= RESPONSE_URL_MAX_USES) return refuse("used_url");
    const body = safeJson(raw) as { text?: string; blocks?: unknown[]; response_type?: string; replace_original?: boolean; delete_original?: boolean };
    if (messageBlockProblems(body.blocks).length) {
      record(400, false, "invalid_blocks");
      res.writeHead(400, { "content-type": "text/plain" }).end("invalid_blocks");
      return;
    }
    issued.uses += 1;

    const original = issued.messageTs ? ws.messages.get(issued.channel)?.find((m) => m.ts === issued.messageTs) : undefined;
    if (original && body.delete_original) {
      const list = ws.messages.get(issued.channel)!;
      list.splice(list.indexOf(original), 1);
    } else if (original && body.replace_original) {
      original.text = body.text ?? "";
      original.blocks = body.blocks;
    } else if (body.response_type === "in_channel") {
      ws.postMessage({ channel: issued.channel, user: this.botUserId, bot_id: this.botId, text: body.text ?? "", blocks: body.blocks });
    } else {
      ws.ephemerals.push({ user: issued.user, channel: issued.channel, text: body.text ?? "", blocks: body.blocks, via: "response_url", responseUrl: `${this.baseUrl}/response/${id}`, at: ws.now() });
    }
    if (fault.kind === "fail") return this.failWith(res, fault.status, fault.retryAfterSec, record);
    record(200, true);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  return new FakeSlack(options).listen();
}

function withoutKeys(value: unknown, keys: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutKeys(v, keys));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, withoutKeys(v, keys)]));
}

/** mulberry32: a tiny seeded generator, so a run with injected faults can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return m?.[1];
}

function safeJson(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw || "{}");
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseArgs(contentType: string | undefined, raw: string): Args {
  if (contentType?.includes("application/json")) return safeJson(raw);
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (jsonArgs.has(key) && /^\s*[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // Slack reports malformed JSON as the method's own error; keep the raw string for it to judge.
      }
    }
    args[key] = value;
  }
  return args;
}
