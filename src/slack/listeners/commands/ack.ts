// /incident ack: you are on it.
import { acknowledge } from "../../../incidents/acknowledge.js";
import { replies } from "../../blocks/answers.js";
import { answerOutcome, onIncident } from "../subcommand.js";

export const ack = onIncident("/incident ack #12", async (deps, request, { incident }) =>
  answerOutcome(deps, request, "acknowledge", await acknowledge(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId), (done) =>
    replies.acknowledged(done.incident, done),
  ),
);
