// Setting up an incident's war room in Slack, one idempotent step per outbox item, each recording its result and timeline entry.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { incidents, type Incident, type OutboxItem } from "../db/schema.js";
import type { Logger } from "../log.js";
import { PermanentDeliveryError, type Completion, type Deliverer } from "../outbox/outbox.js";
import { pageDm } from "../slack/blocks/clock-messages.js";
import { announcementUnavailable, declaredReply, incidentAnnouncement, incidentCard, incidentTopic } from "../slack/blocks/incident-card.js";
import { SlackCallError, type SlackChannel, type SlackGateway, type SlackMessage } from "../slack/gateway.js";
import { appendTimeline, BOT_ACTOR } from "../timeline/append.js";
import { warRoomChannelName } from "./channel-name.js";
import { incidentByChannel, incidentById } from "./queries.js";

export const WarRoomDeliveries = {
  createChannel: "war_room.create_channel",
  inviteResponders: "war_room.invite_responders",
  tellDeclarer: "war_room.tell_declarer",
  setTopic: "war_room.set_topic",
  postCard: "war_room.post_card",
  pinCard: "war_room.pin_card",
  announce: "war_room.announce",
  // Changes during the incident; each item is keyed by the timeline entry that caused it.
  refreshCard: "war_room.refresh_card",
  refreshTopic: "war_room.refresh_topic",
  postLine: "war_room.post_line",
  share: "war_room.share",
  invite: "war_room.invite",
  directMessage: "war_room.direct_message",
  page: "war_room.page",
  archive: "war_room.archive",
  unarchive: "war_room.unarchive",
} as const;

const messagePayload = z.object({ message: z.object({ text: z.string(), blocks: z.array(z.unknown()).optional() }) });
const userPayload = z.object({ userId: z.string() });
const pagePayload = z.object({ userId: z.string(), level: z.number().int(), escalated: z.boolean() });

export interface WarRoomContext {
  db: Db;
  clock: Clock;
  gateway: SlackGateway;
  logger: Logger;
  botUserId: () => string | undefined;
  announcementChannel: string;
}

const MAX_NAME_ATTEMPTS = 20;
// A channel of ours that Slack reports as taken counts as this incident's only if it was created around the declare.
const ADOPTION_WINDOW_MS = 10 * 60_000;

