// What the bot says about an incident as a whole: the pinned live card, the announcement, the topic and the
// declarer's link. Each is drawn from the incident as it is now.
import { drillTagged } from "./drill.js";
import type { AlertTally } from "../../alerts/tally.js";
import type { Incident } from "../../db/schema.js";
import { humanDuration, incidentDurations, isOpen, severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { roleDefinitions, roleHolder, roles } from "../../incidents/roles.js";
import type { SlackMessage } from "../gateway.js";
import { CardMenu, PostmortemActions, WarRoomActions } from "../ids.js";
import { checklistProgressLine } from "./checklist.js";
import type { IncidentTask } from "../../db/schema.js";
import { actions, button, context, fallback, field, Limits, plainText, section } from "./kit.js";
import { escaped, mentionChannel, mentionUser, slackDate } from "./text.js";

const severityEmoji: Record<Incident["severity"], string> = {
  sev1: ":red_circle:",
  sev2: ":large_orange_circle:",
  sev3: ":large_yellow_circle:",
  sev4: ":white_circle:",
};

/** The longest title shown in a line; the card shows the whole title (at most 150 typed characters). */
const TITLE_IN_LINE = 200;

export const incidentTitle = (i: Pick<Incident, "title">, max = TITLE_IN_LINE): string => escaped(i.title, max);

/** A drill's headline says so wherever it is shown (DMs, the App Home, the timeline). */
export const incidentHeadline = (i: Pick<Incident, "number" | "title" | "severity"> & { isDrill?: boolean }): string =>
  `${severityEmoji[i.severity]} *#${i.number} · ${incidentTitle(i)}*${drillTagged(i)}`;

/** "3 alerts firing", "1 of 3 alerts resolved, 2 still firing", "All 3 alerts resolved". */
export function alertTallyWords(tally: AlertTally): string {
  const alerts = (n: number) => `${n} alert${n === 1 ? "" : "s"}`;
  if (tally.firing === 0) return tally.total === 1 ? "The alert resolved" : `All ${alerts(tally.total)} resolved`;
  if (tally.resolved === 0) return `${alerts(tally.firing)} firing`;
  return `${tally.resolved} of ${alerts(tally.total)} resolved, ${tally.firing} still firing`;
}

const alertTallyLine = (tally: AlertTally): string => `${tally.firing === 0 ? ":white_check_mark:" : ":rotating_light:"} ${alertTallyWords(tally)}`;

/** The pinned card; `alerts`: how the incident's alerts stand, when alerts brought it; `checklist`: its items, if any. */
export function incidentCard(incident: Incident, alerts?: AlertTally, checklist?: Pick<IncidentTask, "phase" | "doneAt">[]): SlackMessage {
  const value = String(incident.id);
  const services = incident.affectedServices.length ? escaped(incident.affectedServices.join(", "), 1500) : "_none named_";
  const description = incident.description.trim() ? escaped(incident.description, 2900) : "_No description yet._";
  const open = isOpen(incident.status);
  const people = roles
    .filter((r) => r !== "commander")
    .map((r) => [roleDefinitions[r].label, roleHolder(incident, r)] as const)
    .filter((pair): pair is readonly [string, string] => Boolean(pair[1]))
    .map(([label, holder]) => field(label, mentionUser(holder)));
  const acknowledged =
    incident.acknowledgedAt && incident.acknowledgedBy
      ? [field("Acknowledged", `${mentionUser(incident.acknowledgedBy)} after ${humanDuration(incident.acknowledgedAt.getTime() - incident.declaredAt.getTime())}`)]
      : open
        ? [field("Acknowledged", "_not yet_")]
        : [];
  const blocks: unknown[] = [
    {
      ...section(incidentHeadline(incident)),
      ...(open
        ? {
            accessory: {
              type: "overflow",
              action_id: WarRoomActions.menu,
              // Slack's overflow menu takes 2 to 5 options.
              options: [
                { text: plainText("Change severity", Limits.option), value: CardMenu.changeSeverity },
                { text: plainText("Show timeline", Limits.option), value: CardMenu.showTimeline },
                { text: plainText("Executive summary", Limits.option), value: CardMenu.execSummary },
                { text: plainText("Customer update (status page)", Limits.option), value: CardMenu.customerUpdate },
              ],
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
    section(`*Description / impact*\n${description}`),
  ];
  if (incident.resolutionSummary && !open) {
    const d = incidentDurations(incident);
    const figures = [
      d.toAcknowledge !== undefined ? `acknowledged in ${humanDuration(d.toAcknowledge)}` : "",
      d.toMitigate !== undefined ? `mitigated in ${humanDuration(d.toMitigate)}` : "",
      d.toResolve !== undefined ? `resolved in ${humanDuration(d.toResolve)}` : "",
    ].filter(Boolean);
    blocks.push(
      section(
        [
          `:white_check_mark: *Resolution*\n${escaped(incident.resolutionSummary, 1800)}`,
          incident.rootCause ? `*Root cause*\n${escaped(incident.rootCause, 900)}` : "",
          figures.length ? `_${figures.join(" · ")}_` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      ),
    );
  }
  const missed = [incident.ackSlaBreachedAt ? "acknowledgement target missed" : "", incident.resolveSlaBreachedAt ? "resolution target missed" : ""].filter(Boolean);
  if (missed.length) blocks.push(context(`:alarm_clock: SLA: ${missed.join(", ")}`));
  if (open) {
    blocks.push(
      actions(
        [
          ...(incident.acknowledgedAt ? [] : [button("Acknowledge", WarRoomActions.acknowledge, value, "primary")]),
          button("Update status", WarRoomActions.updateStatus, value),
          button("Assign roles", WarRoomActions.assignRoles, value),
          button("Post update", WarRoomActions.postUpdate, value),
          button("Resolve", WarRoomActions.resolve, value, incident.acknowledgedAt ? "primary" : undefined),
        ],
        "warroom_actions",
      ),
    );
  } else {
    blocks.push(actions([button("Start postmortem", PostmortemActions.start, value, "primary")], "postmortem_actions"));
  }
  const closing = incident.status === "closed" ? " · Closed; `/incident reopen` brings it back" : incident.status === "resolved" ? " · `/incident close` archives this channel" : "";
  const history = incident.previousChannelIds.length ? ` · Continues ${incident.previousChannelIds.map(mentionChannel).join(", ")} (archived)` : "";
  if (alerts && alerts.total > 0) blocks.push(context(alertTallyLine(alerts)));
  const progress = checklistProgressLine(checklist);
  if (progress) blocks.push(context(progress));
  blocks.push(context(`Declared by ${mentionUser(incident.declaredBy)} on ${slackDate(incident.declaredAt)}${history}${closing}`));
  return {
    text: fallback(`Incident #${incident.number} (${severityLabel(incident.severity)}, ${statusLabels[incident.status]}): ${incidentTitle(incident)}`),
    blocks,
  };
}

// The announcement and the declarer's link are delivered after the channel step: no channel by then means Slack refused it.
const NO_ROOM = "_none: Slack would not create the channel (the commander has been told)_";

export function incidentAnnouncement(incident: Incident): SlackMessage {
  const room = incident.channelId ? mentionChannel(incident.channelId) : NO_ROOM;
  return {
    text: fallback(`${severityLabel(incident.severity)} incident #${incident.number} declared: ${incidentTitle(incident)}`),
    blocks: [
      section(`:rotating_light: *${severityLabel(incident.severity)}* incident declared\n${incidentHeadline(incident)}`),
      context(`War room: ${room} · IC: ${mentionUser(incident.commanderId)} · Declared by ${mentionUser(incident.declaredBy)}`),
    ],
  };
}

const TOPIC_MAX = 250;

/** `[SEV1] Checkout is down | Investigating | IC: @alice`, the title shortened to fit Slack's 250 characters. */
export function incidentTopic(incident: Pick<Incident, "title" | "severity" | "status" | "commanderId"> & { isDrill?: boolean }): string {
  const prefix = `${incident.isDrill ? "[DRILL] " : ""}[${severityLabel(incident.severity)}] `;
  const suffix = ` | ${statusLabels[incident.status]} | IC: ${mentionUser(incident.commanderId)}`;
  return `${prefix}${escaped(incident.title, TOPIC_MAX - prefix.length - suffix.length)}${suffix}`;
}

export function declaredReply(incident: Pick<Incident, "number" | "title" | "channelId">): SlackMessage {
  const room = incident.channelId ? mentionChannel(incident.channelId) : NO_ROOM;
  return { text: `:white_check_mark: Incident #${incident.number} is declared: ${incidentTitle(incident)}. War room: ${room}` };
}

/** Said in the war room when the announcement channel cannot take the announcement, so nobody assumes it went out. */
export function announcementUnavailable(channel: string, slackError: string): SlackMessage {
  const where = escaped(channel.startsWith("#") ? channel : `#${channel}`, 90);
  const reason =
    slackError === "channel_not_found"
      ? `there is no public channel ${where}`
      : slackError === "is_archived"
        ? `${where} is archived`
        : `Slack answered \`${escaped(slackError, 80)}\``;
  return {
    text:
      `:warning: I could not announce this incident in ${where}: ${reason}. ` +
      `Share this channel with whoever needs to know, and ask an admin to create ${where} or point INCIDENTS_CHANNEL (or this severity's INCIDENTS_CHANNEL_SEVn) at a channel that exists.`,
  };
}

/** The first words in a continuation channel: where the incident's history is. */
export function continuationIntro(incident: Incident, previousChannelId: string, reopenedBy: string | undefined): SlackMessage {
  const who = reopenedBy ? `${mentionUser(reopenedBy)} reopened` : "Reopened:";
  const said = `:leftwards_arrow_with_hook: ${who} ${incidentHeadline(incident)}. It continues here; ${mentionChannel(previousChannelId)} is archived and keeps its history.`;
  return { text: fallback(said), blocks: [section(said)] };
}
