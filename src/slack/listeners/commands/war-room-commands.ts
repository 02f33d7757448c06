// The /incident subcommands that act on a running incident: ack, status, sev, role, note, timeline, list,
// resolve, close, reopen. Each parses its words with zod-checked vocabularies and calls one domain function.
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Incident } from "../../../db/schema.js";
import { isOpen, openStatuses, severities, statusSchema, statusLabels, type Severity, type Status } from "../../../incidents/lifecycle.js";
import { listIncidents } from "../../../incidents/queries.js";
import { parseSearch, searchIncidents } from "../../../incidents/search.js";
import { parseRole, roleDefinitions } from "../../../incidents/roles.js";
import {
  acknowledge,
  addNote,
  assignRoles,
  changeSeverity,
  changeStatus,
  close,
  reopen,
  resolve,
  type Outcome,
  type WarRoomContext,
} from "../../../incidents/war-room.js";
import { timelineOf } from "../../../timeline/append.js";
import { INCIDENT_LIST_MAX, incidentListMessage } from "../../blocks/incident-list.js";
import { searchResults } from "../../blocks/search-results.js";
import { echoTyped } from "../../blocks/text.js";
import { timelineMessage } from "../../blocks/timeline.js";
import { resolveModal, rolesModal, statusModal } from "../../blocks/war-room-modals.js";
import type { SlackMessage } from "../../gateway.js";
import type { ListenerDeps } from "../deps.js";
import { incidentFor } from "../incident-ref.js";
import { escalation, oncall } from "./oncall-commands.js";
import { action, actions, postmortem } from "./postmortem-commands.js";

export interface SubcommandRequest {
  teamId: string;
  userId: string;
  channelId: string;
  args: string;
  /** For the few subcommands that must ask Slack something first (names for an export). */
  client: WebClient;
}

/** Either an answer shown to the person (ephemeral), or a modal to open with the command's trigger. */
export type SubcommandResult = { answer: SlackMessage } | { modal: View };

type Subcommand = (deps: ListenerDeps, request: SubcommandRequest) => Promise<SubcommandResult>;

const say = (text: string): SubcommandResult => ({ answer: { text } });
const warRoom = (deps: ListenerDeps): WarRoomContext => deps;
export const modalMetadata = (incidentId: number): string => JSON.stringify({ incidentId });

function outcomeAnswer(deps: ListenerDeps, request: SubcommandRequest, what: string, outcome: Outcome): SubcommandResult {
  if (outcome.ok) {
    deps.deliverNow();
    return say(outcome.reply ?? "Done.");
  }
  deps.logger.info({ team: request.teamId, user: request.userId, what, refused: outcome.refused }, "refused an incident change");
  return say(outcome.reason);
}

/** Runs `work` on the incident the request names (#N) or the war room it came from. */
function onIncident(
  usage: string,
  work: (deps: ListenerDeps, request: SubcommandRequest, found: { incident: Incident; rest: string }) => Promise<SubcommandResult>,
): Subcommand {
  return async (deps, request) => {
    const found = await incidentFor(deps, request.teamId, request.channelId, request.args, usage);
    if (!found.ok) return say(found.reason);
    return work(deps, request, found);
  };
}

const ref = (teamId: string, incidentId: number) => ({ teamId, incidentId });

const statusWords: Record<string, Status | "resolved" | "closed"> = {
  investigating: "investigating",
  identified: "identified",
  monitoring: "monitoring",
  mitigated: "monitoring",
  resolved: "resolved",
  closed: "closed",
};

const ack: Subcommand = onIncident("/incident ack #12", async (deps, request, { incident }) =>
  outcomeAnswer(deps, request, "acknowledge", await acknowledge(warRoom(deps), ref(request.teamId, incident.id), request.userId)),
);

const status: Subcommand = onIncident("/incident status #12 monitoring Fix deployed", async (deps, request, { incident, rest }) => {
  if (!rest) return { modal: statusModal({ incident, privateMetadata: modalMetadata(incident.id) }) };
  const [word = "", ...message] = rest.split(/\s+/);
  const to = statusWords[word.toLowerCase()];
  if (to === "resolved") return say("To resolve, use `/incident resolve <summary>` or the Resolve button: it asks for a resolution summary.");
  if (to === "closed") return say("To close a resolved incident, use `/incident close`.");
  if (!to || !statusSchema.safeParse(to).success) {
    return say(`\`${echoTyped(word)}\` is not a status. Use one of: ${openStatuses.map((s) => `\`${s}\``).join(", ")}. Example: \`/incident status monitoring Fix deployed\`.`);
  }
  const outcome = await changeStatus(warRoom(deps), ref(request.teamId, incident.id), request.userId, { to, message: message.join(" ") });
  return outcomeAnswer(deps, request, "change status", outcome);
});

