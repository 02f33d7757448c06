// Setting up an incident's war room in Slack, one idempotent step per outbox item: the channel, its people,
// the declarer's link, the topic, the pinned card and the announcement; and, for a reopened closed incident,
// a new channel that continues the archived one.
import { alertTally } from "../../alerts/tally.js";
import { checklistOf } from "../../playbooks/checklist.js";
import type { Incident, OutboxItem } from "../../db/schema.js";
import { warRoomChannelName } from "../../incidents/channel-name.js";
import { channelHolder } from "../../incidents/queries.js";
import { recordSetupStep, recordWarRoomContinued } from "../../incidents/war-room-setup.js";
import { isPerson } from "../../timeline/actors.js";
import { timelineEntryById } from "../../timeline/append.js";
import { PermanentDeliveryError, uncertaintyResolved, type Completion, type Deliverer, type DeliveryAttempt } from "../../outbox/outbox.js";
import { announcementUnavailable, continuationIntro, declaredReply, incidentAnnouncement, incidentCard, incidentTopic } from "../blocks/incident-card.js";
import { SlackCallError, type SlackChannel } from "../gateway.js";
import { markedIfDrill } from "../blocks/drill.js";
import { incidentOf, joinQuietly, postOnce, requireChannel, type SlackDeliveryContext } from "./delivery-context.js";

const MAX_NAME_ATTEMPTS = 20;
// Slack's clock and ours may disagree a little about when a channel was created.
const CLOCK_SKEW_MS = 60_000;

/** Written down before conversations.create, so a retry knows which taken name may be its own channel. */
interface ChannelTry {
  name: string;
  at: string;
}

/** How far the declarer's link got through the response_url: being sent (outcome unknown), or refused by Slack. */
type LinkProgress = "sending" | "refused" | null | undefined;

