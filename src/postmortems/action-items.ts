// Reads of action items, always scoped to their workspace.
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { actionItems, incidents, type ActionItem } from "../db/schema.js";

export type ListedActionItem = ActionItem & { incidentNumber: number };

interface ActionItemFilter {
  ownerId?: string;
  incidentId?: number;
  openOnly?: boolean;
  overdueOn?: string;
}

function matching(teamId: string, filter: ActionItemFilter) {
  return and(
    eq(actionItems.teamId, teamId),
    filter.ownerId ? eq(actionItems.ownerId, filter.ownerId) : undefined,
    filter.incidentId ? eq(actionItems.incidentId, filter.incidentId) : undefined,
    filter.openOnly || filter.overdueOn ? inArray(actionItems.status, ["open", "in_progress"]) : undefined,
    filter.overdueOn ? lt(actionItems.dueDate, filter.overdueOn) : undefined,
  );
}

export async function listActionItems(
  db: DbOrTx,
  teamId: string,
  filter: ActionItemFilter,
  limit = 200,
): Promise<ListedActionItem[]> {
  const rows = await db
    .select({ item: actionItems, incidentNumber: incidents.number })
    .from(actionItems)
    .innerJoin(incidents, and(eq(incidents.id, actionItems.incidentId), eq(incidents.teamId, actionItems.teamId)))
    .where(matching(teamId, filter))
    .orderBy(asc(actionItems.dueDate), asc(actionItems.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.item, incidentNumber: r.incidentNumber }));
}

/** How many items match, however many a list shows ("and 34 more"). */
export async function countActionItems(db: DbOrTx, teamId: string, filter: ActionItemFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(actionItems).where(matching(teamId, filter));
  return row?.n ?? 0;
}
