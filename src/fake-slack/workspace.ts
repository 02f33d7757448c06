// The state of one fake Slack workspace: users, channels, members, messages, pins, topics, modals, Home tabs, ephemerals.
// Plain data and no I/O; a snapshot of it is plain JSON, so the local sandbox can keep it across restarts.
import { randomBytes } from "node:crypto";

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  tz: string;
  is_bot: boolean;
  deleted: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_channel: boolean;
  is_im: boolean;
  is_private: boolean;
  is_archived: boolean;
  creator: string;
  created: number;
  members: string[];
  topic: { value: string; creator: string; last_set: number };
  purpose: { value: string; creator: string; last_set: number };
}

export interface FakeMessage {
  type: "message";
  ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edited?: { user: string; ts: string };
  thread_ts?: string;
  inviter?: string;
  /** Set when the app posted under another name (chat:write.customize). */
  username?: string;
  icons?: { image_48?: string };
  reactions?: Array<{ name: string; users: string[]; count: number }>;
}

export interface FakeEphemeral {
  user: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  /** How it reached the user: a Web API call, a response_url, or the body of an acknowledgement. */
  via: "chat.postEphemeral" | "response_url" | "ack";
  /** The response URL it came through (via "response_url"), so a test can tell which interaction it answers. */
  responseUrl?: string;
  at: number;
}

export interface FakePin {
  channel: string;
  ts: string;
  created: number;
  created_by: string;
}

export interface FakeView {
  id: string;
  /** The user looking at the modal. */
  user: string;
  callback_id: string;
  triggerId: string;
  /** Views opened on top of this one with views.push share its root. */
  root_view_id: string;
  previous_view_id: string | null;
  closed: boolean;
  hash: string;
  view: Record<string, unknown>;
}

interface IssuedTrigger {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
}

export interface IssuedResponseUrl {
  id: string;
  user: string;
  channel: string;
  /** Set for interactions on a message, so replace_original / delete_original know what to change. */
  messageTs?: string;
  issuedAt: number;
  uses: number;
}

const FAKE_TEAM = { id: "T0FAKE0001", domain: "warroom-sandbox", name: "Warroom Sandbox" } as const;
const FAKE_BOT = { userId: "UBOT", botId: "B0FAKEBOT1", appId: "A0FAKEAPP1", name: "warroom" } as const;

const seededUsers: Array<Pick<FakeUser, "id" | "name" | "real_name" | "tz">> = [
  { id: "U_ALICE", name: "alice", real_name: "Alice Archer", tz: "Europe/London" },
  { id: "U_BOB", name: "bob", real_name: "Bob Baker", tz: "America/New_York" },
  { id: "U_CAROL", name: "carol", real_name: "Carol Chen", tz: "Asia/Singapore" },
];

/** Everything a workspace holds that outlives a request, as plain JSON (issued trigger_ids live 3 s and are left out). */
export interface WorkspaceSnapshot {
  version: 1;
  sequence: number;
  lastTs: number;
  users: FakeUser[];
  channels: FakeChannel[];
  messages: Array<[string, FakeMessage[]]>;
  pins: Array<[string, FakePin[]]>;
  ephemerals: FakeEphemeral[];
  views: FakeView[];
  responseUrls: IssuedResponseUrl[];
  /** Each person's published Home tab (absent in snapshots taken before the fake had Home tabs). */
  homes?: FakeView[];
}

/** Who a workspace and its bot are: a second workspace in the same fake Slack has its own (see FakeSlack.host). */
export interface WorkspaceIdentity {
  team: { id: string; domain: string; name: string };
  bot: { userId: string; botId: string; appId: string; name: string };
  /** Put in every channel id, so two workspaces' ids never collide (as Slack's are unique across workspaces). */
  idTag?: string;
}

export class FakeWorkspace {
  readonly team: WorkspaceIdentity["team"];
  readonly bot: WorkspaceIdentity["bot"];
  private readonly idTag: string;
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly pins = new Map<string, FakePin[]>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly views = new Map<string, FakeView>();
  /** The Home tab published for each person (views.publish), by user id: one per person, replaced by each publish. */
  readonly homes = new Map<string, FakeView>();
  readonly triggers = new Map<string, IssuedTrigger>();
  readonly responseUrls = new Map<string, IssuedResponseUrl>();
  private sequence = 0;
  private lastTs = 0;

  constructor(
    readonly now: () => number = Date.now,
    identity: WorkspaceIdentity = { team: FAKE_TEAM, bot: FAKE_BOT },
  ) {
    this.team = identity.team;
    this.idTag = identity.idTag ?? "0";
    this.bot = identity.bot;
    this.seed();
  }

  /** A new workspace: the bot, three people, #general and #incidents. */
  private seed(): void {
    this.addUser({ id: this.bot.userId, name: this.bot.name, real_name: "Warroom", tz: "UTC", is_bot: true });
    for (const user of seededUsers) this.addUser(user);
    const everyone = seededUsers.map((u) => u.id);
    this.createChannel({ name: "general", creator: "U_ALICE", members: everyone });
    this.createChannel({ name: "incidents", creator: "U_ALICE", members: everyone });
  }

