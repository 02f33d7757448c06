// Telling people about a fact: a line in the war room, a message in the announcement channel. Both are drawn
// now, from the fact and the incident as it is, so a delayed delivery never shows stale state.
import type { OutboxItem } from "../../db/schema.js";
import { postmortemOf } from "../../postmortems/postmortems.js";
import { isPerson } from "../../timeline/actors.js";
import { timelineEntryById } from "../../timeline/append.js";
import { PermanentDeliveryError, type Deliverer } from "../../outbox/outbox.js";
import { announcementMessage, warRoomMessage, type FactContext } from "../blocks/fact-messages.js";
import type { PostedAs } from "../gateway.js";
import { mentionUser } from "../blocks/text.js";
import { incidentOf, joinQuietly, postOnce, requireChannel, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

export function factDeliverers(ctx: SlackDeliveryContext) {
  async function factOf(item: OutboxItem): Promise<FactContext> {
    const incident = await incidentOf(ctx, item);
    const entry = await timelineEntryById(ctx.db, item.teamId, Number(item.payload.entryId));
    if (!entry || entry.incidentId !== incident.id) throw new PermanentDeliveryError(`fact ${String(item.payload.entryId)} of incident #${incident.number} not found`);
    const postmortem = entry.type.startsWith("postmortem_") ? await postmortemOf(ctx.db, incident) : undefined;
    return { incident, entry, postmortem };
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

  const announcementLine: Deliverer = async (item) => {
    const fact = await factOf(item);
    const message = announcementMessage(fact);
    if (!message) return;
    await unlessSettled(
      ctx,
      fact.incident,
      "share in the announcement channel",
      async () => {
        const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannel);
        if (item.uncertainSince) await joinQuietly(ctx, channel);
        await postOnce(ctx, item, channel, message);
      },
      ["channel_not_found", "is_archived", "not_in_channel"],
    );
  };

  return { warRoomLine, announcementLine };
}
