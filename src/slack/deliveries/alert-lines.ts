// Telling the war room about its alerts: one message for every alert fact it has not been told about yet, so a
// burst of alerts (or a backlog behind Slack's limits) reads as one line, at most once per settle window.
import { alertLinesTold, alertTally, untoldAlertFacts } from "../../alerts/tally.js";
import type { Tx } from "../../db/client.js";
import { deliveriesFor } from "../../incidents/deliveries.js";
import { DeliveryDeferred, enqueue, type Deliverer } from "../../outbox/outbox.js";
import { alertLinesMessage } from "../blocks/alert-messages.js";
import { incidentOf, postOnce, type SlackDeliveryContext } from "./delivery-context.js";

const REMEMBERED = 10_000;

export function alertLineDeliverers(ctx: SlackDeliveryContext) {
  const settleMs = ctx.alertLinesSettleMs ?? 3000;
  const lastLine = new Map<number, number>();

  const alertLines: Deliverer = async (item, attempt) => {
    const incident = await incidentOf(ctx, item);
    // A closed incident's war room is archived; its alerts are on the timeline.
    if (!incident.channelId || incident.status === "closed") return;
    // A retry that may already have posted says exactly what it said then (the post is found by its key).
    const remembered = item.uncertainSince && typeof item.progress.through === "number" ? item.progress.through : undefined;
    const facts = await untoldAlertFacts(ctx.db, incident, remembered);
    if (facts.length === 0) return;
    if (remembered === undefined) {
      // Leading edge at once; what arrives within the window after it waits, and is told together.
      const since = Date.now() - (lastLine.get(incident.id) ?? 0);
      if (since < settleMs) throw new DeliveryDeferred(settleMs - since);
    }
    const through = facts.at(-1)!.id;
    const message = alertLinesMessage(facts, await alertTally(ctx.db, incident.teamId, incident.id));
    await attempt.remember({ through });
    if (message) await postOnce(ctx, item, incident.channelId, message);
    lastLine.delete(incident.id);
    if (lastLine.size >= REMEMBERED) lastLine.delete(lastLine.keys().next().value!);
    lastLine.set(incident.id, Date.now());
    return async (tx: Tx) => {
      await alertLinesTold(tx, incident, through);
      // Facts after what a retried line said get a line of their own.
      if (remembered !== undefined) await enqueue(tx, ctx.clock, deliveriesFor(incident, { key: `alert-lines:${incident.id}:after:${through}` }, [{ kind: "alert_lines" }]));
    };
  };

  return { alertLines };
}
