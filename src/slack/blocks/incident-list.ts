// `/incident list`: one line per incident, newest concerns first as the caller orders them.
import type { Incident } from "../../db/schema.js";
import { humanDuration, severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import type { SlackMessage } from "../gateway.js";
import { incidentTitle } from "./incident-card.js";
import { drillTagged } from "./drill.js";
import { escapeText, mentionChannel, mentionUser, truncate } from "./text.js";

/** Incidents shown in one message; Slack allows 50 blocks. */
export const INCIDENT_LIST_MAX = 40;

const capitalize = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

function incidentLine(incident: Incident, now: Date): string {
  const parts = [
    `*#${incident.number} · ${incidentTitle(incident)}*${drillTagged(incident)}`,
    severityLabel(incident.severity),
    statusLabels[incident.status],
    `IC ${mentionUser(incident.commanderId)}`,
    `${humanDuration(now.getTime() - incident.declaredAt.getTime())} old`,
    ...(incident.channelId ? [mentionChannel(incident.channelId)] : []),
  ];
  return parts.join(" · ");
}

export function incidentListMessage(list: Incident[], filterLabel: string, now: Date): SlackMessage {
  const label = filterLabel.trim();
  const heading = capitalize(label ? `${label} incidents` : "incidents");
  const header = { type: "header", text: { type: "plain_text", text: truncate(heading, 150), emoji: true } };
  if (list.length === 0) {
    const none = `No ${label ? `${label} ` : ""}incidents.`;
    const friendly = `:white_check_mark: ${escapeText(none)}${label.toLowerCase().startsWith("open") ? " All quiet." : ""}`;
    return { text: escapeText(none), blocks: [header, { type: "section", text: { type: "mrkdwn", text: friendly } }] };
  }
  const shown = list.slice(0, INCIDENT_LIST_MAX);
  const more = list.length - shown.length;
  return {
    text: `${escapeText(heading)} (${list.length})`,
    blocks: [
      header,
      ...shown.map((incident) => ({ type: "section", text: { type: "mrkdwn", text: incidentLine(incident, now) } })),
      ...(more > 0 ? [{ type: "context", elements: [{ type: "mrkdwn", text: `…and ${more} more.` }] }] : []),
    ],
  };
}
