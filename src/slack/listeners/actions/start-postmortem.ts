// The resolved card's Start postmortem button: opens (or resumes) the postmortem's steps.
import { startPostmortem as start } from "../../../postmortems/postmortems.js";
import { refusalText } from "../../blocks/answers.js";
import { incidentFromValue } from "../incident-ref.js";
import { openForm } from "../open-form.js";
import { postmortemStepView } from "../postmortem-flow.js";
import { teamOf, tell, valueOf, type ActionHandler } from "./action-kit.js";

export const startPostmortem: ActionHandler = async (deps, args) => {
  await args.ack();
  const teamId = teamOf(args.body);
  const incident = await incidentFromValue(deps, teamId, valueOf(args.action));
  if (!incident) return tell(args, "I can't find this incident any more.");
  const started = await start(deps, { teamId, incidentId: incident.id }, args.body.user.id);
  if (!started.ok) return tell(args, refusalText(started.refusal, deps.clock.now()));
  await openForm(deps, args.client, args.body.trigger_id, await postmortemStepView(deps, started.incident), (text) => tell(args, text), "click again");
};
