// What the bot says about an incident: the pinned live card, the announcement, the topic and the declarer's link.
import type { Incident } from "../../db/schema.js";
import { humanDuration, incidentDurations, isOpen, severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { roleDefinitions, roleHolder, roles } from "../../incidents/roles.js";
import type { SlackMessage } from "../gateway.js";
import { CardMenu, PostmortemActions, WarRoomActions } from "../ids.js";
import { escapeText, mentionChannel, mentionUser, slackDate, truncate } from "./text.js";

type CardIncident = Incident;

const severityEmoji: Record<Incident["severity"], string> = {
  sev1: ":red_circle:",
  sev2: ":large_orange_circle:",
  sev3: ":large_yellow_circle:",
  sev4: ":white_circle:",
};

const field = (label: string, value: string) => ({ type: "mrkdwn" as const, text: `*${label}*\n${value}` });
const button = (text: string, actionId: string, value: string, style?: "primary" | "danger") => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text, emoji: true },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

export const incidentHeadline = (i: Pick<Incident, "number" | "title" | "severity">): string =>
  `${severityEmoji[i.severity]} *#${i.number} · ${escapeText(truncate(i.title, 150))}*`;

export function incidentCard(incident: CardIncident): SlackMessage {
  const value = String(incident.id);
  const services = incident.affectedServices.length ? incident.affectedServices.map(escapeText).join(", ") : "_none named_";
  const description = incident.description.trim() ? escapeText(truncate(incident.description, 2900)) : "_No description yet._";
  const open = isOpen(incident.status);
  const people = roles
    .filter((r) => r !== "commander")
    .map((r) => [roleDefinitions[r].label, roleHolder(incident, r)] as const)
    .filter((pair): pair is readonly [string, string] => Boolean(pair[1]))
    .map(([label, holder]) => field(label, mentionUser(holder)));
  const acknowledged = incident.acknowledgedAt && incident.acknowledgedBy
    ? [field("Acknowledged", `${mentionUser(incident.acknowledgedBy)} after ${humanDuration(incident.acknowledgedAt.getTime() - incident.declaredAt.getTime())}`)]
    : open
      ? [field("Acknowledged", "_not yet_")]
      : [];
  const blocks: unknown[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: incidentHeadline(incident) },
      ...(open
        ? {
            accessory: {
              type: "overflow",
              action_id: WarRoomActions.menu,
              options: [{ text: { type: "plain_text", text: "Change severity", emoji: true }, value: CardMenu.changeSeverity }],
            },
          }
        : {}),
    },
    {
      type: "section",
      fields: [
        field("Severity", severityLabel(incident.severity)),
        field("Status", statusLabels[incident.status]),
        field("Incident Commander", mentionUser(incident.commanderId)),
        ...people,
        ...acknowledged,
        field("Affected services", services),
      ].slice(0, 10),
    },
    { type: "section", text: { type: "mrkdwn", text: `*Description / impact*\n${description}` } },
  ];
  if (incident.resolutionSummary && !open) {
    const d = incidentDurations(incident);
    const figures = [
      d.toAcknowledge !== undefined ? `acknowledged in ${humanDuration(d.toAcknowledge)}` : "",
      d.toMitigate !== undefined ? `mitigated in ${humanDuration(d.toMitigate)}` : "",
      d.toResolve !== undefined ? `resolved in ${humanDuration(d.toResolve)}` : "",
    ].filter(Boolean);
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          `:white_check_mark: *Resolution*\n${escapeText(truncate(incident.resolutionSummary, 1800))}`,
          incident.rootCause ? `*Root cause*\n${escapeText(truncate(incident.rootCause, 900))}` : "",
          figures.length ? `_${figures.join(" · ")}_` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      },
    });
  }
  const missed = [
    incident.ackSlaBreachedAt ? "acknowledgement target missed" : "",
    incident.resolveSlaBreachedAt ? "resolution target missed" : "",
  ].filter(Boolean);
  if (missed.length) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `:alarm_clock: SLA: ${missed.join(", ")}` }] });
  if (open) {
    blocks.push({
      type: "actions",
      block_id: "warroom_actions",
      elements: [
        ...(incident.acknowledgedAt ? [] : [button("Acknowledge", WarRoomActions.acknowledge, value, "primary")]),
        button("Update status", WarRoomActions.updateStatus, value),
        button("Assign roles", WarRoomActions.assignRoles, value),
        button("Post update", WarRoomActions.postUpdate, value),
        button("Resolve", WarRoomActions.resolve, value, incident.acknowledgedAt ? "primary" : undefined),
      ],
    });
  }
  if (!open) {
    blocks.push({ type: "actions", block_id: "postmortem_actions", elements: [button("Start postmortem", PostmortemActions.start, value, "primary")] });
  }
  const closing = incident.status === "closed" ? " · Closed; `/incident reopen` brings it back" : incident.status === "resolved" ? " · `/incident close` archives this channel" : "";
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `Declared by ${mentionUser(incident.declaredBy)} on ${slackDate(incident.declaredAt)}${closing}` }],
  });
  return {
    text: `Incident #${incident.number} (${severityLabel(incident.severity)}, ${statusLabels[incident.status]}): ${escapeText(truncate(incident.title, 150))}`,
    blocks,
  };
}

