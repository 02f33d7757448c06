// /incident reopen [why]: a resolved or closed incident comes back to investigating.
import { reopen as reopenIncident, REOPEN_REASON_MAX } from "../../../incidents/reopen.js";
import { replies } from "../../blocks/answers.js";
import { answerOutcome, asTyped, onIncident, tooLong } from "../subcommand.js";

export const reopen = onIncident("/incident reopen #12 The errors are back", async (deps, request, { incident, rest }) => {
  const why = asTyped(rest);
  const long = tooLong(why, REOPEN_REASON_MAX, "reason");
  if (long) return long;
  const outcome = await reopenIncident(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, why);
  return answerOutcome(deps, request, "reopen", outcome, (done) => replies.reopened(done.incident, done.from));
});
