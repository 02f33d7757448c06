// Telling people about a fact: a line in the war room, a message in the announcement channel of the incident's
// severity. Both are drawn now, from the fact and the incident as it is, so a delayed delivery never shows stale state.
import type { OutboxItem } from "../../db/schema.js";
import { postmortemOf } from "../../postmortems/postmortems.js";
import { checklistOf } from "../../playbooks/checklist.js";
import { isPerson } from "../../timeline/actors.js";
import { recordSetupStep } from "../../incidents/war-room-setup.js";
import { timelineEntryById, timelineOf } from "../../timeline/append.js";
import { PermanentDeliveryError, type Completion, type Deliverer } from "../../outbox/outbox.js";
import { announcementMessage, peopleInReplayed, severityMoveAnnouncement, warRoomMessage, type FactContext } from "../blocks/fact-messages.js";
import type { PostedAs } from "../gateway.js";
import { executiveMessage } from "../blocks/comms-modals.js";
import { publicFace } from "../../status-page/page.js";
import { mentionUser } from "../blocks/text.js";
import { incidentOf, joinQuietly, postOnce, requireChannel, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

export function factDeliverers(ctx: SlackDeliveryContext) {
  async function factOf(item: OutboxItem): Promise<FactContext> {
    const incident = await incidentOf(ctx, item);
    const entry = await timelineEntryById(ctx.db, item.teamId, Number(item.payload.entryId));
    if (!entry || entry.incidentId !== incident.id) throw new PermanentDeliveryError(`fact ${String(item.payload.entryId)} of incident #${incident.number} not found`);
    const postmortem = entry.type.startsWith("postmortem_") ? await postmortemOf(ctx.db, incident) : undefined;
    const mentioned = peopleInReplayed(entry);
    const names = mentioned.length ? await ctx.gateway.namesOf(mentioned) : undefined;
    const isPublic = entry.type === "resolved" ? Boolean(await publicFace(ctx.db, incident.teamId, incident.id)) : undefined;
    const checklist = entry.type === "resolved" ? await checklistOf(ctx.db, incident.teamId, incident.id) : undefined;
    return { incident, entry, postmortem, names, isPublic, checklist };
  }

  /** A person's own words are posted under their name and picture; if Slack cannot say who they are, as the bot. */
  async function postedAs(userId: string): Promise<PostedAs | undefined> {
    const person = await ctx.gateway.lookupPerson(userId);
    return person.status === "unknown" ? undefined : { username: person.name, ...(person.status === "active" && person.imageUrl ? { iconUrl: person.imageUrl } : {}) };
  }

  const warRoomLine: Deliverer = async (item) => {
    const fact = await factOf(item);
    const message = warRoomMessage(fact);
    if (!message) return;
    const { asPerson, ...content } = message;
    const as = isPerson(asPerson) ? await postedAs(asPerson) : undefined;
    // Without a name to post under, the line says whose words they are.
    const said = asPerson && !as ? { ...content, text: `${mentionUser(asPerson)}: ${content.text}` } : content;
    await postOnce(ctx, item, requireChannel(fact.incident), said, as);
  };

  /** Told in the announcement channel of the incident's severity as it is now. */
  const announcementLine: Deliverer = async (item) => {
    const fact = await factOf(item);
    if (fact.entry.type === "severity_changed") return announceWhereTheSeverityGoes(item, fact);
    const message = announcementMessage(fact);
    if (!message) return;
    await unlessSettled(
      ctx,
      fact.incident,
      "share in the announcement channel",
      async () => {
        const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannels[fact.incident.severity]);
        if (item.uncertainSince) await joinQuietly(ctx, channel);
        await postOnce(ctx, item, channel, message);
      },
      ["channel_not_found", "is_archived", "not_in_channel"],
    );
  };

  /**
   * A severity with an announcement channel of its own (INCIDENTS_CHANNEL_SEV1): an incident raised into it is
   * announced there, once per channel, so whoever watches that channel sees every incident of its severity; later
   * news goes there too. Where the channel is the same, nothing is said (the war room has the line).
   */
  async function announceWhereTheSeverityGoes(item: OutboxItem, { incident, entry }: FactContext): Promise<Completion> {
    // Not announced at all (Slack would not take it): the war room was told why; a new channel does not change that.
    if (!incident.announcementTs) return;
    let posted: { ts: string; channel: string } | undefined;
    await unlessSettled(
      ctx,
      incident,
      "announce in the new severity's channel",
      async () => {
        const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannels[incident.severity]);
        if (await announcedIn(incident, channel)) return;
        if (item.uncertainSince) await joinQuietly(ctx, channel);
        posted = await postOnce(ctx, item, channel, severityMoveAnnouncement(incident, entry));
      },
      ["channel_not_found", "is_archived", "not_in_channel"],
    );
    if (!posted) return;
    const at = posted;
    return (tx) =>
      recordSetupStep(tx, ctx.clock, incident, {
        values: { announcementChannelId: at.channel, announcementTs: at.ts },
        fact: { type: "announced", data: { channelId: at.channel, ts: at.ts, severity: incident.severity } },
      });
  }

  async function announcedIn(incident: FactContext["incident"], channel: string): Promise<boolean> {
    if (incident.announcementChannelId === channel) return true;
    const entries = await timelineOf(ctx.db, incident.teamId, incident.id);
    return entries.some((e) => e.type === "announced" && (e.data as { channelId?: unknown }).channelId === channel);
  }

  /** The executive summary, in EXEC_CHANNEL; unset, in the announcement channel of the incident's severity. */
  const executiveLine: Deliverer = async (item) => {
    const { incident, entry } = await factOf(item);
    const d = entry.data as Record<string, unknown>;
    const text = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
    // A missing or archived exec channel is not settled quietly: the give-up tells the commander the summary did not arrive.
    const channel = await ctx.gateway.resolveChannelId(ctx.execChannel ?? ctx.announcementChannels[incident.severity]);
    if (item.uncertainSince) await joinQuietly(ctx, channel);
    await postOnce(ctx, item, channel, executiveMessage(incident, entry.actor, { impact: text("impact"), eta: text("eta"), asks: text("asks") }));
  };

  return { warRoomLine, announcementLine, executiveLine };
}