export function incidentAnnouncement(incident: CardIncident): SlackMessage {
  const room = incident.channelId ? mentionChannel(incident.channelId) : "_war room not created yet_";
  const title = escapeText(truncate(incident.title, 150));
  return {
    text: `${severityLabel(incident.severity)} incident #${incident.number} declared: ${title}`,
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:rotating_light: *${severityLabel(incident.severity)}* incident declared\n${incidentHeadline(incident)}`,
        },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `War room: ${room} · IC: ${mentionUser(incident.commanderId)} · Declared by ${mentionUser(incident.declaredBy)}`,
          },
        ],
      },
    ],
  };
}

const TOPIC_MAX = 250;

/** `[SEV1] Checkout is down | Investigating | IC: @alice`, the title shortened to fit Slack's 250 characters. */
export function incidentTopic(incident: Pick<Incident, "title" | "severity" | "status" | "commanderId">): string {
  const prefix = `[${severityLabel(incident.severity)}] `;
  const suffix = ` | ${statusLabels[incident.status]} | IC: ${mentionUser(incident.commanderId)}`;
  let title = truncate(incident.title, TOPIC_MAX - prefix.length - suffix.length);
  // Escaping can lengthen the title; shorten until the whole topic fits.
  while (prefix.length + escapeText(title).length + suffix.length > TOPIC_MAX) title = truncate(title, Array.from(title).length - 1);
  return `${prefix}${escapeText(title)}${suffix}`;
}

export function declaredReply(incident: Pick<Incident, "number" | "title" | "channelId">): SlackMessage {
  const room = incident.channelId ? mentionChannel(incident.channelId) : "its channel is being created";
  return { text: `:white_check_mark: Incident #${incident.number} is declared: ${escapeText(truncate(incident.title, 150))}. War room: ${room}` };
}

/** Said in the war room when the announcement channel cannot take the announcement, so nobody assumes it went out. */
export function announcementUnavailable(channel: string, slackError: string): SlackMessage {
  const where = escapeText(channel.startsWith("#") ? channel : `#${channel}`);
  const reason =
    slackError === "channel_not_found"
      ? `there is no public channel ${where}`
      : slackError === "is_archived"
        ? `${where} is archived`
        : `Slack answered \`${escapeText(slackError)}\``;
  return {
    text:
      `:warning: I could not announce this incident in ${where}: ${reason}. ` +
      `Share this channel with whoever needs to know, and ask an admin to create ${where} or set INCIDENTS_CHANNEL to a channel that exists.`,
  };
}
