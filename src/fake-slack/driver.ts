// Plays Slack's side of the conversation with the bot: signed slash commands, button clicks, modal
// submissions and events, posted to the bot's real receiver exactly as Slack posts them.
import { createHmac, randomBytes } from "node:crypto";
import { messageBlockProblems, SlackLimits, viewProblems } from "./block-rules.js";
import type { FakeSlack } from "./server.js";
import { viewPayload } from "./web-api.js";
import type { FakeEphemeral, FakeMessage, FakeView } from "./workspace.js";

interface DriverOptions {
  fake: FakeSlack;
  /** The bot's Slack endpoint, e.g. http://127.0.0.1:3000/slack/events */
  botUrl: string;
  signingSecret: string;
  /**
   * The workspace the requests come from; by default the fake's own. Another team's id plays the same app
   * installed in a second workspace (Slack signs its requests with the same signing secret).
   */
  teamId?: string;
  /**
   * How requests reach the bot: signed HTTP posts to botUrl (default), or envelopes over the Socket Mode connection
   * the bot opened with the fake (apps.connections.open); everything else about the driver is the same.
   */
  transport?: "http" | "socket";
}

interface BotAnswer {
  status: number;
  /** The parsed JSON answer, "" when the bot acknowledged with an empty body. */
  body: any;
  elapsedMs: number;
}

export interface InteractionAnswer extends BotAnswer {
  triggerId: string;
  responseUrl: string;
  /** Set when Slack would refuse to show the answer (invalid blocks): what it would complain about. */
  rejectedBySlack?: string[];
}

/** A request exactly as it went over the wire: what someone who captured it could send again. */
export interface SignedRequest {
  body: string;
  contentType: string;
  timestamp: number;
  signature: string;
}

/** What a person picks or types in one input; omitted inputs keep the modal's initial values. */
export type InputValue = string | string[] | null;

type Json = Record<string, unknown>;

