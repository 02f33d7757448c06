// The short lines the bot posts in a war room when something changes, the role DM and the shared updates.
// Everything a person typed arrives here raw and is escaped here.
import type { Incident } from "../../db/schema.js";
import { humanDuration, incidentDurations, postmortemRequired, severities, severityLabel, statusLabels, type Severity, type Status } from "../../incidents/lifecycle.js";
import { roleDefinitions, type Role } from "../../incidents/roles.js";
import type { SlackMessage } from "../gateway.js";
import { incidentHeadline } from "./incident-card.js";
import { escapeText, mentionChannel, mentionUser, truncate } from "./text.js";
import { context, section } from "./kit.js";

const quote = (typed: string | undefined | null, max = 2500) => (typed?.trim() ? `\n>${escapeText(truncate(typed.trim(), max)).replace(/\n/g, "\n>")}` : "");
const room = (i: Pick<Incident, "channelId">) => (i.channelId ? ` · ${mentionChannel(i.channelId)}` : "");

export function acknowledgedLine(userId: string, afterMs: number): string {
  return `:eyes: ${mentionUser(userId)} acknowledged the incident, ${humanDuration(afterMs)} after it was declared.`;
}

export function alsoRespondingLine(userId: string, firstBy: string): string {
  return `:raising_hand: ${mentionUser(userId)} is responding too (acknowledged first by ${mentionUser(firstBy)}).`;
}

export function statusLine(userId: string, from: Status, to: Status, message?: string): string {
  return `:arrows_counterclockwise: ${mentionUser(userId)} changed the status from *${statusLabels[from]}* to *${statusLabels[to]}*.${quote(message)}`;
}

export function severityLine(userId: string, from: Severity, to: Severity, reason: string): string {
  const raised = severities.indexOf(to) < severities.indexOf(from);
  return `${raised ? ":arrow_up:" : ":arrow_down:"} ${mentionUser(userId)} ${raised ? "raised" : "lowered"} the severity from *${severityLabel(from)}* to *${severityLabel(to)}*.${quote(reason)}`;
}

export function roleLine(userId: string, role: Role, holder: string | null, previous: string | null): string {
  const label = roleDefinitions[role].label;
  if (!holder) return `:bust_in_silhouette: ${mentionUser(userId)} left the ${label} role open${previous ? ` (was ${mentionUser(previous)})` : ""}.`;
  const was = previous ? `, taking over from ${mentionUser(previous)}` : "";
  return `:bust_in_silhouette: ${mentionUser(holder)} is now ${label}${was} (set by ${mentionUser(userId)}).`;
}

export function resolvedLine(incident: Incident, userId: string): string {
  const d = incidentDurations(incident);
  const took = d.toResolve !== undefined ? ` after ${humanDuration(d.toResolve)}` : "";
  const postmortem = postmortemRequired(incident.severity)
    ? `\n:memo: This was a ${severityLabel(incident.severity)}: a postmortem is required.`
    : "";
  return `:white_check_mark: ${mentionUser(userId)} resolved the incident${took}.${quote(incident.resolutionSummary)}${postmortem}`;
}


export function reopenedLine(userId: string, from: Status, reason: string): string {
  return `:leftwards_arrow_with_hook: ${mentionUser(userId)} reopened the incident (it was ${statusLabels[from].toLowerCase()}).${quote(reason)}`;
}

/** The last word in a war room before it is archived. */
export function closingSummary(incident: Incident, userId: string): SlackMessage {
  const d = incidentDurations(incident);
  const figure = (label: string, ms: number | undefined) => `*${label}:* ${ms === undefined ? "—" : humanDuration(ms)}`;
  return {
    text: `Incident #${incident.number} is closed. This channel will be archived.`,
    blocks: [
      section(`:lock: ${mentionUser(userId)} closed incident #${incident.number}. This channel is archived now; everything in it is kept.`),
      section(
        [
          incidentHeadline(incident),
          `${figure("Time to acknowledge", d.toAcknowledge)} · ${figure("Time to mitigate", d.toMitigate)} · ${figure("Time to resolve", d.toResolve)}`,
          incident.resolutionSummary ? `*Resolution:* ${escapeText(truncate(incident.resolutionSummary, 1500))}` : "",
          incident.rootCause ? `*Root cause:* ${escapeText(truncate(incident.rootCause, 1000))}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      ),
    ],
  };
}

export interface UpdateContent {
  impact: string;
  currentAction: string;
  nextUpdate?: string;
}

/** The internal update template: Impact / Current action / Next update by. */
export function updateMessage(incident: Incident, userId: string, update: UpdateContent, where: "war_room" | "announcement"): SlackMessage {
  const head = `*Update on #${incident.number}* · ${severityLabel(incident.severity)} · ${statusLabels[incident.status]}`;
  const lines = [
    `*Impact:* ${escapeText(truncate(update.impact.trim(), 1200))}`,
    `*Current action:* ${escapeText(truncate(update.currentAction.trim(), 1200))}`,
    update.nextUpdate?.trim() ? `*Next update by:* ${escapeText(truncate(update.nextUpdate.trim(), 200))}` : "",
  ].filter(Boolean);
  return {
    text: `Update on incident #${incident.number}: ${escapeText(truncate(update.impact.trim(), 200))}`,
    blocks: [
      section(where === "announcement" ? `${incidentHeadline(incident)}\n${head}` : `:loudspeaker: ${head}`),
      section(lines.join("\n")),
      context(`Posted by ${mentionUser(userId)}${where === "announcement" ? room(incident) : ""}`),
    ],
  };
}

/** A status change or resolution told to the announcement channel. */
export function sharedStatusMessage(incident: Incident, userId: string, message?: string | null): SlackMessage {
  return {
    text: `Incident #${incident.number} is now ${statusLabels[incident.status].toLowerCase()}`,
    blocks: [
      section(`${incidentHeadline(incident)}\n*${statusLabels[incident.status]}* · ${severityLabel(incident.severity)}${quote(message, 1500)}`),
      context(`By ${mentionUser(userId)}${room(incident)}`),
    ],
  };
}

/** The DM a new role holder gets: the incident, and what the role expects of them. */
export function roleAssignedDm(incident: Incident, role: Role, assignedBy: string): SlackMessage {
  const def = roleDefinitions[role];
  return {
    text: `You are now ${def.label} for incident #${incident.number}`,
    blocks: [
      section(`:wave: ${mentionUser(assignedBy)} made you *${def.label}* for this incident${room(incident)}:\n${incidentHeadline(incident)}`),
      section(`*${def.responsibility}*\n${def.expectations.map((e) => `• ${e}`).join("\n")}`),
      context(`${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · IC ${mentionUser(incident.commanderId)}`),
    ],
  };
}
