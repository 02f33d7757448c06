// The checklist message in the war room: posted the first time (found by its delivery key if a post went unanswered),
// then edited in place from the checklist as it is now, at most once per settle window like the card.
import { checklistMessageOf, checklistOf, rememberChecklistMessage } from "../../playbooks/checklist.js";
import { DeliveryDeferred, type Deliverer } from "../../outbox/outbox.js";
import { checklistMessage } from "../blocks/checklist.js";
import { incidentOf, postOnce, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

const REMEMBERED = 10_000;

export function checklistDeliverers(ctx: SlackDeliveryContext) {
  const settleMs = ctx.refreshSettleMs ?? 1500;
  const lastRefresh = new Map<number, number>();

  const refreshChecklist: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    // A closed incident's war room is archived; its checklist stays on the timeline.
    if (!incident.channelId || incident.status === "closed") return;
    const tasks = await checklistOf(ctx.db, incident.teamId, incident.id);
    if (tasks.length === 0) return;
    const since = Date.now() - (lastRefresh.get(incident.id) ?? 0);
    if (since < settleMs) throw new DeliveryDeferred(settleMs - since);
    lastRefresh.delete(incident.id);
    if (lastRefresh.size >= REMEMBERED) lastRefresh.delete(lastRefresh.keys().next().value!);
    lastRefresh.set(incident.id, Date.now());
    const message = checklistMessage(incident, tasks);
    const shown = await checklistMessageOf(ctx.db, incident.teamId, incident.id);
    // A continued war room (a reopened closed incident) gets a checklist of its own.
    if (shown && shown.channelId === incident.channelId) {
      const edited = await unlessSettled(ctx, incident, "refresh checklist", () => ctx.gateway.updateMessage(shown.channelId, shown.ts, message), ["message_not_found"]);
      if (edited) return;
    }
    const posted = await postOnce(ctx, item, incident.channelId, message);
    return (tx) => rememberChecklistMessage(tx, incident.teamId, incident.id, { channelId: posted.channel, ts: posted.ts });
  };

  return { refreshChecklist };
}
