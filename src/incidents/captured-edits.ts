// A captured message follows its Slack original: an edit replaces the entry's text and keeps the words it had in
// the entry's history; a deletion marks the entry deleted. Each is also a fact of its own, recorded once.
import { and, eq } from "drizzle-orm";
import { makeStorable } from "../db/storable-text.js";
import { timelineEntries } from "../db/schema.js";
import { describeEntry } from "../timeline/describe.js";
import { cutMrkdwn, phraseToPlain } from "../timeline/phrase.js";
import { recordFact, type IncidentContext } from "./change.js";
import { CAPTURED_TEXT_MAX, capturedSourceKey } from "./capture-message.js";
import { lockIncident } from "./queries.js";

export type CapturedChange =
  | { kind: "edited"; channelId: string; ts: string; text: string; /** The edit's own ts (message.edited.ts). */ editedTs: string; by: string }
  | { kind: "deleted"; channelId: string; ts: string; /** The deletion event's ts. */ deletedTs: string; by: string };

/** One past wording of a captured message: what it said until `until` (ISO time of the edit that replaced it). */
export interface CapturedRevision {
  text: string;
  until: string;
}

/** Applies an edit or deletion to every timeline entry that captured the message; how many entries changed. */
export async function followCapturedMessage(ctx: IncidentContext, teamId: string, change: CapturedChange): Promise<number> {
  change = { ...change };
  makeStorable(change);
  const sourceKey = capturedSourceKey(change.channelId, change.ts);
  const entries = await ctx.db
    .select({ id: timelineEntries.id, incidentId: timelineEntries.incidentId })
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.sourceKey, sourceKey), eq(timelineEntries.type, "message_captured")));
  let changed = 0;
  for (const { id, incidentId } of entries) {
    const done = await ctx.db.transaction(async (tx) => {
      const incident = await lockIncident(tx, { teamId, incidentId });
      if (!incident) return false;
      const [entry] = await tx.select().from(timelineEntries).where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.id, id)));
      if (!entry) return false;
      const data = entry.data as Record<string, unknown>;
      if (data.deleted === true) return false;
      const at = new Date(Math.round(Number(change.kind === "edited" ? change.editedTs : change.deletedTs) * 1000));
      // The fact comes first: a repeated event (Slack's retry, a redelivered envelope) finds it and changes nothing.
      const fact = await recordFact(tx, ctx.clock, incident, change.by, {
        type: change.kind === "edited" ? "captured_message_edited" : "captured_message_deleted",
        data: { entryId: entry.id, channelId: change.channelId, ts: change.ts },
        sourceKey: `${sourceKey}:${change.kind}:${change.kind === "edited" ? change.editedTs : change.deletedTs}`,
      });
      if (fact === undefined) return false;
      const history = Array.isArray(data.history) ? (data.history as CapturedRevision[]) : [];
      const next: Record<string, unknown> =
        change.kind === "edited"
          ? { ...data, text: cutMrkdwn(change.text, CAPTURED_TEXT_MAX), edited: true, editedAt: at.toISOString(), history: [...history, { text: data.text, until: at.toISOString() }] }
          : { ...data, deleted: true, deletedAt: at.toISOString() };
      await tx
        .update(timelineEntries)
        .set({ data: next, text: phraseToPlain(describeEntry({ type: entry.type, data: next, text: "" })) })
        .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.id, entry.id)));
      return true;
    });
    if (done) changed += 1;
  }
  return changed;
}