  /** Forgets everything and starts again as a new workspace (the sandbox's reset). */
  clear(): void {
    this.empty();
    this.seed();
  }

  private empty(): void {
    for (const map of [this.users, this.channels, this.messages, this.pins, this.views, this.homes, this.triggers, this.responseUrls]) map.clear();
    this.ephemerals.length = 0;
    this.sequence = 0;
    this.lastTs = 0;
  }

  snapshot(): WorkspaceSnapshot {
    return {
      version: 1,
      sequence: this.sequence,
      lastTs: this.lastTs,
      users: [...this.users.values()],
      channels: [...this.channels.values()],
      messages: [...this.messages.entries()],
      pins: [...this.pins.entries()],
      ephemerals: [...this.ephemerals],
      views: [...this.views.values()],
      responseUrls: [...this.responseUrls.values()],
      homes: [...this.homes.values()],
    };
  }

  /** Puts back a snapshot taken earlier, replacing whatever the workspace held. */
  restore(snapshot: WorkspaceSnapshot): void {
    this.empty();
    this.sequence = snapshot.sequence;
    this.lastTs = snapshot.lastTs;
    for (const u of snapshot.users) this.users.set(u.id, u);
    for (const c of snapshot.channels) this.channels.set(c.id, c);
    for (const [id, list] of snapshot.messages) this.messages.set(id, list);
    for (const [id, list] of snapshot.pins) this.pins.set(id, list);
    this.ephemerals.push(...snapshot.ephemerals);
    for (const v of snapshot.views) this.views.set(v.id, v);
    for (const r of snapshot.responseUrls) this.responseUrls.set(r.id, r);
    for (const h of snapshot.homes ?? []) this.homes.set(h.user, h);
  }

  addUser(user: Pick<FakeUser, "id" | "name" | "real_name"> & Partial<FakeUser>): FakeUser {
    const full: FakeUser = { tz: "UTC", is_bot: false, deleted: false, ...user };
    this.users.set(full.id, full);
    return full;
  }

  /** Slack-shaped IDs: a type letter and upper-case alphanumerics. */
  newId(prefix: "C" | "D" | "V"): string {
    this.sequence += 1;
    return `${prefix}${this.idTag}${this.sequence.toString(36).toUpperCase().padStart(8, "0")}`;
  }

  /** Message timestamps are unique and increasing, like Slack's "seconds.micros" strings. */
  newTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  createChannel(opts: { name: string; creator: string; members?: string[]; isPrivate?: boolean; isIm?: boolean }): FakeChannel {
    const now = this.nowSeconds();
    const channel: FakeChannel = {
      id: this.newId(opts.isIm ? "D" : "C"),
      name: opts.name,
      is_channel: !opts.isPrivate && !opts.isIm,
      is_im: Boolean(opts.isIm),
      is_private: Boolean(opts.isPrivate),
      is_archived: false,
      creator: opts.creator,
      created: now,
      members: [...new Set([opts.creator, ...(opts.members ?? [])])],
      topic: { value: "", creator: "", last_set: 0 },
      purpose: { value: "", creator: "", last_set: 0 },
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  /** The bot's direct-message channel with a user, opened on first use. */
  imWith(userId: string): FakeChannel {
    const existing = [...this.channels.values()].find((c) => c.is_im && c.members.includes(userId));
    if (existing) return existing;
    return this.createChannel({ name: userId, creator: this.bot.userId, members: [userId], isPrivate: true, isIm: true });
  }

  channelByName(name: string): FakeChannel | undefined {
    const bare = name.replace(/^#/, "");
    return [...this.channels.values()].find((c) => !c.is_im && c.name === bare);
  }

  postMessage(message: Omit<FakeMessage, "type" | "ts">): FakeMessage {
    const full: FakeMessage = { type: "message", ts: this.newTs(), ...message };
    this.messages.get(message.channel)!.push(full);
    return full;
  }

  /** Slack posts a system message when someone joins; history shows it like any other. */
  join(channel: FakeChannel, userId: string, inviter?: string): void {
    if (channel.members.includes(userId)) return;
    channel.members.push(userId);
    this.postMessage({
      channel: channel.id,
      user: userId,
      subtype: "channel_join",
      text: `<@${userId}> has joined the channel`,
      ...(inviter ? { inviter } : {}),
    });
  }

  issueTrigger(userId: string): string {
    const id = `${this.now()}.${this.sequence++}.${randomBytes(10).toString("hex")}`;
    this.triggers.set(id, { id, user: userId, issuedAt: this.now(), used: false });
    return id;
  }

  issueResponseUrlId(userId: string, channelId: string, messageTs?: string): string {
    const id = randomBytes(12).toString("hex");
    this.responseUrls.set(id, { id, user: userId, channel: channelId, messageTs, issuedAt: this.now(), uses: 0 });
    return id;
  }
}