const severityWords = (word: string): Severity | undefined => {
  const m = /^(?:sev)?([1-4])$/i.exec(word);
  return m ? severities[Number(m[1]) - 1] : undefined;
};

const sev: Subcommand = onIncident("/incident sev #12 1 Checkout fully down", async (deps, request, { incident, rest }) => {
  const [word = "", ...reason] = rest.split(/\s+/);
  const to = severityWords(word);
  if (!to) return say("Give the new severity, 1 to 4, and why: `/incident sev 1 Checkout is fully down`.");
  const outcome = await changeSeverity(warRoom(deps), ref(request.teamId, incident.id), request.userId, { to, reason: reason.join(" ") });
  return outcomeAnswer(deps, request, "change severity", outcome);
});

const mention = /^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$/;

const role: Subcommand = onIncident("/incident role #12 tech @alice", async (deps, request, { incident, rest }) => {
  if (!rest) return { modal: rolesModal({ incident, privateMetadata: modalMetadata(incident.id) }) };
  const [roleWord = "", who = ""] = rest.split(/\s+/);
  const which = parseRole(roleWord);
  const user = mention.exec(who)?.[1];
  if (!which || !user) {
    return say("Name the role and the person: `/incident role ic|tech|comms|scribe @someone`. `/incident role` alone opens the roles form.");
  }
  const outcome = await assignRoles(warRoom(deps), ref(request.teamId, incident.id), request.userId, { [which]: user });
  return outcomeAnswer(deps, request, `assign ${roleDefinitions[which].label}`, outcome);
});

const note: Subcommand = onIncident("/incident note #12 Rolled back deploy 4512", async (deps, request, { incident, rest }) =>
  outcomeAnswer(deps, request, "note", await addNote(warRoom(deps), ref(request.teamId, incident.id), request.userId, rest)),
);

const timeline: Subcommand = onIncident("/incident timeline #12", async (deps, request, { incident }) => {
  const entries = await timelineOf(deps.db, request.teamId, incident.id);
  return { answer: timelineMessage(incident, entries, deps.clock.now()) };
});

const resolveCommand: Subcommand = onIncident("/incident resolve #12 Rolled back the bad deploy", async (deps, request, { incident, rest }) => {
  if (!rest) {
    if (!isOpen(incident.status)) return say(`Incident #${incident.number} is already ${statusLabels[incident.status].toLowerCase()}.`);
    return { modal: resolveModal({ incident, privateMetadata: modalMetadata(incident.id) }) };
  }
  return outcomeAnswer(deps, request, "resolve", await resolve(warRoom(deps), ref(request.teamId, incident.id), request.userId, { summary: rest }));
});

const closeCommand: Subcommand = onIncident("/incident close #12", async (deps, request, { incident }) =>
  outcomeAnswer(deps, request, "close", await close(warRoom(deps), ref(request.teamId, incident.id), request.userId)),
);

const reopenCommand: Subcommand = onIncident("/incident reopen #12 The errors are back", async (deps, request, { incident, rest }) =>
  outcomeAnswer(deps, request, "reopen", await reopen(warRoom(deps), ref(request.teamId, incident.id), request.userId, rest)),
);

const listFilters: Record<string, readonly Status[]> = {
  open: openStatuses,
  resolved: ["resolved", "closed"],
  closed: ["closed"],
  all: ["investigating", "identified", "monitoring", "resolved", "closed"],
};

const list: Subcommand = async (deps, request) => {
  let which = "open";
  let severity: Severity | undefined;
  for (const word of request.args.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (word in listFilters) which = word;
    else if (severityWords(word)) severity = severityWords(word);
    else return say(`\`/incident list\` takes \`open\` (the default), \`resolved\` or \`all\`, and optionally a severity like \`sev1\`. I don't know \`${echoTyped(word)}\`.`);
  }
  const found = await listIncidents(deps.db, request.teamId, { statuses: listFilters[which]!, severity, limit: INCIDENT_LIST_MAX * 10 });
  const label = severity ? `${which} ${severity.toUpperCase()}` : which;
  return { answer: incidentListMessage(found, label, deps.clock.now()) };
};

const search: Subcommand = async (deps, request) => {
  const parsed = parseSearch(request.args);
  if (!parsed.ok) return say(parsed.reason);
  return { answer: searchResults(request.args, await searchIncidents(deps.db, request.teamId, parsed.query)) };
};

export const warRoomSubcommands: Record<string, Subcommand> = {
  search,
  ack,
  acknowledge: ack,
  status,
  sev,
  severity: sev,
  role,
  roles: role,
  note,
  timeline,
  list,
  resolve: resolveCommand,
  close: closeCommand,
  reopen: reopenCommand,
  oncall,
  escalation,
  postmortem: (deps, request) => postmortem(deps, request, request.client),
  action,
  actions,
};
