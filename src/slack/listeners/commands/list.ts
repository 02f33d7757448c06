// /incident list [open|resolved|closed|all] [sev1-4]: incidents, newest first.
import { openStatuses, severityFromWord, statuses, type Severity, type Status } from "../../../incidents/lifecycle.js";
import { listIncidents } from "../../../incidents/queries.js";
import { INCIDENT_LIST_MAX, incidentListMessage } from "../../blocks/incident-list.js";
import { echoTyped } from "../../blocks/text.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

const listFilters: Record<string, readonly Status[]> = {
  open: openStatuses,
  resolved: ["resolved", "closed"],
  closed: ["closed"],
  all: statuses,
};

export const list: Subcommand = async (deps, request) => {
  let which = "open";
  let severity: Severity | undefined;
  for (const word of asTyped(request.args).toLowerCase().split(/\s+/).filter(Boolean)) {
    if (word in listFilters) which = word;
    else if (severityFromWord(word)) severity = severityFromWord(word);
    else return say(`\`/incident list\` takes \`open\` (the default), \`resolved\` or \`all\`, and optionally a severity like \`sev1\`. I don't know \`${echoTyped(word)}\`.`);
  }
  const found = await listIncidents(deps.db, request.teamId, { statuses: listFilters[which]!, severity, limit: INCIDENT_LIST_MAX * 10 });
  return { answer: incidentListMessage(found, severity ? `${which} ${severity.toUpperCase()}` : which, deps.clock.now()) };
};
