// /incident role <ic|tech|comms|scribe> @someone; alone, the roles form.
import { assignRoles } from "../../../incidents/assign-roles.js";
import { parseRole, roleDefinitions } from "../../../incidents/roles.js";
import { replies } from "../../blocks/answers.js";
import { rolesModal } from "../../blocks/war-room-modals.js";
import { modalMetadata } from "../forms.js";
import { personIn, whoCannotServe } from "../people.js";
import { answerOutcome, onIncident, say } from "../subcommand.js";

export const role = onIncident("/incident role #12 tech @alice", async (deps, request, { incident, rest }) => {
  if (!rest) return { modal: rolesModal({ incident, privateMetadata: modalMetadata(incident.id) }) };
  const [roleWord = "", ...who] = rest.split(/\s+/);
  const which = parseRole(roleWord);
  if (!which) return say("Name the role and the person: `/incident role ic|tech|comms|scribe @someone`. `/incident role` alone opens the roles form.");
  const person = await personIn(deps, who.join(" "));
  if (!person.ok) return say(person.reason);
  const cannot = await whoCannotServe(deps, [person.userId]);
  if (cannot.size) return say(cannot.get(person.userId)!);
  const outcome = await assignRoles(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, { [which]: person.userId });
  return answerOutcome(deps, request, `assign ${roleDefinitions[which].label}`, outcome, (done) => replies.rolesAssigned(done.incident, done.changed));
});
