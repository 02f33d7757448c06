// The Acknowledge button (on the card and in a page DM): acts at once.
import { acknowledge as acknowledgeIncident } from "../../../incidents/acknowledge.js";
import { refusalText, replies } from "../../blocks/answers.js";
import { incidentFromValue } from "../incident-ref.js";
import { teamOf, tell, valueOf, type ActionHandler } from "./action-kit.js";

export const acknowledge: ActionHandler = async (deps, args) => {
  await args.ack();
  const teamId = teamOf(args.body);
  const incident = await incidentFromValue(deps, teamId, valueOf(args.action));
  if (!incident) return tell(args, "I can't find this incident any more.");
  const outcome = await acknowledgeIncident(deps, { teamId, incidentId: incident.id }, args.body.user.id);
  if (outcome.ok) deps.deliverNow();
  await tell(args, outcome.ok ? replies.acknowledged(outcome.incident, outcome) : refusalText(outcome.refusal, deps.clock.now()));
};
