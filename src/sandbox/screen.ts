// What one person sees in the sandbox page at a moment: their channels and DM with the bot, the open conversation
// with its messages, pins and the ephemeral messages only they can see, and the modal on top of their screen.
import type { FakeSlack } from "../fake-slack/server.js";
import type { FakeChannel, FakeMessage, FakeView } from "../fake-slack/workspace.js";

export interface ConversationItem {
  id: string;
  name: string;
  kind: "channel" | "dm";
  archived: boolean;
  private: boolean;
  member: boolean;
  /** The newest message someone else wrote here (its ts), so the page can show the conversation as unread. */
  latest?: string;
}

export interface Screen {
  now: string;
  aheadMs: number;
  team: string;
  me: string;
  people: Array<{ id: string; name: string; realName: string; tz: string }>;
  /** Display names for mentions: users (the bot included) and every channel, archived ones too. */
  names: { users: Record<string, string>; channels: Record<string, string> };
  conversations: ConversationItem[];
  /** The app's message shortcuts (callback_ids), offered in each message's "More actions". */
  shortcuts: string[];
  open?: {
    id: string;
    name: string;
    kind: "channel" | "dm";
    topic: string;
    archived: boolean;
    member: boolean;
    memberCount: number;
    pinned: string[];
    messages: Array<Omit<FakeMessage, "metadata" | "channel">>;
    /** Only this person sees these; `index` names one when a button in it is clicked. */
    ephemerals: Array<{ index: number; text: string; blocks?: unknown[]; at: number }>;
  };
  modal?: { id: string; hash: string; depth: number; view: Record<string, unknown>; errors: Record<string, string> };
  /** Whether the app has a Home tab (manifest.yml), and the Home it last published for this person (views.publish). */
  homeTab: boolean;
  home?: { id: string; hash: string; blocks: unknown[] };
}

/** Slack lists public channels, private ones the person is in, and their DM with the app. */
function visibleTo(channel: FakeChannel, userId: string): boolean {
  if (channel.is_im) return channel.members.includes(userId);
  return channel.is_channel || channel.members.includes(userId);
}

const sidebarOrder = (a: ConversationItem, b: ConversationItem) =>
  Number(a.kind === "dm") - Number(b.kind === "dm") || Number(a.archived) - Number(b.archived) || a.name.localeCompare(b.name, "en", { numeric: true });

/** The views stacked on this person's screen, bottom first (views.push puts one on top of another). */
export function modalStackOf(fake: FakeSlack, userId: string): FakeView[] {
  const open = fake.views.filter((v) => v.user === userId && !v.closed);
  const top = open.at(-1);
  return top ? open.filter((v) => v.root_view_id === top.root_view_id) : [];
}

export function screenFor(
  fake: FakeSlack,
  opts: { userId: string; channelId?: string; aheadMs: number; errorsOf: (viewId: string, hash: string) => Record<string, string> },
): Screen {
  const ws = fake.workspace;
  const botName = ws.bot.name;
  const conversations: ConversationItem[] = fake.channels
    .filter((c) => visibleTo(c, opts.userId))
    .map((c) => ({
      id: c.id,
      name: c.is_im ? botName : c.name,
      kind: c.is_im ? ("dm" as const) : ("channel" as const),
      archived: c.is_archived,
      private: c.is_private && !c.is_im,
      member: c.members.includes(opts.userId),
      latest: fake
        .messagesIn(c.id)
        .filter((m) => m.user !== opts.userId)
        .at(-1)?.ts,
    }))
    .sort(sidebarOrder);
  const shown = conversations.find((c) => c.id === opts.channelId) ?? conversations.find((c) => c.name === "general") ?? conversations[0];
  const channel = shown ? fake.channel(shown.id) : undefined;
  const stack = modalStackOf(fake, opts.userId);
  const top = stack.at(-1);
  const home = fake.homeOf(opts.userId);
  return {
    now: new Date(ws.now()).toISOString(),
    aheadMs: opts.aheadMs,
    team: ws.team.name,
    me: opts.userId,
    people: [...ws.users.values()].filter((u) => !u.is_bot && !u.deleted).map((u) => ({ id: u.id, name: u.name, realName: u.real_name, tz: u.tz })),
    names: {
      users: Object.fromEntries([...ws.users.values()].map((u) => [u.id, u.name])),
      channels: Object.fromEntries(fake.channels.filter((c) => !c.is_im).map((c) => [c.id, c.name])),
    },
    conversations,
    shortcuts: fake.app.shortcuts,
    open:
      shown && channel
        ? {
            id: channel.id,
            name: shown.name,
            kind: shown.kind,
            topic: channel.topic.value,
            archived: channel.is_archived,
            member: channel.members.includes(opts.userId),
            memberCount: channel.members.length,
            pinned: fake.pinsIn(channel.id).map((p) => p.ts),
            messages: fake.messagesIn(channel.id).map(({ metadata: _metadata, channel: _channel, ...shownMessage }) => shownMessage),
            ephemerals: ws.ephemerals
              .map((e, index) => ({ e, index }))
              .filter(({ e }) => e.user === opts.userId && e.channel === channel.id)
              .map(({ e, index }) => ({ index, text: e.text, blocks: e.blocks, at: e.at })),
          }
        : undefined,
    modal: top ? { id: top.id, hash: top.hash, depth: stack.length, view: top.view, errors: opts.errorsOf(top.id, top.hash) } : undefined,
    homeTab: fake.app.homeTabEnabled,
    home: home ? { id: home.id, hash: home.hash, blocks: (home.view.blocks as unknown[] | undefined) ?? [] } : undefined,
  };
}
