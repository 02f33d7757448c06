// /incident note <text>: on the timeline, and said in the war room as the person who wrote it.
import { addNote, NOTE_MAX } from "../../../incidents/note.js";
import { replies } from "../../blocks/answers.js";
import { answerOutcome, onIncident, tooLong } from "../subcommand.js";

export const note = onIncident("/incident note #12 Rolled back deploy 4512", async (deps, request, { incident, rest }) => {
  const long = tooLong(rest, NOTE_MAX, "note", { stored: "slack_text" });
  if (long) return long;
  // The note keeps Slack's own text: its mentions stay mentions (broadcasts are defused wherever it is shown).
  const outcome = await addNote(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, { text: rest, format: "mrkdwn" });
  return answerOutcome(deps, request, "note", outcome, (done) => replies.noted(done.incident));
});
