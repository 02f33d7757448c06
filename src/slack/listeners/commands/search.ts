// /incident search <words> [sev:1] [service:checkout] [status:resolved] [drill:yes|only]: past incidents, best match first.
import { parseSearch, searchIncidents } from "../../../incidents/search.js";
import { searchResults } from "../../blocks/search-results.js";
import { echoTyped } from "../../blocks/text.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const search: Subcommand = async (deps, request) => {
  const typed = asTyped(request.args);
  const parsed = parseSearch(typed);
  if (!parsed.ok) {
    switch (parsed.problem.kind) {
      case "severity":
        return say(`\`${echoTyped(parsed.problem.token)}\` is not a severity: use sev:1 to sev:4.`);
      case "status":
        return say(`\`${echoTyped(parsed.problem.token)}\` is not a status: use status:open, status:resolved or one of ${parsed.problem.known.join(", ")}.`);
      case "drill":
        return say(`\`${echoTyped(parsed.problem.token)}\` is not a drill filter: use drill:yes to include drills, or drill:only.`);
      case "empty":
        return say("What should I look for? For example `/incident search checkout 502 sev:1 status:resolved`.");
    }
  }
  return { answer: searchResults(typed, await searchIncidents(deps.db, request.teamId, parsed.query)) };
};
