// /incident close: a resolved incident's last word, then its channel is archived.
import { close as closeIncident } from "../../../incidents/close.js";
import { replies } from "../../blocks/answers.js";
import { answerOutcome, onIncident } from "../subcommand.js";

export const close = onIncident("/incident close #12", async (deps, request, { incident }) =>
  answerOutcome(deps, request, "close", await closeIncident(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId), (done) => replies.closed(done.incident)),
);
