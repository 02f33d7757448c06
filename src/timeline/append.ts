// The incident timeline: facts appended only inside an open transaction, next to the change they record.
import { asc, and, eq } from "drizzle-orm";
import type { DbOrTx, Tx } from "../db/client.js";
import { timelineEntries, type TimelineEntry } from "../db/schema.js";
import { describeEntry } from "./describe.js";
import { phraseToPlain } from "./phrase.js";

export { BOT_ACTOR } from "./actors.js";

interface NewTimelineEntry {
  teamId: string;
  incidentId: number;
  type: string;
  /** A Slack user id, BOT_ACTOR for what the bot did itself, or an integration (see actors.ts). */
  actor: string;
  occurredAt: Date;
  /** The fact, structured; text a person wrote is stored as written (see describe.ts for the formats). */
  data: Record<string, unknown>;
  /** What the entry was made from; an entry with the same source is recorded once. */
  sourceKey?: string;
}

/**
 * Takes a transaction, not the database, so an entry can never commit apart from the state it describes.
 * Returns undefined when an entry with the same sourceKey already exists.
 */
export async function appendTimeline(tx: Tx, entry: NewTimelineEntry): Promise<TimelineEntry | undefined> {
  // The stored text is a plain-words summary for people reading the database; surfaces render from the data.
  const text = phraseToPlain(describeEntry({ type: entry.type, data: entry.data, text: "" }));
  const [row] = await tx.insert(timelineEntries).values({ ...entry, text }).onConflictDoNothing().returning();
  return row;
}

export async function timelineOf(db: DbOrTx, teamId: string, incidentId: number): Promise<TimelineEntry[]> {
  return db
    .select()
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.incidentId, incidentId)))
    .orderBy(asc(timelineEntries.occurredAt), asc(timelineEntries.id));
}

export async function timelineEntryById(db: DbOrTx, teamId: string, entryId: number): Promise<TimelineEntry | undefined> {
  const [row] = await db.select().from(timelineEntries).where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.id, entryId)));
  return row;
}
