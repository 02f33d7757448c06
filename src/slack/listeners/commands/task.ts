// /incident task [phase:] <what> [role] <link>: adds an item to the war room's checklist by hand.
import { addTask } from "../../../playbooks/checklist.js";
import { ITEM_TEXT_MAX } from "../../../playbooks/definitions.js";
import { refusalText } from "../../blocks/answers.js";
import { taskAddedReply } from "../../blocks/checklist.js";
import { asTyped, onIncident, say, tooLong } from "../subcommand.js";

export const task = onIncident("/incident task triage: Check the DNS records", async (deps, request, { incident, rest }) => {
  const typed = asTyped(rest);
  if (!typed) return say("Say what needs doing: `/incident task triage: Check the DNS records` (the phase is optional).");
  const long = tooLong(typed, ITEM_TEXT_MAX + 100, "item");
  if (long) return long;
  const outcome = await addTask(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, typed);
  if ("problem" in outcome) return say(`I couldn't add that item: ${outcome.problem.charAt(0).toLowerCase()}${outcome.problem.slice(1).replace(/\.?$/, ".")}`);
  if (!outcome.ok) return say(refusalText(outcome.refusal, deps.clock.now()));
  deps.deliverNow();
  return say(taskAddedReply(outcome.incident, outcome.item));
});