export function warRoomDeliverers(ctx: WarRoomContext): Record<string, Deliverer> {
  const load = async (item: OutboxItem): Promise<Incident> => {
    const incident = item.incidentId ? await incidentById(ctx.db, item.teamId, item.incidentId) : undefined;
    if (!incident) throw new PermanentDeliveryError(`incident ${item.incidentId} not found`);
    return incident;
  };
  const requireChannel = (incident: Incident): string => {
    if (!incident.channelId) throw new PermanentDeliveryError(`incident #${incident.number} has no war-room channel`);
    return incident.channelId;
  };
  const record = (incident: Incident, type: string, text: string, data: Record<string, unknown> = {}) => (tx: Tx) =>
    appendTimeline(tx, {
      teamId: incident.teamId,
      incidentId: incident.id,
      type,
      actor: BOT_ACTOR,
      occurredAt: ctx.clock.now(),
      text,
      data,
    });
  const setIncident = (incident: Incident, values: Partial<Incident>) => (tx: Tx) =>
    tx
      .update(incidents)
      .set({ ...values, updatedAt: ctx.clock.now() })
      .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
  const both =
    (...steps: ((tx: Tx) => Promise<unknown>)[]): Completion =>
    async (tx) => {
      for (const step of steps) await step(tx);
    };

  /**
   * A retry after an ambiguous failure (timeout, crash) may find the channel it made last time
   * reported as taken: it is ours if the bot created it recently and no other incident holds it.
   */
  async function adoptIfOurs(incident: Incident, name: string): Promise<SlackChannel | undefined> {
    const channel = await ctx.gateway.findChannelByName(name);
    if (!channel || channel.is_archived || channel.creator !== ctx.botUserId()) return undefined;
    if ((channel.created ?? 0) * 1000 < incident.declaredAt.getTime() - ADOPTION_WINDOW_MS) return undefined;
    const holder = await incidentByChannel(ctx.db, incident.teamId, channel.id);
    return holder && holder.id !== incident.id ? undefined : channel;
  }

  async function createChannel(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (incident.channelId) return;
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = warRoomChannelName(incident.number, incident.title, attempt);
      let channel: SlackChannel | undefined;
      try {
        channel = await ctx.gateway.createChannel(name);
      } catch (error) {
        if (!(error instanceof SlackCallError && error.code === "name_taken")) throw error;
        channel = await adoptIfOurs(incident, name);
        if (!channel) continue;
      }
      return both(
        setIncident(incident, { channelId: channel.id, channelName: channel.name }),
        record(incident, "channel_created", `Opened the war room #${channel.name}`, { channelId: channel.id, name: channel.name }),
      );
    }
    throw new PermanentDeliveryError(`every channel name for incident #${incident.number} is taken`);
  }

  async function inviteResponders(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const channel = requireChannel(incident);
    const responders = [...new Set([incident.declaredBy, incident.commanderId])].filter((u) => u !== ctx.botUserId());
    const invited: string[] = [];
    for (const user of responders) {
      try {
        await ctx.gateway.inviteToChannel(channel, user);
        invited.push(user);
      } catch (error) {
        // A deactivated or unknown user must not hold up the rest of the war room.
        if (error instanceof SlackCallError && !error.retryable) {
          ctx.logger.warn({ incident: incident.number, user, error: error.code }, "could not invite responder");
          continue;
        }
        throw error;
      }
    }
    return record(incident, "responders_invited", `Invited ${invited.map((u) => `<@${u}>`).join(", ") || "nobody"}`, {
      users: invited,
    });
  }

  async function tellDeclarer(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const reply = declaredReply(incident);
    if (incident.declarerResponseUrl) {
      try {
        await ctx.gateway.respond(incident.declarerResponseUrl, reply);
      } catch (error) {
        // An expired response_url (30 minutes, e.g. after a long outage) falls back to a DM.
        if (!(error instanceof SlackCallError) || error.retryable) throw error;
        await ctx.gateway.postMessage(incident.declaredBy, reply, item.idempotencyKey);
      }
    } else {
      await ctx.gateway.postMessage(incident.declaredBy, reply, item.idempotencyKey);
    }
    return both(
      setIncident(incident, { declarerResponseUrl: null }),
      record(incident, "declarer_notified", `Sent <@${incident.declaredBy}> the link to the war room`),
    );
  }

  async function setTopic(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const topic = incidentTopic(incident);
    await ctx.gateway.setTopic(requireChannel(incident), topic);
    return record(incident, "topic_set", `Set the channel topic`, { topic });
  }

  /** Posts once: a retry first looks for the message an earlier, ambiguous attempt may have posted. */
  async function postOnce(item: OutboxItem, channel: string, message: Parameters<SlackGateway["postMessage"]>[1]) {
    if (item.attempts > 1) {
      const ts = await ctx.gateway.findDeliveredMessage(channel, item.idempotencyKey);
      if (ts) return { ts, channel };
    }
    return ctx.gateway.postMessage(channel, message, item.idempotencyKey);
  }

  async function postCard(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (incident.summaryTs) return;
    const posted = await postOnce(item, requireChannel(incident), incidentCard(incident));
    return both(
      setIncident(incident, { summaryTs: posted.ts }),
      record(incident, "card_posted", "Posted the incident card", { ts: posted.ts }),
    );
  }

  async function pinCard(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (!incident.summaryTs) throw new PermanentDeliveryError(`incident #${incident.number} has no card to pin`);
    await ctx.gateway.pin(requireChannel(incident), incident.summaryTs);
    return record(incident, "card_pinned", "Pinned the incident card", { ts: incident.summaryTs });
  }

  async function announce(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (incident.announcementTs) return;
    let posted: { ts: string; channel: string };
    try {
      const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannel);
      if (item.attempts > 1) await joinQuietly(channel);
      posted = await postOnce(item, channel, incidentAnnouncement(incident));
    } catch (error) {
      if (!(error instanceof SlackCallError) || error.retryable) throw error;
      return announcementImpossible(item, incident, error.code);
    }
    return both(
      setIncident(incident, { announcementChannelId: posted.channel, announcementTs: posted.ts }),
      record(incident, "announced", `Announced the incident in <#${posted.channel}>`, { channelId: posted.channel, ts: posted.ts }),
    );
  }

  /** A missing or archived announcement channel will not heal by retrying: say so in the war room instead. */
  async function announcementImpossible(item: OutboxItem, incident: Incident, code: string): Promise<Completion> {
    ctx.logger.warn({ incident: incident.number, channel: ctx.announcementChannel, error: code }, "could not announce the incident");
    await postOnce({ ...item, idempotencyKey: `${item.idempotencyKey}:unavailable` }, requireChannel(incident), announcementUnavailable(ctx.announcementChannel, code));
    return record(incident, "announcement_failed", `Could not announce the incident in ${ctx.announcementChannel} (${code})`, {
      channel: ctx.announcementChannel,
      error: code,
    });
  }

  // Reading history to avoid a duplicate needs membership; posting alone does not (chat:write.public).
  async function joinQuietly(channel: string): Promise<void> {
    try {
      await ctx.gateway.joinChannel(channel);
    } catch (error) {
      if (error instanceof SlackCallError && error.retryable) throw error;
    }
  }

  /** Slack answers that mean the step is already in the state we want, or can never be: either way, done. */
  async function unlessSettled(incident: Incident, step: string, work: () => Promise<unknown>, settled: string[]): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      if (error instanceof SlackCallError && !error.retryable && settled.includes(error.code)) {
        ctx.logger.info({ incident: incident.number, step, answer: error.code }, "war-room step already settled");
        return false;
      }
      throw error;
    }
  }

  async function refreshCard(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (!incident.summaryTs || !incident.channelId) return;
    await unlessSettled(incident, "refresh card", () => ctx.gateway.updateMessage(incident.channelId!, incident.summaryTs!, incidentCard(incident)), [
      "is_archived",
      "message_not_found",
      "channel_not_found",
    ]);
  }

  async function refreshTopic(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    if (!incident.channelId) return;
    await unlessSettled(incident, "refresh topic", () => ctx.gateway.setTopic(incident.channelId!, incidentTopic(incident)), ["is_archived", "channel_not_found"]);
  }

  async function postLine(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const { message } = messagePayload.parse(item.payload);
    await postOnce(item, requireChannel(incident), message as SlackMessage);
  }

  async function share(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const { message } = messagePayload.parse(item.payload);
    await unlessSettled(
      incident,
      "share in the announcement channel",
      async () => {
        const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannel);
        if (item.attempts > 1) await joinQuietly(channel);
        await postOnce(item, channel, message as SlackMessage);
      },
      ["channel_not_found", "is_archived", "not_in_channel"],
    );
  }

  async function invite(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const { userId } = userPayload.parse(item.payload);
    if (userId === ctx.botUserId()) return;
    await unlessSettled(incident, "invite", () => ctx.gateway.inviteToChannel(requireChannel(incident), userId), [
      "user_not_found",
      "user_is_restricted",
      "is_archived",
      "cant_invite",
    ]);
  }

  async function directMessage(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const { userId, message } = userPayload.merge(messagePayload).parse(item.payload);
    await unlessSettled(
      incident,
      "direct message",
      async () => postOnce(item, await ctx.gateway.openDirectMessage(userId), message as SlackMessage),
      ["user_not_found", "user_disabled", "cannot_dm_bot"],
    );
  }

  async function page(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    const { userId, level, escalated } = pagePayload.parse(item.payload);
    await unlessSettled(
      incident,
      "page",
      async () => postOnce(item, await ctx.gateway.openDirectMessage(userId), pageDm(incident, { level, users: [userId], groups: [] }, escalated)),
      ["user_not_found", "user_disabled", "cannot_dm_bot"],
    );
  }

  async function archive(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    await unlessSettled(incident, "archive", () => ctx.gateway.archiveChannel(requireChannel(incident)), ["already_archived"]);
  }

  async function unarchive(item: OutboxItem): Promise<Completion> {
    const incident = await load(item);
    await unlessSettled(incident, "unarchive", () => ctx.gateway.unarchiveChannel(requireChannel(incident)), ["not_archived"]);
  }

  return {
    [WarRoomDeliveries.refreshCard]: refreshCard,
    [WarRoomDeliveries.refreshTopic]: refreshTopic,
    [WarRoomDeliveries.postLine]: postLine,
    [WarRoomDeliveries.share]: share,
    [WarRoomDeliveries.invite]: invite,
    [WarRoomDeliveries.directMessage]: directMessage,
    [WarRoomDeliveries.page]: page,
    [WarRoomDeliveries.archive]: archive,
    [WarRoomDeliveries.unarchive]: unarchive,
    [WarRoomDeliveries.createChannel]: createChannel,
    [WarRoomDeliveries.inviteResponders]: inviteResponders,
    [WarRoomDeliveries.tellDeclarer]: tellDeclarer,
    [WarRoomDeliveries.setTopic]: setTopic,
    [WarRoomDeliveries.postCard]: postCard,
    [WarRoomDeliveries.pinCard]: pinCard,
    [WarRoomDeliveries.announce]: announce,
  };
}
