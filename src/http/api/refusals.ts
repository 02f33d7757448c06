// Why the domain said no, as HTTP: 404 for an incident that is not there, 403 for who may not, 409 for what the
// incident's state does not allow now, 422 for what the request itself lacks; each with a sentence saying what to do.
import type { Incident } from "../../db/schema.js";
import { checkTransition, statusLabels, type Status, type TransitionRoute } from "../../incidents/lifecycle.js";
import { whoMay } from "../../incidents/permissions.js";
import type { Refusal } from "../../incidents/refusals.js";
import { actorName, actorOf } from "../../timeline/actors.js";
import { HttpRefusal } from "../json-endpoint.js";

const lower = (s: Status) => statusLabels[s].toLowerCase();
const named = (stored: string) => actorName(actorOf(stored));

function whoMayText(incident: Incident, permission: "manage" | "post_update"): string {
  const who = whoMay(incident, permission);
  const names = [`its Incident Commander (${named(who.commander)})`];
  if (who.declarer) names.push(`its declarer (${named(who.declarer)})`);
  if (who.roleHolders) names.push("its role holders");
  names.push("an incident admin, or a token an incident admin created");
  return names.join(", ").replace(/, ([^,]*)$/, " or $1");
}

function transitionText(incident: Incident, to: Status, route: TransitionRoute): string {
  if (route === "close_in_error") return `Incident #${incident.number} is already closed as declared in error.`;
  const check = checkTransition(incident.status, to, route);
  if (check.ok) return "That move is allowed now; try again.";
  if (check.why === "reopen_first" || check.why === "already") return `Incident #${incident.number} is ${lower(incident.status)}; reopen it in Slack first.`;
  return `Incident #${incident.number} is ${lower(incident.status)} and cannot become ${lower(to)} from there.`;
}

/** The refusal as an HTTP error the client can act on. */
export function refusalAsHttp(refusal: Refusal, number: number): HttpRefusal {
  switch (refusal.code) {
    case "not_found":
      return new HttpRefusal(404, "not_found", `There is no incident #${number} in this workspace.`);
    case "not_allowed":
      return new HttpRefusal(403, "not_allowed", `Only ${whoMayText(refusal.incident, refusal.permission)} may do that to incident #${number}.`);
    case "transition":
      return new HttpRefusal(409, "transition_not_allowed", transitionText(refusal.incident, refusal.to, refusal.route));
    case "closed":
      return new HttpRefusal(409, "incident_closed", `Incident #${number} is closed; reopen it in Slack first.`);
    case "already_resolved":
      return new HttpRefusal(409, "already_resolved", `Incident #${number} is already resolved${refusal.incident.resolvedAt ? ` (since ${refusal.incident.resolvedAt.toISOString()})` : ""}.`);
    case "still_open":
      return new HttpRefusal(409, "still_open", `Incident #${number} is still open (${lower(refusal.incident.status)}).`);
    case "same_severity":
      return new HttpRefusal(409, "same_severity", `Incident #${number} already has that severity.`);
    case "missing_text":
      return new HttpRefusal(422, "missing_text", `Say more: the ${refusal.what.replace(/_/g, " ")} is required.`);
    case "too_long":
      return new HttpRefusal(422, "too_long", `That ${refusal.what} is too long: keep it under ${refusal.max} characters.`);
    case "commander_required":
      return new HttpRefusal(422, "commander_required", "An incident always needs an Incident Commander.");
    default:
      // Postmortem and action-item refusals: no route of this API asks for those changes.
      return new HttpRefusal(409, refusal.code, `Incident #${number} does not allow that now (${refusal.code.replace(/_/g, " ")}).`);
  }
}
