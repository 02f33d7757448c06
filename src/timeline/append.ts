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
  /** Text safe to show in Slack mrkdwn: anything a person typed is escaped before it gets here. */
  text: string;
  data?: Record<string, unknown>;
  /** What the entry was made from; an entry with the same source is recorded once. */
  sourceKey?: string;
}

/**
 * Takes a transaction, not the database, so an entry can never commit apart from the state it describes.
 * Returns undefined when an entry with the same sourceKey already exists.
 */
export async function appendTimeline(tx: Tx, entry: NewTimelineEntry): Promise<TimelineEntry | undefined> {
  const [row] = await tx
    .insert(timelineEntries)
    .values({ ...entry, data: entry.data ?? {} })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function timelineOf(db: DbOrTx, teamId: string, incidentId: number): Promise<TimelineEntry[]> {
  return db
    .select()
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.incidentId, incidentId)))
    .orderBy(asc(timelineEntries.occurredAt), asc(timelineEntries.id));
}
