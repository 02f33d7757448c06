// The Slack surface's deliveries: each outbox kind the domain names, delivered to Slack; and what happens when
// a delivery of any surface gives up for good (the commander and the war room are told, never silence).
import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { incidents, type OutboxItem } from "../../db/schema.js";
import { HomeDeliveries } from "../../home/refresh.js";
import { Deliveries } from "../../incidents/deliveries.js";
import { recordDeliveryFailed } from "../../incidents/war-room-setup.js";
import { timelineEntryById, timelineOf } from "../../timeline/append.js";
import type { DeliveryFailure, Deliverer } from "../../outbox/outbox.js";
import type { SlackDeliveryContext } from "./delivery-context.js";
import { alertLineDeliverers } from "./alert-lines.js";
import { checklistDeliverers } from "./checklist.js";
import { factDeliverers } from "./facts.js";
import { homeDeliverers } from "./home.js";
import { legacyDeliverers } from "./legacy.js";
import { liveViewDeliverers } from "./live-views.js";
import { peopleDeliverers } from "./people.js";
import { threadImportDeliverer } from "./thread-import.js";
import { warRoomSetupDeliverers } from "./war-room-setup.js";
import { weeklyReportDeliverer } from "./weekly-report.js";
import { WEEKLY_REPORT_DELIVERY } from "../../metrics/weekly-report.js";

export type { SlackDeliveryContext };

export function slackDeliverers(ctx: SlackDeliveryContext): Record<string, Deliverer> {
  const setup = warRoomSetupDeliverers(ctx);
  const facts = factDeliverers(ctx);
  const views = liveViewDeliverers(ctx);
  const people = peopleDeliverers(ctx);
  return {
    [Deliveries.createChannel]: setup.createChannel,
    [Deliveries.inviteResponders]: setup.inviteResponders,
    [Deliveries.tellDeclarer]: setup.tellDeclarer,
    [Deliveries.setTopic]: setup.setTopic,
    [Deliveries.postCard]: setup.postCard,
    [Deliveries.pinCard]: setup.pinCard,
    [Deliveries.announce]: setup.announce,
    [Deliveries.continueWarRoom]: setup.continueWarRoom,
    [Deliveries.refreshCard]: views.refreshCard,
    [Deliveries.refreshTopic]: views.refreshTopic,
    [Deliveries.refreshChecklist]: checklistDeliverers(ctx).refreshChecklist,
    [Deliveries.archive]: views.archive,
    [Deliveries.warRoomLine]: facts.warRoomLine,
    [Deliveries.alertLines]: alertLineDeliverers(ctx).alertLines,
    [Deliveries.announcementLine]: facts.announcementLine,
    [Deliveries.executiveLine]: facts.executiveLine,
    [Deliveries.invite]: people.invite,
    [Deliveries.directMessage]: people.directMessage,
    [Deliveries.importThread]: threadImportDeliverer(ctx),
    [HomeDeliveries.refresh]: homeDeliverers(ctx).refreshHome,
    [WEEKLY_REPORT_DELIVERY]: weeklyReportDeliverer(ctx),
    ...legacyDeliverers(ctx, people.directMessage),
  };
}

/** Steps whose failure means the war room itself cannot be relied on to hear about it. */
const warRoomSteps = new Set<string>([Deliveries.createChannel, Deliveries.continueWarRoom, Deliveries.warRoomLine, Deliveries.archive]);

/** The steps that open a war room, and the steps that need one. */
const warRoomOpeners = new Set<string>([Deliveries.createChannel, Deliveries.continueWarRoom]);
const needsTheWarRoom = new Set<string>([
  Deliveries.inviteResponders,
  Deliveries.alertLines,
  Deliveries.setTopic,
  Deliveries.postCard,
  Deliveries.pinCard,
  Deliveries.refreshCard,
  Deliveries.refreshTopic,
  Deliveries.refreshChecklist,
  Deliveries.warRoomLine,
  Deliveries.invite,
  Deliveries.archive,
]);

/** True while the incident's last word on its war room is that Slack would not open it (already reported). */
async function warRoomNeverOpened(tx: Tx, item: OutboxItem): Promise<boolean> {
  if (!needsTheWarRoom.has(item.kind)) return false;
  return warRoomRefused(tx, item);
}

async function warRoomRefused(tx: Tx, item: OutboxItem): Promise<boolean> {
  const rooms = (await timelineOf(tx, item.teamId, item.incidentId!)).filter(
    (e) => e.type === "channel_created" || e.type === "war_room_continued" || (e.type === "delivery_failed" && warRoomOpeners.has(String((e.data as { kind?: unknown }).kind))),
  );
  return rooms.at(-1)?.type === "delivery_failed";
}

/**
 * A delivery that gave up is recorded on its incident's timeline, the commander gets a DM, and the war room (or,
 * when the war room is what failed, the announcement channel) is told, once per cause: while Slack would not
 * open the war room, the steps that need it are not reported again. A failed report is only logged.
 */
export function reportGiveUp(ctx: SlackDeliveryContext) {
  const slackKinds = new Set(Object.keys(slackDeliverers(ctx)));
  return async (tx: Tx, item: OutboxItem, failure: DeliveryFailure): Promise<void> => {
    if (!item.incidentId) return;
    const about = item.payload.about as { kind?: string } | undefined;
    if (item.kind === Deliveries.directMessage && about?.kind === "delivery_failed") return;
    const entryId = Number(item.payload.entryId);
    if (Number.isSafeInteger(entryId) && (await timelineEntryById(tx, item.teamId, entryId))?.type === "delivery_failed") return;
    if (await warRoomNeverOpened(tx, item)) {
      ctx.logger.info({ incident: item.incidentId, kind: item.kind }, "not reporting a step whose war room could not be opened (already reported)");
      return;
    }
    const [incident] = await tx.select().from(incidents).where(and(eq(incidents.teamId, item.teamId), eq(incidents.id, item.incidentId)));
    if (!incident) return;
    // Another surface (PagerDuty, a webhook) may give up before Slack has made the war room: its line waits for the
    // room in Slack's lane, unless Slack would not make it.
    const roomComing = !incident.channelId && !slackKinds.has(item.kind) && !(await warRoomRefused(tx, item));
    const warRoomUsable = (Boolean(incident.channelId) || roomComing) && incident.status !== "closed" && !warRoomSteps.has(item.kind);
    await recordDeliveryFailed(tx, ctx.clock, incident, { kind: item.kind, error: failure.message.replace(/^[\w.]+: /, ""), attempts: item.attempts }, warRoomUsable);
  };
}
