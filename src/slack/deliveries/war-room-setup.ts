// Setting up an incident's war room in Slack, one idempotent step per outbox item: the channel, its people,
// the declarer's link, the topic, the pinned card and the announcement; and, for a reopened closed incident,
// a new channel that continues the archived one.
import type { Incident, OutboxItem } from "../../db/schema.js";
import { warRoomChannelName } from "../../incidents/channel-name.js";
import { incidentByChannel } from "../../incidents/queries.js";
import { recordSetupStep, recordWarRoomContinued } from "../../incidents/war-room-setup.js";
import { timelineEntryById } from "../../timeline/append.js";
import { PermanentDeliveryError, type Completion, type Deliverer } from "../../outbox/outbox.js";
import { announcementUnavailable, continuationIntro, declaredReply, incidentAnnouncement, incidentCard, incidentTopic } from "../blocks/incident-card.js";
import { SlackCallError, type SlackChannel } from "../gateway.js";
import { incidentOf, joinQuietly, postOnce, requireChannel, type SlackDeliveryContext } from "./delivery-context.js";

const MAX_NAME_ATTEMPTS = 20;
// A channel of ours that Slack reports as taken counts as this step's only if it was created around the time the step was asked for.
const ADOPTION_WINDOW_MS = 10 * 60_000;

export function warRoomSetupDeliverers(ctx: SlackDeliveryContext) {
  const step = (incident: Incident, s: Parameters<typeof recordSetupStep>[3]): Completion => (tx) => recordSetupStep(tx, ctx.clock, incident, s);

  /**
   * A retry after an ambiguous failure (timeout, crash) may find the channel it made last time reported as
   * taken: it is ours if the bot created it around the time this step was asked for and no incident holds it.
   */
  async function adoptIfOurs(incident: Incident, item: OutboxItem, name: string): Promise<SlackChannel | undefined> {
    const channel = await ctx.gateway.findChannelByName(name);
    if (!channel || channel.is_archived || channel.creator !== ctx.botUserId()) return undefined;
    if (Math.abs((channel.created ?? 0) * 1000 - item.createdAt.getTime()) > ADOPTION_WINDOW_MS) return undefined;
    const holder = await incidentByChannel(ctx.db, incident.teamId, channel.id);
    return holder && holder.id !== incident.id ? undefined : channel;
  }

  /** Creates inc-<N>-<slug>, or the first free -2, -3, … (from `firstAttempt`). */
  async function openChannel(incident: Incident, item: OutboxItem, firstAttempt: number): Promise<SlackChannel> {
    for (let attempt = firstAttempt; attempt < firstAttempt + MAX_NAME_ATTEMPTS; attempt++) {
      const name = warRoomChannelName(incident.number, incident.title, attempt);
      try {
        return await ctx.gateway.createChannel(name);
      } catch (error) {
        if (!(error instanceof SlackCallError && error.code === "name_taken")) throw error;
        const adopted = await adoptIfOurs(incident, item, name);
        if (adopted) return adopted;
      }
    }
    throw new PermanentDeliveryError(`every channel name for incident #${incident.number} is taken`);
  }

  const createChannel: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (incident.channelId) return;
    const channel = await openChannel(incident, item, 1);
    return step(incident, {
      values: { channelId: channel.id, channelName: channel.name },
      fact: { type: "channel_created", data: { channelId: channel.id, name: channel.name } },
    });
  };

  /** The archived war room cannot be unarchived by a bot (conversations.unarchive refuses bot tokens): open its successor. */
  const continueWarRoom: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const previous = requireChannel(incident);
    const info = await ctx.gateway.channelInfo(previous).catch(() => undefined);
    if (info && !info.is_archived) return; // Already continued (or never archived): nothing to do.
    const channel = await openChannel(incident, item, incident.previousChannelIds.length + 2);
    const entryId = Number(item.payload.entryId);
    const reopenedBy = Number.isSafeInteger(entryId) ? (await timelineEntryById(ctx.db, item.teamId, entryId))?.actor : undefined;
    await postOnce(ctx, item, channel.id, continuationIntro(incident, previous, reopenedBy));
    return (tx) => recordWarRoomContinued(tx, ctx.clock, incident, channel, reopenedBy);
  };

  const inviteResponders: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const channel = requireChannel(incident);
    const people = [incident.declaredBy, incident.commanderId, incident.techLeadId, incident.commsLeadId, incident.scribeId, incident.acknowledgedBy];
    const responders = [...new Set(people.filter((u): u is string => Boolean(u)))].filter((u) => u !== ctx.botUserId());
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
    return step(incident, { fact: { type: "responders_invited", data: { users: invited, channelId: channel } } });
  };

  const tellDeclarer: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const reply = declaredReply(incident);
    if (incident.declarerResponseUrl) {
      try {
        await ctx.gateway.respond(incident.declarerResponseUrl, reply);
      } catch (error) {
        // An expired response_url (30 minutes, e.g. after a long outage) falls back to a DM.
        if (!(error instanceof SlackCallError) || error.retryable) throw error;
        await postOnce(ctx, item, await ctx.gateway.openDirectMessage(incident.declaredBy), reply);
      }
    } else {
      await postOnce(ctx, item, await ctx.gateway.openDirectMessage(incident.declaredBy), reply);
    }
    return step(incident, { values: { declarerResponseUrl: null }, fact: { type: "declarer_notified", data: { userId: incident.declaredBy } } });
  };

  const setTopic: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const topic = incidentTopic(incident);
    await ctx.gateway.setTopic(requireChannel(incident), topic);
    return step(incident, { fact: { type: "topic_set", data: { topic } } });
  };

  const postCard: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (incident.summaryTs) return;
    const posted = await postOnce(ctx, item, requireChannel(incident), incidentCard(incident));
    return step(incident, { values: { summaryTs: posted.ts }, fact: { type: "card_posted", data: { ts: posted.ts } } });
  };

  const pinCard: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (!incident.summaryTs) throw new PermanentDeliveryError(`incident #${incident.number} has no card to pin`);
    await ctx.gateway.pin(requireChannel(incident), incident.summaryTs);
    return step(incident, { fact: { type: "card_pinned", data: { ts: incident.summaryTs } } });
  };

  const announce: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (incident.announcementTs) return;
    let posted: { ts: string; channel: string };
    try {
      const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannel);
      if (item.attempts > 1) await joinQuietly(ctx, channel);
      posted = await postOnce(ctx, item, channel, incidentAnnouncement(incident));
    } catch (error) {
      if (!(error instanceof SlackCallError) || error.retryable) throw error;
      return announcementImpossible(item, incident, error.code);
    }
    return step(incident, {
      values: { announcementChannelId: posted.channel, announcementTs: posted.ts },
      fact: { type: "announced", data: { channelId: posted.channel, ts: posted.ts } },
    });
  };

  /** A missing or archived announcement channel will not heal by retrying: say so in the war room instead. */
  async function announcementImpossible(item: OutboxItem, incident: Incident, code: string): Promise<Completion> {
    ctx.logger.warn({ incident: incident.number, channel: ctx.announcementChannel, error: code }, "could not announce the incident");
    await postOnce(ctx, { ...item, idempotencyKey: `${item.idempotencyKey}:unavailable` }, requireChannel(incident), announcementUnavailable(ctx.announcementChannel, code));
    return step(incident, { fact: { type: "announcement_failed", data: { channel: ctx.announcementChannel, error: code } } });
  }

  return { createChannel, continueWarRoom, inviteResponders, tellDeclarer, setTopic, postCard, pinCard, announce };
}