export function warRoomSetupDeliverers(ctx: SlackDeliveryContext) {
  const step = (incident: Incident, s: Parameters<typeof recordSetupStep>[3]): Completion => (tx) => recordSetupStep(tx, ctx.clock, incident, s);

  /**
   * A channel is this step's own only if an earlier attempt of this very step asked for its name and never heard
   * back (written down before asking), the bot created it no earlier than that, and no incident in any workspace
   * holds it. Anything else (a person's channel, another incident's war room, another team's incident with the
   * same number and title) is left alone: a taken name just means the next one is tried.
   */
  async function adoptIfOurs(incident: Incident, tried: ChannelTry): Promise<SlackChannel | undefined> {
    const channel = await ctx.gateway.findChannelByName(tried.name);
    if (!channel || channel.is_archived || channel.creator !== ctx.botUserId()) return undefined;
    if ((channel.created ?? 0) * 1000 < Date.parse(tried.at) - CLOCK_SKEW_MS) return undefined;
    const holder = await channelHolder(ctx.db, channel.id);
    if (holder && holder.id !== incident.id) {
      ctx.logger.warn({ incident: incident.number, channel: channel.id, holder: holder.number }, "a channel this step asked for belongs to another incident; trying the next name");
      return undefined;
    }
    return channel;
  }

  /**
   * Creates inc-<N>-<slug> (drill-<N>-<slug> for a drill), or the first free -2, -3, … (from `firstAttempt`). An earlier attempt that asked for a
   * channel and never heard back is looked for first: Slack may have made it.
   */
  async function openChannel(incident: Incident, item: OutboxItem, attempt: DeliveryAttempt, firstAttempt: number): Promise<SlackChannel> {
    const tried = item.progress.channelTry as ChannelTry | undefined;
    if (tried && item.uncertainSince) {
      const earlier = await adoptIfOurs(incident, tried);
      if (earlier) return earlier;
      uncertaintyResolved();
    }
    for (let n = firstAttempt; n < firstAttempt + MAX_NAME_ATTEMPTS; n++) {
      const name = warRoomChannelName(incident.number, incident.title, n, incident.isDrill);
      await attempt.remember({ channelTry: { name, at: ctx.clock.now().toISOString() } satisfies ChannelTry });
      try {
        return await ctx.gateway.createChannel(name);
      } catch (error) {
        if (!(error instanceof SlackCallError && error.code === "name_taken")) throw error;
      }
    }
    throw new PermanentDeliveryError(`every channel name for incident #${incident.number} is taken`);
  }

  const createChannel: Deliverer = async (item, attempt) => {
    const incident = await incidentOf(ctx, item);
    if (incident.channelId) return;
    const channel = await openChannel(incident, item, attempt, 1);
    return step(incident, {
      values: { channelId: channel.id, channelName: channel.name },
      fact: { type: "channel_created", data: { channelId: channel.id, name: channel.name } },
    });
  };

  /** The archived war room cannot be unarchived by a bot (conversations.unarchive refuses bot tokens): open its successor. */
  const continueWarRoom: Deliverer = async (item, attempt) => {
    const incident = await incidentOf(ctx, item);
    const previous = requireChannel(incident);
    // A retry after the new channel was made goes straight on to the introduction.
    const made = item.progress.channel as { id: string; name: string } | undefined;
    if (!made) {
      const info = await ctx.gateway.channelInfo(previous).catch(() => undefined);
      if (info && !info.is_archived) return; // Already continued (or never archived): nothing to do.
    }
    const channel = made ?? (await openChannel(incident, item, attempt, incident.previousChannelIds.length + 2));
    if (!made) await attempt.remember({ channel: { id: channel.id, name: channel.name } });
    const entryId = Number(item.payload.entryId);
    const reopenedBy = Number.isSafeInteger(entryId) ? (await timelineEntryById(ctx.db, item.teamId, entryId))?.actor : undefined;
    await postOnce(ctx, item, channel.id, continuationIntro(incident, previous, reopenedBy));
    return (tx) => recordWarRoomContinued(tx, ctx.clock, incident, channel, reopenedBy);
  };

  const inviteResponders: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const channel = requireChannel(incident);
    const people = [incident.declaredBy, incident.commanderId, incident.techLeadId, incident.commsLeadId, incident.scribeId, incident.acknowledgedBy];
    // An integration (an API token, an alert source) that declared or acknowledged is no one to invite.
    const responders = [...new Set(people.filter(isPerson))].filter((u) => u !== ctx.botUserId());
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

  /**
   * The declarer's link goes through the response_url at most once: Slack offers no way to read back what a
   * response_url showed, so a send whose outcome is unknown (lost answer, timeout, crash mid-send) is never
   * repeated. Missing it costs little: the declarer is invited to the war room and #incidents links it. Only a
   * response_url Slack certainly refused (expired after 30 minutes, used up) falls back to a DM, which is
   * checkable and so sent exactly once.
   */
  const tellDeclarer: Deliverer = async (item, attempt) => {
    const incident = await incidentOf(ctx, item);
    // Declared by an integration: an API token's HTTP answer was its link; an alert source has nobody to tell (declare
    // does not ask for this step then; a queued one is a no-op).
    if (!isPerson(incident.declaredBy)) return;
    const reply = markedIfDrill(incident, declaredReply(incident));
    const notified = (confirmed: boolean) =>
      step(incident, { values: { declarerResponseUrl: null }, fact: { type: "declarer_notified", data: { userId: incident.declaredBy, ...(confirmed ? {} : { confirmed: false }) } } });
    const link = item.progress.link as LinkProgress;
    if (incident.declarerResponseUrl && link !== "refused") {
      if (link === "sending") {
        ctx.logger.info({ incident: incident.number }, "the declarer's link may already have been shown; not sending it twice");
        return notified(false);
      }
      await attempt.remember({ link: "sending" });
      try {
        await ctx.gateway.respond(incident.declarerResponseUrl, reply);
        return notified(true);
      } catch (error) {
        if (!(error instanceof SlackCallError)) throw error;
        if (error.outcome !== "refused") return notified(false);
        if (error.retryable) {
          // Certainly not shown (rate-limited): the next attempt may send it.
          await attempt.remember({ link: null });
          throw error;
        }
        await attempt.remember({ link: "refused" });
      }
    }
    await postOnce(ctx, item, await ctx.gateway.openDirectMessage(incident.declaredBy), reply);
    return notified(true);
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
    const posted = await postOnce(ctx, item, requireChannel(incident), incidentCard(incident, await alertTally(ctx.db, incident.teamId, incident.id), await checklistOf(ctx.db, incident.teamId, incident.id)));
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
      const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannels[incident.severity]);
      if (item.uncertainSince) await joinQuietly(ctx, channel);
      posted = await postOnce(ctx, item, channel, incidentAnnouncement(incident));
    } catch (error) {
      if (!(error instanceof SlackCallError) || error.retryable) throw error;
      return announcementImpossible(item, incident, error.code);
    }
    return step(incident, {
      values: { announcementChannelId: posted.channel, announcementTs: posted.ts },
      fact: { type: "announced", data: { channelId: posted.channel, ts: posted.ts, severity: incident.severity } },
    });
  };

  /** A missing or archived announcement channel will not heal by retrying: say so in the war room instead. */
  async function announcementImpossible(item: OutboxItem, incident: Incident, code: string): Promise<Completion> {
    const channel = ctx.announcementChannels[incident.severity];
    ctx.logger.warn({ incident: incident.number, channel, error: code }, "could not announce the incident");
    await postOnce(ctx, { ...item, idempotencyKey: `${item.idempotencyKey}:unavailable` }, requireChannel(incident), announcementUnavailable(channel, code));
    return step(incident, { fact: { type: "announcement_failed", data: { channel, error: code } } });
  }

  return { createChannel, continueWarRoom, inviteResponders, tellDeclarer, setTopic, postCard, pinCard, announce };
}
