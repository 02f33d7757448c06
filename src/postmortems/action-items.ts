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

/** The first `limit` matching items and how many match in all ("and 34 more"), in one query. */
export async function listActionItemsCounted(db: DbOrTx, teamId: string, filter: ActionItemFilter, limit: number): Promise<{ items: ListedActionItem[]; total: number }> {
  const rows = await db
    .select({ item: actionItems, incidentNumber: incidents.number, total: sql<number>`(count(*) over ())::int` })
    .from(actionItems)
    .innerJoin(incidents, and(eq(incidents.id, actionItems.incidentId), eq(incidents.teamId, actionItems.teamId)))
    .where(matching(teamId, filter))
    .orderBy(asc(actionItems.dueDate), asc(actionItems.id))
    .limit(limit);
  // No row: nothing matches (the window counts only rows that exist).
  return { items: rows.map((r) => ({ ...r.item, incidentNumber: r.incidentNumber })), total: rows[0]?.total ?? 0 };
}
