// What the clock says: pages, escalations, reminders, SLA breaches and nudges.
import type { Incident } from "../../db/schema.js";
import { severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import type { SlackMessage } from "../gateway.js";
import { WarRoomActions } from "../ids.js";
import { incidentHeadline } from "./incident-card.js";
import { mentionChannel, mentionUser } from "./text.js";
import { section } from "./kit.js";

const button = (text: string, actionId: string, incident: Incident, style?: "primary") => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text, emoji: true },
  action_id: actionId,
  value: String(incident.id),
  ...(style ? { style } : {}),
});
const room = (i: Incident) => (i.channelId ? mentionChannel(i.channelId) : "its war room (being created)");
const people = (ids: string[]) => ids.map(mentionUser).join(", ");

/** Targets of one level: users paged by DM, user groups mentioned where they can see it. */
export interface PagedLevel {
  level: number;
  users: string[];
  groups: string[];
}

const levelNames = (paged: PagedLevel) => [...paged.users.map(mentionUser), ...paged.groups.map((g) => `<!subteam^${g}>`)].join(", ") || "nobody";

export function pageDm(incident: Incident, paged: PagedLevel, escalated: boolean): SlackMessage {
  const why = escalated ? `Nobody has acknowledged it yet, so it escalated to you (level ${paged.level}).` : "You are on call for it.";
  return {
    text: `:rotating_light: You are paged for ${severityLabel(incident.severity)} incident #${incident.number}`,
    blocks: [
      section(`:rotating_light: *You are paged* for a ${severityLabel(incident.severity)} incident.\n${incidentHeadline(incident)}`),
      section(`${why} War room: ${room(incident)} · IC ${mentionUser(incident.commanderId)}`),
      { type: "actions", elements: [button("Acknowledge", WarRoomActions.acknowledge, incident, "primary")] },
    ],
  };
}

export function pagedLine(paged: PagedLevel, escalated: boolean): string {
  return escalated
    ? `:rotating_light: Not acknowledged yet: escalated to level ${paged.level} (${levelNames(paged)}).`
    : `:pager: Paged level ${paged.level} of the escalation policy: ${levelNames(paged)}.`;
}

export const pagedEntryText = (paged: PagedLevel, escalated: boolean): string =>
  `${escalated ? "Escalated to" : "Paged"} level ${paged.level} (${levelNames(paged)})`;

export function escalationExhausted(incident: Incident): SlackMessage {
  return {
    text: `Nobody acknowledged incident #${incident.number} after every escalation level`,
    blocks: [
      section(`:sos: *Nobody has acknowledged this incident* after every level of its escalation policy.\n${incidentHeadline(incident)}`),
      section(`${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · declared by ${mentionUser(incident.declaredBy)} · ${room(incident)}. Can you help?`),
    ],
  };
}

export function updateReminder(incident: Incident, cadence: string): SlackMessage {
  const who = [...new Set([incident.commanderId, incident.commsLeadId].filter((u): u is string => Boolean(u)))];
  return {
    text: `Time for a status update on incident #${incident.number}`,
    blocks: [
      section(`:hourglass_flowing_sand: ${people(who)}: no status update for ${cadence}. ${severityLabel(incident.severity)} incidents get one every ${cadence}; please post where things stand.`),
      { type: "actions", elements: [button("Post update", WarRoomActions.postUpdate, incident, "primary")] },
    ],
  };
}

export function slaBreachLine(kind: "acknowledge" | "resolve", incident: Incident, target: string): string {
  return kind === "acknowledge"
    ? `:alarm_clock: Acknowledgement target missed: ${severityLabel(incident.severity)} incidents should be acknowledged within ${target}.`
    : `:alarm_clock: Resolution target missed: ${severityLabel(incident.severity)} incidents should be resolved within ${target}.`;
}

export function staleNudge(incident: Incident, days: number): SlackMessage {
  return {
    text: `Incident #${incident.number} has had no activity for ${days} days`,
    blocks: [
      section(`:cobweb: ${mentionUser(incident.commanderId)}: nothing has happened on this incident for ${days} days. Is it still ${statusLabels[incident.status].toLowerCase()}? Post an update, or resolve it.`),
      { type: "actions", elements: [button("Post update", WarRoomActions.postUpdate, incident), button("Resolve", WarRoomActions.resolve, incident)] },
    ],
  };
}
