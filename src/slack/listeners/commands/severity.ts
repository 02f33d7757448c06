// /incident sev <1-4> <why>: raise or lower the severity.
import { changeSeverity, SEVERITY_REASON_MAX } from "../../../incidents/change-severity.js";
import { severityFromWord } from "../../../incidents/lifecycle.js";
import { replies } from "../../blocks/answers.js";
import { answerOutcome, asTyped, onIncident, say, tooLong } from "../subcommand.js";

export const severity = onIncident("/incident sev #12 1 Checkout fully down", async (deps, request, { incident, rest }) => {
  const [word = "", ...reason] = rest.split(/\s+/);
  const to = severityFromWord(word);
  if (!to) return say("Give the new severity, 1 to 4, and why: `/incident sev 1 Checkout is fully down`.");
  const why = asTyped(reason.join(" "));
  const long = tooLong(why, SEVERITY_REASON_MAX, "reason");
  if (long) return long;
  const outcome = await changeSeverity(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, { to, reason: why });
  return answerOutcome(deps, request, "change severity", outcome, (done) => replies.severityChanged(done.incident));
});
