// The Slack side effects of a change, as outbox items keyed by the timeline entry that caused them,
// so each happens once however often the change is retried.
import type { Incident, TimelineEntry } from "../db/schema.js";
import type { NewOutboxItem } from "../outbox/outbox.js";
import type { SlackMessage } from "../slack/gateway.js";
import { WarRoomDeliveries } from "./war-room-deliveries.js";

export type Effect =
  | { kind: "card" }
  | { kind: "topic" }
  | { kind: "line"; message: SlackMessage }
  | { kind: "share"; message: SlackMessage }
  | { kind: "invite"; userId: string }
  | { kind: "dm"; userId: string; message: SlackMessage }
  /** A page: the DM is drawn when it is delivered, so it links the war room even if that is still being created. */
  | { kind: "page"; userId: string; level: number; escalated: boolean }
  | { kind: "archive" }
  | { kind: "unarchive" };

const deliveryOf: Record<Effect["kind"], string> = {
  card: WarRoomDeliveries.refreshCard,
  topic: WarRoomDeliveries.refreshTopic,
  line: WarRoomDeliveries.postLine,
  share: WarRoomDeliveries.share,
  invite: WarRoomDeliveries.invite,
  dm: WarRoomDeliveries.directMessage,
  page: WarRoomDeliveries.page,
  archive: WarRoomDeliveries.archive,
  unarchive: WarRoomDeliveries.unarchive,
};

export function outboxItemsFor(incident: Incident, entry: TimelineEntry, effects: Effect[]): NewOutboxItem[] {
  return effects.map((effect, i) => {
    const { kind, ...payload } = effect;
    return {
      teamId: incident.teamId,
      incidentId: incident.id,
      kind: deliveryOf[kind],
      idempotencyKey: `entry:${entry.id}:${i}:${kind}`,
      payload,
    };
  });
}
