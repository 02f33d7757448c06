// Reaching one person: an invitation to the war room, or a direct message (the one way the bot DMs anybody),
// worded when it is delivered. A reminder about something already done is not sent.
import { and, eq, inArray, lt } from "drizzle-orm";
import type { ActionItem, Incident, OutboxItem } from "../../db/schema.js";
import { actionItems, incidents } from "../../db/schema.js";
import type { DmSubject } from "../../incidents/deliveries.js";
import type { Role } from "../../incidents/roles.js";
import { postmortemOf } from "../../postmortems/postmortems.js";
import { timelineEntryById } from "../../timeline/append.js";
import type { Deliverer } from "../../outbox/outbox.js";
import {
  actionItemDm,
  deliveryFailedDm,
  overdueActionItemDm,
  overdueDigestDm,
  pageDm,
  postmortemDraftStaleDm,
  postmortemNotDraftedDm,
  postmortemReviewDm,
  roleAssignedDm,
} from "../blocks/direct-messages.js";
import { deliveryFailedHeadline, deliveryFailedText } from "../blocks/fact-messages.js";
import type { SlackMessage } from "../gateway.js";
import { incidentOf, postOnce, requireChannel, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

const open = (item: ActionItem) => item.status === "open" || item.status === "in_progress";

export function peopleDeliverers(ctx: SlackDeliveryContext) {
  const invite: Deliverer = async (item) => {
    const incident = await incidentOf(ctx, item);
    const userId = String(item.payload.userId ?? "");
    if (!userId || userId === ctx.botUserId()) return;
    await unlessSettled(ctx, incident, "invite", () => ctx.gateway.inviteToChannel(requireChannel(incident), userId), ["user_not_found", "user_is_restricted", "is_archived", "cant_invite"]);
  };

  const actionItem = async (teamId: string, id: number) => (await ctx.db.select().from(actionItems).where(and(eq(actionItems.teamId, teamId), eq(actionItems.id, id))))[0];

  async function overdueRows(teamId: string, commanderId: string, day: string) {
    return ctx.db
      .select({ item: actionItems, incident: { number: incidents.number } })
      .from(actionItems)
      .innerJoin(incidents, and(eq(incidents.id, actionItems.incidentId), eq(incidents.teamId, actionItems.teamId)))
      .where(and(eq(actionItems.teamId, teamId), eq(incidents.commanderId, commanderId), inArray(actionItems.status, ["open", "in_progress"]), lt(actionItems.dueDate, day)));
  }

  /** The DM for its subject, or undefined when what it was about no longer needs saying. */
  async function wordDm(item: OutboxItem, userId: string, about: DmSubject): Promise<SlackMessage | undefined> {
    if (about.kind === "overdue_digest") {
      const rows = await overdueRows(item.teamId, userId, about.day);
      return rows.length ? overdueDigestDm(rows) : undefined;
    }
    const incident: Incident = await incidentOf(ctx, item);
    const entryId = Number(item.payload.entryId);
    const entry = Number.isSafeInteger(entryId) ? await timelineEntryById(ctx.db, item.teamId, entryId) : undefined;
    const data = (entry?.data ?? {}) as Record<string, unknown>;
    switch (about.kind) {
      case "role_assigned":
        return entry ? roleAssignedDm(incident, data.role as Role, entry.actor) : undefined;
      case "paged": {
        // Pages queued before facts named their level carry it themselves.
        const level = Number(data.level ?? item.payload.level ?? 1);
        const escalated = entry ? entry.type === "escalated" : Boolean(item.payload.escalated);
        return pageDm(incident, level, escalated, entry && data.byHand ? entry.actor : undefined);
      }
      case "action_item": {
        const found = await actionItem(item.teamId, about.itemId);
        return found ? actionItemDm(incident, found, entry?.actor ?? found.createdBy, about.ownerDeactivated) : undefined;
      }
      case "action_item_overdue": {
        const found = await actionItem(item.teamId, about.itemId);
        return found && open(found) ? overdueActionItemDm(incident, found) : undefined;
      }
      case "postmortem_not_drafted":
        return (await postmortemOf(ctx.db, incident)).status === "not_started" ? postmortemNotDraftedDm(incident, ctx.clock.now()) : undefined;
      case "postmortem_stale_draft":
        return (await postmortemOf(ctx.db, incident)).status === "draft" ? postmortemDraftStaleDm(incident) : undefined;
      case "postmortem_review":
        return (await postmortemOf(ctx.db, incident)).status === "in_review" ? postmortemReviewDm(incident, entry?.actor ?? incident.commanderId) : undefined;
      case "delivery_failed":
        return deliveryFailedDm(incident, deliveryFailedText(incident, { kind: about.what, error: about.error }), deliveryFailedHeadline(incident, about.what));
    }
  }

  const directMessage: Deliverer = async (item) => {
    const userId = String(item.payload.userId ?? "");
    const about = item.payload.about as DmSubject | undefined;
    if (!userId || !about) return;
    const message = await wordDm(item, userId, about);
    if (!message) return;
    await unlessSettled(
      ctx,
      { number: 0 },
      "direct message",
      async () => postOnce(ctx, item, await ctx.gateway.openDirectMessage(userId), message),
      ["user_not_found", "user_disabled", "cannot_dm_bot"],
    );
  };

  return { invite, directMessage };
}
