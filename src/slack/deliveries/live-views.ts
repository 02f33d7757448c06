// The incident's live views in its war room: the pinned card and the topic, refreshed from the incident as it is
// now, at most once per settle window and once more after a burst quiets down (a burst of changes ends in one or
// two edits, not one per change); and the last refresh before the channel is archived.
import { alertTally } from "../../alerts/tally.js";
import { checklistOf } from "../../playbooks/checklist.js";
import type { Incident } from "../../db/schema.js";
import { DeliveryDeferred, type Deliverer } from "../../outbox/outbox.js";
import { incidentCard, incidentTopic } from "../blocks/incident-card.js";
import { markedIfDrill } from "../blocks/drill.js";
import { incidentOf, requireChannel, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

const REMEMBERED = 10_000;
/** How long after an edit a burst of changes may hold up the next one, waiting for the incident to be quiet. */
const BURST_MAX_MS = 8000;

export function liveViewDeliverers(ctx: SlackDeliveryContext) {
  const settleMs = ctx.refreshSettleMs ?? 1500;
  const lastRefresh = new Map<string, number>();
  // The topic Slack shows, by channel: an unchanged topic is not set again (each change posts a system message).
  const topicShown = new Map<string, string>();

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    if (map.size >= REMEMBERED) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  /**
   * Leading edge at once; anything within the window after it waits for the window's end, where it coalesces. If
   * the incident is still changing then (a burst: ten quick status and role edits), it waits until the incident
   * has been quiet for a window, at most BURST_MAX_MS after the last edit, so a burst ends in one more edit.
   */
  function paced(key: string, incident: Incident): void {
    const since = Date.now() - (lastRefresh.get(key) ?? 0);
    if (since < settleMs) throw new DeliveryDeferred(settleMs - since);
    const quietFor = ctx.clock.now().getTime() - incident.updatedAt.getTime();
    const burstLeft = settleMs + BURST_MAX_MS - since;
    if (quietFor < settleMs && burstLeft > 0) throw new DeliveryDeferred(Math.min(settleMs - quietFor, burstLeft));
    remember(lastRefresh, key, Date.now());
  }

  const updateCard = async (incident: Incident) => {
    const card = markedIfDrill(incident, incidentCard(incident, await alertTally(ctx.db, incident.teamId, incident.id), await checklistOf(ctx.db, incident.teamId, incident.id)));
    return unlessSettled(ctx, incident, "refresh card", () => ctx.gateway.updateMessage(incident.channelId!, incident.summaryTs!, card), [
      "is_archived",
      "message_not_found",
      "channel_not_found",
    ]);
  };

  async function updateTopic(incident: Incident): Promise<void> {
    const topic = incidentTopic(incident);
    if (topicShown.get(incident.channelId!) === topic) return;
    const set = await unlessSettled(ctx, incident, "refresh topic", () => ctx.gateway.setTopic(incident.channelId!, topic), ["is_archived", "channel_not_found"]);
    if (set) remember(topicShown, incident.channelId!, topic);
  }

  const refreshCard: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (!incident.summaryTs || !incident.channelId) return;
    paced(`card:${incident.id}`, incident);
    await updateCard(incident);
  };

  const refreshTopic: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    if (!incident.channelId) return;
    paced(`topic:${incident.id}`, incident);
    await updateTopic(incident);
  };

  /** Closing: the card and topic show the end, then the channel is archived (kept, never deleted). */
  const archive: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const channel = requireChannel(incident);
    if (incident.summaryTs) await updateCard(incident);
    await updateTopic(incident);
    await unlessSettled(ctx, incident, "archive", () => ctx.gateway.archiveChannel(channel), ["already_archived"]);
  };

  return { refreshCard, refreshTopic, archive };
}
