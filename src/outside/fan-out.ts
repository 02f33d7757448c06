// The world outside Slack: each fact the domain tells outside (Deliveries.tellOutside) is handed, when it is
// delivered, to every listening surface (PagerDuty, webhooks), which names its own deliveries in lanes of its own.
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import type { Incident, OutboxItem, TimelineEntry } from "../db/schema.js";
import { Deliveries } from "../incidents/deliveries.js";
import { incidentById } from "../incidents/queries.js";
import { enqueue, PermanentDeliveryError, type Completion, type DeliveryFailure, type DeliverySurface, type NewOutboxItem } from "../outbox/outbox.js";
import { timelineEntryById } from "../timeline/append.js";

/** A fact told outside, as the listeners see it: the stored fact and its incident as it is now. */
export interface ToldFact {
  entry: TimelineEntry;
  incident: Incident;
}

/** One delivery a listener wants for a fact; it becomes an outbox item of the listener's surface. */
export interface OutsideDelivery {
  kind: string;
  /** Tells this delivery apart from the listener's others for the same fact (e.g. the webhook endpoint). */
  key: string;
  /** Ordered per incident within the lane; a lane of its own keeps one receiver's trouble from holding up another. */
  lane: string;
  payload?: Record<string, unknown>;
}

export interface OutsideListener {
  name: string;
  /** What the fact means to this surface, decided now from its configuration; nothing when it does not care. */
  deliveriesFor(fact: ToldFact): OutsideDelivery[] | Promise<OutsideDelivery[]>;
}

/**
 * The surface that delivers Deliveries.tellOutside: it asks each listener what the fact means to it and enqueues
 * those deliveries in the transaction that finishes this one, so each is named exactly once.
 */
export function outsideSurface(ctx: { db: Db; clock: Clock; listeners: OutsideListener[] }): DeliverySurface {
  async function tellOutside(item: OutboxItem): Promise<Completion> {
    if (ctx.listeners.length === 0) return;
    const fact = await toldFact(ctx.db, item);
    // A drill's facts are not told outside (recordFact names no such delivery); one queued before that rule is dropped.
    if (fact.incident.isDrill) return;
    const items: NewOutboxItem[] = [];
    for (const listener of ctx.listeners) {
      for (const delivery of await listener.deliveriesFor(fact)) {
        items.push({
          teamId: item.teamId,
          incidentId: fact.incident.id,
          kind: delivery.kind,
          idempotencyKey: `${item.idempotencyKey}:${delivery.key}`,
          payload: { entryId: fact.entry.id, ...delivery.payload },
          lane: delivery.lane,
        });
      }
    }
    if (items.length === 0) return;
    return (tx: Tx) => enqueue(tx, ctx.clock, items);
  }

  return {
    name: "outside",
    deliverers: { [Deliveries.tellOutside]: tellOutside },
    // Only the database can fail here, and it comes back.
    classifyFailure: (error: unknown): DeliveryFailure => ({ retryable: true, message: error instanceof Error ? error.message : String(error) }),
  };
}

/** The fact an outside delivery is about and its incident now; gone for good means there is nothing to tell. */
export async function toldFact(db: Db, item: OutboxItem): Promise<ToldFact> {
  const incident = item.incidentId ? await incidentById(db, item.teamId, item.incidentId) : undefined;
  if (!incident) throw new PermanentDeliveryError(`incident ${item.incidentId} not found`);
  const entry = await timelineEntryById(db, item.teamId, Number(item.payload.entryId));
  if (!entry || entry.incidentId !== incident.id) throw new PermanentDeliveryError(`fact ${String(item.payload.entryId)} of incident #${incident.number} not found`);
  return { entry, incident };
}
