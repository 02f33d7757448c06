// Reads of action items, always scoped to their workspace.
import { and, asc, eq, inArray, lt } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { actionItems, incidents, type ActionItem } from "../db/schema.js";

export type ListedActionItem = ActionItem & { incidentNumber: number };

export async function listActionItems(
  db: DbOrTx,
  teamId: string,
  filter: { ownerId?: string; incidentId?: number; openOnly?: boolean; overdueOn?: string },
): Promise<ListedActionItem[]> {
  const open = inArray(actionItems.status, ["open", "in_progress"]);
  const rows = await db
    .select({ item: actionItems, incidentNumber: incidents.number })
    .from(actionItems)
    .innerJoin(incidents, and(eq(incidents.id, actionItems.incidentId), eq(incidents.teamId, actionItems.teamId)))
    .where(
      and(
        eq(actionItems.teamId, teamId),
        filter.ownerId ? eq(actionItems.ownerId, filter.ownerId) : undefined,
        filter.incidentId ? eq(actionItems.incidentId, filter.incidentId) : undefined,
        filter.openOnly || filter.overdueOn ? open : undefined,
        filter.overdueOn ? lt(actionItems.dueDate, filter.overdueOn) : undefined,
      ),
    )
    .orderBy(asc(actionItems.dueDate), asc(actionItems.id))
    .limit(200);
  return rows.map((r) => ({ ...r.item, incidentNumber: r.incidentNumber }));
}
