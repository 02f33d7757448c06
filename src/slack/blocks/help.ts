// The /incident help text: every subcommand with a one-line example.
import { truncate } from "./text.js";

export const subcommandHelp: [usage: string, what: string][] = [
  ["declare [title]", "declare an incident: opens a short form, then creates its war-room channel"],
  ["drill [database|checkout|latency|your own words]", "a practice incident in `drill-<N>-…`: nobody paged, nothing told outside Slack, left out of metrics and search; alone, opens the form"],
  ["drill replay #12 [10x]", "replay incident #12's alerts, status changes and updates into a new drill at that speed, to practise the response"],
  ["ack", "acknowledge: you are on it (stops escalation)"],
  ["status [investigating|identified|monitoring] [message]", "change the status; alone, opens the form"],
  ["sev <1-4> [reason]", "change the severity"],
  ["role [ic|tech|comms|scribe @someone]", "assign a role; alone, opens the roles form"],
  ["note <text>", "add a note to the timeline"],
  ["comms [internal|exec|customer]", "send an update to an audience: war room, executives, or the public status page"],
  ["timeline", "show the incident's timeline"],
  ["task [phase:] <what>", "add an item to the war room's checklist, e.g. `task triage: check DNS`"],
  ["playbook [add|edit <name>]", "the playbooks (checklists by severity and service); admins add or edit one"],
  ["resolve [summary]", "resolve; alone, opens the form"],
  ["close [in error]", "close a resolved incident and archive its channel; `in error`: it was declared by mistake (any status; left out of the metrics)"],
  ["reopen [reason]", "reopen a resolved or closed incident"],
  ["postmortem [review|publish|waive <reason>|export]", "write the postmortem in a few short steps, then review, publish or export it"],
  ["action add <what>", "add an action item (owner, due date, priority)"],
  ["actions [mine|overdue|#12]", "list action items"],
  ["list [open|resolved|all] [sev1-4]", "list incidents, newest first"],
  ["search <words> [sev:1] [service:checkout] [status:resolved] [drill:yes|only]", "search past incidents, best match first (drills only when asked)"],
  ["metrics [7d|30d|90d|quarter] [sev:1] [service:checkout] [drills]", "how we are doing (`drills`: how the drills went): MTTA, MTTR, SLAs, postmortems, action items, against the period before"],
  ["oncall", "who is on call now and next; `oncall schedule`, `oncall cover`, `escalation policy` set it up"],
  ["alerts [add|rotate <source>]", "alert sources (Alertmanager, Grafana, scripts) with their webhook URLs; admins add one or rotate its token"],
  ["api-token <create|list|revoke> [name]", "REST API tokens, for incident admins (a new token is shown once)"],
  ["audit [#12]", "the audit log, newest first: who changed or was refused what; incident admins only"],
  ["help", "show this list"],
];

export function helpText(command = "/incident"): string {
  const lines = subcommandHelp.map(([usage, what]) => `• \`${command} ${usage}\` — ${what}`);
  return [
    `*Warroom* runs your incidents in Slack. Try \`${command} declare Checkout is down\`.`,
    ...lines,
    `In a war-room channel these act on its incident; anywhere else, name it: \`${command} status #12 monitoring\`.`,
  ].join("\n");
}

export function unknownSubcommandText(command: string, typed: string): string {
  const shown = truncate(typed.replace(/[^\p{L}\p{N}_-]/gu, ""), 30);
  return [`I don't know \`${command} ${shown}\`. Here is what I can do:`, helpText(command)].join("\n");
}
