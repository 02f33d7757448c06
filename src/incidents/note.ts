// A note on the timeline, also said in the war room so the people there see it.
import { changeIncident, type IncidentContext, type Outcome } from "./change.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export const NOTE_MAX = 3000;

/** format: "mrkdwn" when the note came through Slack (its mentions are kept; broadcasts are defused when shown). */
export function addNote(ctx: IncidentContext, ref: IncidentRef, userId: string, note: { text: string; format: "plain" | "mrkdwn" }): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, () => {
    const text = note.text.trim();
    if (!text) return refuse({ code: "missing_text", what: "note" });
    if (text.length > NOTE_MAX) return refuse({ code: "too_long", what: "note", max: NOTE_MAX });
    return {
      facts: [{ type: "note", data: { note: text, noteFormat: note.format }, effects: [{ kind: "war_room" }] }],
      result: {},
    };
  });
}
