// The incident timeline: entries are appended only inside an open transaction, next to the change they record.
import { asc, and, eq } from "drizzle-orm";
import type { DbOrTx, Tx } from "../db/client.js";
import { timelineEntries, type TimelineEntry } from "../db/schema.js";

export const BOT_ACTOR = "warroom";

export interface NewTimelineEntry {
  teamId: string;
  incidentId: number;
  type: string;
  actor: string;
  occurredAt: Date;
  text: string;
  data?: Record<string, unknown>;
}

/** Takes a transaction, not the database, so an entry can never commit apart from the state it describes. */
export async function appendTimeline(tx: Tx, entry: NewTimelineEntry): Promise<void> {
  await tx.insert(timelineEntries).values({ ...entry, data: entry.data ?? {} });
}

export async function timelineOf(db: DbOrTx, teamId: string, incidentId: number): Promise<TimelineEntry[]> {
  return db
    .select()
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.incidentId, incidentId)))
    .orderBy(asc(timelineEntries.occurredAt), asc(timelineEntries.id));
}