/** Slack's v0 request signature: HMAC-SHA256 over "v0:<timestamp>:<body>". */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export class SlackDriver {
  /** The last request this driver sent, signature and all. */
  lastSent: SignedRequest | undefined;

  constructor(private readonly options: DriverOptions) {}

  private get fake(): FakeSlack {
    return this.options.fake;
  }

  private get teamId(): string {
    return this.options.teamId ?? this.fake.teamId;
  }

  private user(userId: string) {
    const u = this.fake.workspace.users.get(userId);
    return { id: userId, username: u?.name ?? userId, name: u?.name ?? userId, team_id: this.teamId };
  }

  private team() {
    return { id: this.teamId, domain: this.teamId === this.fake.teamId ? this.fake.workspace.team.domain : this.teamId.toLowerCase() };
  }

  /** A person runs a slash command; `text` is what they typed, sent the way Slack encodes it for this command. */
  async slashCommand(opts: { userId: string; channelId: string; text: string; command?: string; retryNum?: number }): Promise<InteractionAnswer> {
    const command = opts.command ?? "/incident";
    const triggerId = this.fake.issueTriggerId(opts.userId);
    const responseUrl = this.fake.issueResponseUrl({ userId: opts.userId, channelId: opts.channelId });
    const channel = this.fake.channel(opts.channelId);
    const body = new URLSearchParams({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      team_domain: this.team().domain,
      channel_id: opts.channelId,
      channel_name: channel?.name ?? (opts.channelId.startsWith("D") ? "directmessage" : "unknown"),
      user_id: opts.userId,
      user_name: this.user(opts.userId).name,
      command,
      text: this.fake.slashCommandText(command, opts.text),
      api_app_id: this.fake.workspace.bot.appId,
      is_enterprise_install: "false",
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    const answer: InteractionAnswer & { rejectedBySlack?: string[] } = {
      ...(await this.send(body, "application/x-www-form-urlencoded", { retryNum: opts.retryNum })),
      triggerId,
      responseUrl,
    };
    const problems = answer.status === 200 && answer.body && typeof answer.body === "object" ? messageBlockProblems(answer.body.blocks) : [];
    if (typeof answer.body?.text === "string" && answer.body.text.length > SlackLimits.messageText) problems.push("text: must be at most 40000 characters");
    if (problems.length) {
      // Slack shows the person an error instead of an answer it cannot render.
      answer.rejectedBySlack = problems;
    } else if (answer.status === 200 && answer.body && typeof answer.body === "object" && (answer.body.text || answer.body.blocks)) {
      this.fake.recordAckAnswer(opts.userId, opts.channelId, answer.body);
    } else if (answer.status === 200 && typeof answer.body === "string" && answer.body) {
      this.fake.recordAckAnswer(opts.userId, opts.channelId, { text: answer.body });
    }
    return answer;
  }

  async clickButton(opts: { userId: string; channelId: string; messageTs: string; actionId: string; value?: string }): Promise<InteractionAnswer> {
    const message = this.fake.messagesIn(opts.channelId).find((m) => m.ts === opts.messageTs);
    if (!message) throw new Error(`no message ${opts.messageTs} in ${opts.channelId} to click on`);
    const found = findButton(message.blocks ?? [], opts.actionId);
    if (!found) throw new Error(`message ${opts.messageTs} has no button ${opts.actionId}`);
    const { payload, triggerId, responseUrl } = this.messageActions(opts, message, [actionPayload(found, opts.actionId, opts.value)]);
    const answer = await this.sendPayload(payload);
    return { ...answer, triggerId, responseUrl };
  }

  /** A block_actions payload as Slack sends it for a click in a channel message, with a fresh trigger and response_url. */
  private messageActions(opts: { userId: string; channelId: string; messageTs: string }, message: FakeMessage, actions: Json[]) {
    const triggerId = this.fake.issueTriggerId(opts.userId);
    const responseUrl = this.fake.issueResponseUrl({ userId: opts.userId, channelId: opts.channelId, messageTs: opts.messageTs });
    const payload = {
      type: "block_actions",
      user: this.user(opts.userId),
      api_app_id: this.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      container: { type: "message", message_ts: opts.messageTs, channel_id: opts.channelId, is_ephemeral: false },
      trigger_id: triggerId,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: opts.channelId, name: this.fake.channel(opts.channelId)?.name ?? "" },
      message: { ...message, channel: undefined },
      state: { values: {} },
      response_url: responseUrl,
      actions,
    };
    return { payload, triggerId, responseUrl };
  }

  /**
   * Ticks (or un-ticks) one box of a checkboxes element in a message: Slack sends the element's boxes as they now are
   * (`selected_options`, full option objects) and the message as it was shown. Returns the payload too, so a test can
   * send it again (a double click, a retry).
   */
  async toggleCheckbox(opts: { userId: string; channelId: string; messageTs: string; value: string }): Promise<InteractionAnswer & { payload: Json }> {
    const message = this.fake.messagesIn(opts.channelId).find((m) => m.ts === opts.messageTs);
    if (!message) throw new Error(`no message ${opts.messageTs} in ${opts.channelId} to tick in`);
    let found: { blockId: string; element: Json } | undefined;
    for (const block of (message.blocks ?? []) as Json[]) {
      const candidates = [...((block.elements as Json[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Json] : [])];
      const element = candidates.find((el) => el.type === "checkboxes" && ((el.options as Json[] | undefined) ?? []).some((o) => o.value === opts.value));
      if (element) found = { blockId: String(block.block_id ?? ""), element };
      if (found) break;
    }
    if (!found) throw new Error(`message ${opts.messageTs} has no checkbox "${opts.value}"`);
    const options = (found.element.options as Json[]) ?? [];
    const ticked = new Set(((found.element.initial_options as Json[] | undefined) ?? []).map((o) => o.value));
    if (ticked.has(opts.value)) ticked.delete(opts.value);
    else ticked.add(opts.value);
    const { payload, triggerId, responseUrl } = this.messageActions(opts, message, [
      {
        type: "checkboxes",
        action_id: found.element.action_id,
        block_id: found.blockId,
        selected_options: options.filter((o) => ticked.has(o.value)),
        action_ts: String(Date.now() / 1000),
      },
    ]);
    const answer = await this.sendPayload(payload);
    return { ...answer, triggerId, responseUrl, payload };
  }

  /** Clicks a button in an ephemeral message the user is looking at (only they can see it, so it lives nowhere else). */
  async clickInEphemeral(opts: { userId: string; ephemeral: FakeEphemeral; actionId: string; value?: string }): Promise<InteractionAnswer> {
    const found = findButton(opts.ephemeral.blocks ?? [], opts.actionId, opts.value);
    if (!found) throw new Error(`that ephemeral message has no button ${opts.actionId}`);
    const triggerId = this.fake.issueTriggerId(opts.userId);
    const responseUrl = this.fake.issueResponseUrl({ userId: opts.userId, channelId: opts.ephemeral.channel });
    const payload = {
      type: "block_actions",
      user: this.user(opts.userId),
      api_app_id: this.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      container: { type: "message", message_ts: String(opts.ephemeral.at / 1000), channel_id: opts.ephemeral.channel, is_ephemeral: true },
      trigger_id: triggerId,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: opts.ephemeral.channel, name: this.fake.channel(opts.ephemeral.channel)?.name ?? "" },
      state: { values: {} },
      response_url: responseUrl,
      actions: [actionPayload(found, opts.actionId, opts.value)],
    };
    return { ...(await this.sendPayload(payload)), triggerId, responseUrl };
  }

  /**
   * Submits an open modal as its user would: values keyed by block_id, shaped by each input's element type.
   * `beyondClientLimits`: send what Slack's client would not let a person type (longer than max_length), as a
   * hand-made request could; the bot must refuse it on its own. `withoutState`: Slack leaves state out of some
   * submissions; send one of those. `state`: state.values exactly as given, whatever the view holds (what a broken
   * or hand-made client could send: options that are not offered, values of the wrong type, blocks that do not exist).
   */
  async submitView(opts: {
    viewId: string;
    userId: string;
    values?: Record<string, InputValue>;
    retryNum?: number;
    beyondClientLimits?: boolean;
    withoutState?: boolean;
    state?: Record<string, Record<string, unknown>>;
  }): Promise<BotAnswer> {
    const stored = this.fake.view(opts.viewId);
    if (!stored) throw new Error(`no view ${opts.viewId}`);
    if (stored.closed) throw new Error(`view ${opts.viewId} was closed; nobody can submit it`);
    if (!stored.view.submit) throw new Error(`view ${opts.viewId} has no submit button; nobody can submit it`);
    const view = {
      id: stored.id,
      team_id: this.teamId,
      type: "modal",
      private_metadata: "",
      ...stored.view,
      callback_id: stored.callback_id,
      ...(opts.withoutState ? {} : { state: { values: opts.state ?? stateValues(stored, opts.values ?? {}, opts.beyondClientLimits ?? false) } }),
      hash: stored.hash,
      root_view_id: stored.root_view_id,
      previous_view_id: stored.previous_view_id,
      app_id: this.fake.workspace.bot.appId,
      bot_id: this.fake.botId,
    };
    const payload = {
      type: "view_submission",
      team: this.team(),
      user: this.user(opts.userId),
      api_app_id: this.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      trigger_id: this.fake.issueTriggerId(opts.userId),
      view,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const answer = await this.sendPayload(payload, opts.retryNum);
    if (answer.status === 200) this.applyViewAnswer(stored, answer.body);
    return answer;
  }

  /** A person adds an emoji reaction to a message; the bot hears it as a reaction_added event. */
  async react(opts: { userId: string; channelId: string; ts: string; name: string; retryNum?: number; eventId?: string }): Promise<BotAnswer> {
    const message = this.fake.messagesIn(opts.channelId).find((m) => m.ts === opts.ts);
    if (!message) throw new Error(`no message ${opts.ts} in ${opts.channelId}`);
    this.fake.addReaction(opts.channelId, opts.ts, opts.userId, opts.name);
    return this.sendEvent(
      {
        type: "reaction_added",
        user: opts.userId,
        reaction: opts.name,
        item_user: message.user,
        item: { type: "message", channel: opts.channelId, ts: opts.ts },
      },
      { retryNum: opts.retryNum, eventId: opts.eventId },
    );
  }

  /**
   * A person edits their message. Slack tells the app (message_changed, with the message as it is now and as it was)
   * only if the app subscribes to messages of that kind of conversation and is in it; otherwise this returns undefined.
   */
  async editMessage(opts: { userId: string; channelId: string; ts: string; text: string; retryNum?: number; eventId?: string }): Promise<BotAnswer | undefined> {
    const { before, after } = this.fake.editAsUser(opts.channelId, opts.ts, opts.userId, opts.text);
    if (!this.hearsMessagesIn(opts.channelId)) return undefined;
    const shown = (m: typeof before) => {
      const { channel: _channel, metadata: _metadata, reactions: _reactions, ...rest } = m;
      return { ...rest, team: this.teamId };
    };
    return this.sendEvent(
      {
        type: "message",
        subtype: "message_changed",
        hidden: true,
        channel: opts.channelId,
        channel_type: this.channelType(opts.channelId),
        ts: after.edited!.ts,
        event_ts: after.edited!.ts,
        message: shown(after),
        previous_message: shown(before),
      },
      { retryNum: opts.retryNum, eventId: opts.eventId },
    );
  }

  /** A person deletes their message; Slack tells the app (message_deleted, with deleted_ts) on the same terms as an edit. */
  async deleteMessage(opts: { userId: string; channelId: string; ts: string; retryNum?: number; eventId?: string }): Promise<BotAnswer | undefined> {
    const before = this.fake.deleteAsUser(opts.channelId, opts.ts, opts.userId);
    if (!this.hearsMessagesIn(opts.channelId)) return undefined;
    const { channel: _channel, metadata: _metadata, reactions: _reactions, ...previous } = before;
    const ts = this.fake.workspace.newTs();
    return this.sendEvent(
      {
        type: "message",
        subtype: "message_deleted",
        hidden: true,
        channel: opts.channelId,
        channel_type: this.channelType(opts.channelId),
        ts,
        event_ts: ts,
        deleted_ts: opts.ts,
        previous_message: { ...previous, team: this.teamId },
      },
      { retryNum: opts.retryNum, eventId: opts.eventId },
    );
  }

  private channelType(channelId: string): "channel" | "group" | "im" {
    const channel = this.fake.channel(channelId);
    return channel?.is_im ? "im" : channel?.is_private ? "group" : "channel";
  }

  /** Slack sends message events only for conversations the app is in, of the kinds it subscribes to (message.channels, …). */
  private hearsMessagesIn(channelId: string): boolean {
    const channel = this.fake.channel(channelId);
    if (!channel || !channel.members.includes(this.fake.botUserId)) return false;
    const subscription = { channel: "message.channels", group: "message.groups", im: "message.im" }[this.channelType(channelId)];
    return this.fake.app.botEvents.includes(subscription);
  }

  /** A person runs a message shortcut from a message's "More actions" menu. */
  async messageShortcut(opts: { userId: string; channelId: string; messageTs: string; callbackId: string }): Promise<InteractionAnswer> {
    const message = this.fake.messagesIn(opts.channelId).find((m) => m.ts === opts.messageTs);
    if (!message) throw new Error(`no message ${opts.messageTs} in ${opts.channelId}`);
    const triggerId = this.fake.issueTriggerId(opts.userId);
    const responseUrl = this.fake.issueResponseUrl({ userId: opts.userId, channelId: opts.channelId });
    const { channel: _channel, metadata: _metadata, ...shown } = message;
    const payload = {
      type: "message_action",
      token: "deprecated-verification-token",
      action_ts: String(Date.now() / 1000),
      team: this.team(),
      user: this.user(opts.userId),
      channel: { id: opts.channelId, name: this.fake.channel(opts.channelId)?.name ?? "" },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: opts.callbackId,
      trigger_id: triggerId,
      response_url: responseUrl,
      message_ts: opts.messageTs,
      message: shown,
    };
    const answer = await this.sendPayload(payload);
    return { ...answer, triggerId, responseUrl };
  }

  /**
   * A person opens the app's Home tab: Slack sends app_home_opened (Events API, "User clicked into your App Home")
   * with the DM channel between them and the app, `tab: "home"`, and the Home's current view once one was published.
   */
  async openHome(opts: { userId: string; eventId?: string; retryNum?: number }): Promise<BotAnswer> {
    if (!this.fake.app.homeTabEnabled) throw new Error("the app has no Home tab (manifest.yml: features.app_home.home_tab_enabled); nobody can open it");
    if (!this.fake.app.botEvents.includes("app_home_opened")) throw new Error("the app does not subscribe to app_home_opened (manifest.yml: bot_events); Slack would not tell it");
    const published = this.fake.homeOf(opts.userId);
    return this.sendEvent(
      {
        type: "app_home_opened",
        user: opts.userId,
        channel: this.fake.workspace.imWith(opts.userId).id,
        tab: "home",
        ...(published ? { view: { ...viewPayload(this.fake.workspace, published), type: "home", team_id: this.teamId } } : {}),
      },
      { eventId: opts.eventId, retryNum: opts.retryNum },
    );
  }

  /**
   * A person clicks a button on their Home tab. Slack's block_actions from a view carry the view and a trigger_id,
   * but no response_url and no channel: the app answers by publishing the Home again or opening a modal.
   */
  async clickInHome(opts: { userId: string; actionId: string; value?: string }): Promise<InteractionAnswer> {
    const home = this.fake.homeOf(opts.userId);
    if (!home) throw new Error(`${opts.userId} has no Home published to click in`);
    const found = findButton((home.view.blocks as unknown[] | undefined) ?? [], opts.actionId, opts.value);
    if (!found) throw new Error(`the Home of ${opts.userId} has no button ${opts.actionId}${opts.value ? ` with value ${opts.value}` : ""}`);
    const triggerId = this.fake.issueTriggerId(opts.userId);
    const payload = {
      type: "block_actions",
      user: this.user(opts.userId),
      api_app_id: this.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      container: { type: "view", view_id: home.id },
      trigger_id: triggerId,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      view: { ...viewPayload(this.fake.workspace, home), type: "home", team_id: this.teamId, state: { values: {} } },
      actions: [actionPayload(found, opts.actionId, opts.value)],
    };
    return { ...(await this.sendPayload(payload)), triggerId, responseUrl: "" };
  }

  /** Delivers an Events API event (reaction_added, message, …) in Slack's envelope. */
  async sendEvent(event: Json, opts: { retryNum?: number; eventId?: string } = {}): Promise<BotAnswer> {
    const body = JSON.stringify({
      token: "deprecated-verification-token",
      team_id: this.teamId,
      api_app_id: this.fake.workspace.bot.appId,
      event: { event_ts: String(Date.now() / 1000), ...event },
      type: "event_callback",
      event_id: opts.eventId ?? `Ev${randomBytes(5).toString("hex").toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: this.fake.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    return this.send(body, "application/json", { retryNum: opts.retryNum });
  }

  /**
   * An interaction payload (block_actions, view_submission, message_action, …) exactly as given, encoded and signed
   * as Slack sends one: for clicks on buttons that no message shows and forms that were never opened.
   */
  async interaction(payload: Json): Promise<BotAnswer> {
    return this.sendPayload(payload);
  }

  /** Anything at all, signed (or mis-signed) as asked: for testing what the bot refuses. */
  async raw(opts: { body: string; contentType: string; timestamp?: number; signature?: string }): Promise<BotAnswer> {
    if (this.options.transport === "socket") throw new Error("raw requests are HTTP's: over Socket Mode nothing is signed");
    return this.send(opts.body, opts.contentType, { timestamp: opts.timestamp, signature: opts.signature });
  }

  /** Sends a captured request again, byte for byte: a replay by whoever captured it. */
  async replay(request: SignedRequest): Promise<BotAnswer> {
    if (this.options.transport === "socket") throw new Error("replays are HTTP's: over Socket Mode nothing is signed");
    return this.send(request.body, request.contentType, { timestamp: request.timestamp, signature: request.signature });
  }

  private sendPayload(payload: Json, retryNum?: number): Promise<BotAnswer> {
    return this.send(new URLSearchParams({ payload: slackJson(payload) }).toString(), "application/x-www-form-urlencoded", { retryNum });
  }

  private async send(body: string, contentType: string, opts: { retryNum?: number; timestamp?: number; signature?: string }): Promise<BotAnswer> {
    if (this.options.transport === "socket") return this.sendOverSocket(body, contentType, opts.retryNum);
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = opts.signature ?? slackSignature(this.options.signingSecret, timestamp, body);
    this.lastSent = { body, contentType, timestamp, signature };
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    };
    if (opts.retryNum) {
      headers["x-slack-retry-num"] = String(opts.retryNum);
      headers["x-slack-retry-reason"] = "http_timeout";
    }
    const started = performance.now();
    const response = await fetch(this.options.botUrl, { method: "POST", headers, body });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    let parsed: unknown = text;
    if (text && (response.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, elapsedMs };
  }

  /**
   * The same request as an envelope over Socket Mode: an event's JSON body is an events_api payload, an
   * interaction's `payload` field an interactive one, a slash command's form fields a slash_commands one. The ack's
   * payload is the answer (status 200, "" when empty, as an empty HTTP body); no ack at all reads as status 0.
   */
  private async sendOverSocket(body: string, contentType: string, retryNum: number | undefined): Promise<BotAnswer> {
    const form = contentType.includes("json") ? undefined : new URLSearchParams(body);
    const interaction = form?.get("payload");
    const [type, payload] = !form
      ? (["events_api", JSON.parse(body) as Json] as const)
      : interaction !== null && interaction !== undefined
        ? (["interactive", JSON.parse(interaction) as Json] as const)
        : (["slash_commands", Object.fromEntries(form) as Json] as const);
    this.lastSent = undefined;
    const ack = await this.fake.socketMode.deliver(type, payload, { retryAttempt: retryNum });
    if (!ack.acked) return { status: 0, body: "", elapsedMs: ack.elapsedMs };
    return { status: 200, body: Object.keys(ack.payload).length ? ack.payload : "", elapsedMs: ack.elapsedMs };
  }

  /** Slack refuses a view it cannot render and shows the person an error; a test should hear about it loudly. */
  private assertSlackAccepts(view: unknown): void {
    const problems = viewProblems(view);
    if (problems.length) throw new Error(`Slack would refuse this view: ${problems.join("; ")}`);
  }

  /** Slack's reaction to a view_submission answer: close, update in place, push, or show field errors. */
  private applyViewAnswer(stored: FakeView, body: unknown): void {
    const answer = (typeof body === "object" && body !== null ? body : {}) as Json;
    const views = this.fake.workspace.views;
    switch (answer.response_action) {
      case "errors": {
        // Slack shows each error under the input block it names; an error for anything else (a section, a block
        // the view does not have) makes Slack refuse the whole answer and show the person its own error.
        const inputs = new Set(((stored.view.blocks as Json[] | undefined) ?? []).filter((b) => b.type === "input").map((b) => b.block_id));
        const strays = Object.keys((answer.errors ?? {}) as Json).filter((key) => !inputs.has(key));
        if (strays.length) throw new Error(`Slack would refuse this answer: errors for ${strays.join(", ")}, which ${strays.length === 1 ? "is not an input block" : "are not input blocks"} of the view`);
        return;
      }
      case "update":
        this.assertSlackAccepts(answer.view);
        stored.view = answer.view as Json;
        stored.callback_id = typeof stored.view.callback_id === "string" ? stored.view.callback_id : "";
        stored.hash = `${Date.now()}.${this.fake.workspace.newId("V")}`;
        return;
      case "push": {
        this.assertSlackAccepts(answer.view);
        const id = this.fake.workspace.newId("V");
        const view = answer.view as Json;
        views.set(id, {
          id,
          user: stored.user,
          callback_id: typeof view.callback_id === "string" ? view.callback_id : "",
          triggerId: stored.triggerId,
          root_view_id: stored.root_view_id,
          previous_view_id: stored.id,
          closed: false,
          hash: `${Date.now()}.${id}`,
          view,
        });
        return;
      }
      case "clear":
        for (const v of views.values()) if (v.root_view_id === stored.root_view_id) v.closed = true;
        return;
      default:
        stored.closed = true;
    }
  }
}

/**
 * Interaction payloads as Slack writes them: every character outside ASCII as a \uXXXX escape ("Non-standard
 * characters … within view objects are converted and sent in unicode format", Slack's reference for view
 * objects; done here for every payload, which only makes bodies larger, never smaller than Slack's).
 */
function slackJson(payload: Json): string {
  return JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The element with this action_id (and, for buttons sharing one action_id, this value). */
function findButton(blocks: unknown[], actionId: string, value?: string): { blockId: string; button: Json } | undefined {
  for (const block of blocks as Json[]) {
    const candidates = [...((block.elements as Json[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Json] : [])];
    for (const el of candidates) {
      if (el.action_id === actionId && (value === undefined || el.type !== "button" || el.value === value)) return { blockId: String(block.block_id ?? ""), button: el };
      // Overflow menus and selects carry their choices inside one element.
      const options = (el.options as Json[] | undefined) ?? [];
      if (options.some((o) => o.value === actionId)) return { blockId: String(block.block_id ?? ""), button: el };
    }
  }
  return undefined;
}

/** What Slack reports for one interaction with an element: a button's value, or the option picked in a menu. */
function actionPayload(found: { blockId: string; button: Json }, actionId: string, value: string | undefined): Json {
  const base = { type: found.button.type, action_id: actionId, block_id: found.blockId, action_ts: String(Date.now() / 1000) };
  if (found.button.type === "button") return { ...base, text: found.button.text, value: value ?? found.button.value };
  if (value === undefined) throw new Error(`pick an option of ${actionId}: pass its value`);
  // Selects whose choices are people or conversations report the pick by its ID (Block Kit reference, select menus).
  if (found.button.type === "users_select") return { ...base, selected_user: value, initial_user: found.button.initial_user };
  if (found.button.type === "conversations_select") return { ...base, selected_conversation: value };
  if (found.button.type === "channels_select") return { ...base, selected_channel: value };
  return { ...base, selected_option: optionWithValue(found.button, value) };
}

function optionWithValue(element: Json, value: string): Json {
  const options = (element.options as Json[] | undefined) ?? [];
  const found = options.find((o) => o.value === value);
  if (!found) throw new Error(`the select ${String(element.action_id)} has no option "${value}"`);
  return found;
}

/** Builds view.state.values the way Slack does, from the stored view's input blocks. */
function stateValues(stored: FakeView, typed: Record<string, InputValue>, beyondClientLimits: boolean): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of (stored.view.blocks as Json[] | undefined) ?? []) {
    if (block.type !== "input" || typeof block.block_id !== "string") continue;
    const element = block.element as Json;
    const actionId = String(element.action_id);
    const given = Object.hasOwn(typed, block.block_id) ? typed[block.block_id] : undefined;
    const first = (v: InputValue | undefined) => (Array.isArray(v) ? v[0] : v);
    const list = (v: InputValue | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
    let state: Json;
    switch (element.type) {
      case "plain_text_input":
      case "number_input":
      case "email_text_input":
      case "url_text_input": {
        const value = given !== undefined ? first(given) || null : ((element.initial_value as string | undefined) ?? null);
        // Slack's client stops the typing at max_length (counted, like every limit here, in UTF-16 units).
        if (value && !beyondClientLimits && typeof element.max_length === "number" && value.length > element.max_length) {
          throw new Error(`nobody can type ${value.length} characters into ${block.block_id}: its max_length is ${element.max_length}`);
        }
        state = { value };
        break;
      }
      case "static_select":
      case "radio_buttons": {
        const v = given !== undefined ? first(given) : (element.initial_option as Json | undefined)?.value;
        state = { selected_option: v ? optionWithValue(element, String(v)) : null };
        break;
      }
      case "multi_static_select":
      case "checkboxes": {
        const chosen = given !== undefined ? list(given) : ((element.initial_options as Json[] | undefined) ?? []).map((o) => String(o.value));
        state = { selected_options: chosen.map((v) => optionWithValue(element, v)) };
        break;
      }
      case "users_select":
        state = { selected_user: given !== undefined ? first(given) || null : ((element.initial_user as string | undefined) ?? null) };
        break;
      case "multi_users_select":
        state = { selected_users: given !== undefined ? list(given) : ((element.initial_users as string[] | undefined) ?? []) };
        break;
      case "conversations_select":
      case "channels_select":
        state = {
          [element.type === "channels_select" ? "selected_channel" : "selected_conversation"]:
            given !== undefined ? first(given) || null : ((element.initial_conversation ?? element.initial_channel ?? null) as string | null),
        };
        break;
      case "datepicker":
        state = { selected_date: given !== undefined ? first(given) || null : ((element.initial_date as string | undefined) ?? null) };
        break;
      case "timepicker":
        state = { selected_time: given !== undefined ? first(given) || null : ((element.initial_time as string | undefined) ?? null) };
        break;
      default:
        throw new Error(`the driver cannot fill a ${String(element.type)} yet`);
    }
    values[block.block_id] = { [actionId]: { type: element.type, ...state } };
  }
  return values;
}
