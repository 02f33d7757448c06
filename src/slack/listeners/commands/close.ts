// /incident close: a resolved incident's last word, then its channel is archived; `close in error` closes one that
// should never have been declared, from any status, and leaves it out of the metrics.
import { close as closeIncident } from "../../../incidents/close.js";
import { replies } from "../../blocks/answers.js";
import { echoTyped } from "../../blocks/text.js";
import { answerOutcome, asTyped, onIncident, say } from "../subcommand.js";

/** The ways people say it: "in error", "declared in error", "in-error", "error", "mistake", "by mistake". */
const inErrorWords = /^(?:(?:declared|as)\s+)*(?:in[\s-]error|error|(?:by\s+)?mistake)$/i;

export const close = onIncident("/incident close #12", async (deps, request, { incident, rest }) => {
  const words = asTyped(rest);
  const inError = words !== "" && inErrorWords.test(words);
  if (words !== "" && !inError) {
    return say(`\`/incident close\` closes a resolved incident; \`/incident close in error\` closes one that was declared by mistake, whatever its status. I don't know \`${echoTyped(words.slice(0, 60))}\`.`);
  }
  const ref = { teamId: request.teamId, incidentId: incident.id };
  const outcome = await closeIncident(deps, ref, request.userId, inError ? "declared_in_error" : undefined);
  return answerOutcome(deps, request, "close", outcome, (done) => (inError ? replies.closedInError(done.incident) : replies.closed(done.incident)));
});
