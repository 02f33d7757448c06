// /incident status [investigating|identified|monitoring] [what changed]; alone, the status form.
import { changeStatus, STATUS_MESSAGE_MAX } from "../../../incidents/change-status.js";
import { openStatuses, type Status } from "../../../incidents/lifecycle.js";
import { replies } from "../../blocks/answers.js";
import { echoTyped } from "../../blocks/text.js";
import { statusModal } from "../../blocks/war-room-modals.js";
import { modalMetadata } from "../forms.js";
import { answerOutcome, asTyped, onIncident, say, tooLong } from "../subcommand.js";

const statusWords: Record<string, Status | "resolved" | "closed"> = {
  investigating: "investigating",
  identified: "identified",
  monitoring: "monitoring",
  mitigated: "monitoring",
  resolved: "resolved",
  closed: "closed",
};

export const status = onIncident("/incident status #12 monitoring Fix deployed", async (deps, request, { incident, rest }) => {
  if (!rest) return { modal: statusModal({ incident, privateMetadata: modalMetadata(incident.id) }) };
  const [word = "", ...words] = rest.split(/\s+/);
  const to = statusWords[word.toLowerCase()];
  if (to === "resolved") return say("To resolve, use `/incident resolve <summary>` or the Resolve button: it asks for a resolution summary.");
  if (to === "closed") return say("To close a resolved incident, use `/incident close`.");
  if (!to) return say(`\`${echoTyped(asTyped(word))}\` is not a status. Use one of: ${openStatuses.map((s) => `\`${s}\``).join(", ")}. Example: \`/incident status monitoring Fix deployed\`.`);
  const message = asTyped(words.join(" "));
  const long = tooLong(message, STATUS_MESSAGE_MAX, "status message", { form: true });
  if (long) return long;
  const outcome = await changeStatus(deps, { teamId: request.teamId, incidentId: incident.id }, request.userId, { to, message });
  return answerOutcome(deps, request, "change status", outcome, (done) => replies.statusChanged(done.incident));
});
