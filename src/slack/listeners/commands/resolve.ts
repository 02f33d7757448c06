// /incident resolve <summary>; alone, the resolve form.
import { isOpen, statusLabels } from "../../../incidents/lifecycle.js";
import { resolve as resolveIncident, RESOLUTION_MAX } from "../../../incidents/resolve.js";
import { replies } from "../../blocks/answers.js";
import { resolveModal } from "../../blocks/war-room-modals.js";
import { withOpenItems } from "../../blocks/checklist.js";
import { checklistOf } from "../../../playbooks/checklist.js";
import { modalMetadata } from "../forms.js";
import { answerOutcome, asTyped, onIncident, say, tooLong } from "../subcommand.js";

export const resolve = onIncident("/incident resolve #12 Rolled back the bad deploy", async (deps, request, { incident, rest }) => {
  if (!rest) {
    if (!isOpen(incident.status)) return say(`Incident #${incident.number} is already ${statusLabels[incident.status].toLowerCase()}.`);
    return { modal: withOpenItems(resolveModal({ incident, privateMetadata: modalMetadata(incident.id) }), await checklistOf(deps.db, request.teamId, incident.id)) };
  }
  const summary = asTyped(rest);
  const long = tooLong(summary, RESOLUTION_MAX, "resolution summary", { form: true });
  if (long) return long;
  const outcome = await resolveIncident(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, { summary });
  return answerOutcome(deps, request, "resolve", outcome, (done) => replies.resolved(done.incident));
});
