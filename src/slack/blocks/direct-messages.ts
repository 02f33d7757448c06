// What the bot tells one person in their DM: a role, a page, an action item, a reminder, a step that failed.
import type { ActionItem, Incident } from "../../db/schema.js";
import { severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { roleDefinitions, type Role } from "../../incidents/roles.js";
import type { SlackMessage } from "../gateway.js";
import { ActionItemActions, WarRoomActions } from "../ids.js";
import { incidentHeadline } from "./incident-card.js";
import { roleBriefs } from "./role-briefs.js";
import { actions, button, context, fallback, section } from "./kit.js";
import { escaped, mentionChannel, mentionUser } from "./text.js";

const room = (i: Pick<Incident, "channelId">) => (i.channelId ? ` · ${mentionChannel(i.channelId)}` : "");

/** The DM a new role holder gets: the incident, and what the role expects of them. */
export function roleAssignedDm(incident: Incident, role: Role, assignedBy: string): SlackMessage {
  const def = roleDefinitions[role];
  return {
    text: `You are now ${def.label} for incident #${incident.number}`,
    blocks: [
      section(`:wave: ${mentionUser(assignedBy)} made you *${def.label}* for this incident${room(incident)}:\n${incidentHeadline(incident)}`),
      section(`*${roleBriefs[role].responsibility}*\n${roleBriefs[role].expectations.map((e) => `• ${e}`).join("\n")}`),
      context(`${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · IC ${mentionUser(incident.commanderId)}`),
    ],
  };
}

/** `byHand`: who escalated to this level themselves (a nudge's Escalate button). */
export function pageDm(incident: Incident, level: number, escalated: boolean, byHand?: string): SlackMessage {
  const why = byHand
    ? `${mentionUser(byHand)} escalated it to you (level ${level}): it needs more help.`
    : escalated
      ? `Nobody has acknowledged it yet, so it escalated to you (level ${level}).`
      : "You are on call for it.";
  const where = incident.channelId ? mentionChannel(incident.channelId) : "its war room (being created)";
  return {
    text: `:rotating_light: You are paged for ${severityLabel(incident.severity)} incident #${incident.number}`,
    blocks: [
      section(`:rotating_light: *You are paged* for a ${severityLabel(incident.severity)} incident.\n${incidentHeadline(incident)}`),
      section(`${why} War room: ${where} · IC ${mentionUser(incident.commanderId)}`),
      actions([button("Acknowledge", WarRoomActions.acknowledge, String(incident.id), "primary")]),
    ],
  };
}

const itemButtons = (item: ActionItem) =>
  actions([
    button("Mark done", ActionItemActions.done, String(item.id), "primary"),
    button("Snooze a week", ActionItemActions.snooze, String(item.id)),
    button("Reassign", ActionItemActions.reassign, String(item.id)),
  ]);

export function actionItemDm(incident: Incident, item: ActionItem, assignedBy: string, ownerDeactivated?: string): SlackMessage {
  const due = item.dueDate ? `due *${item.dueDate}*` : "no due date";
  const note = ownerDeactivated ? `\n_${mentionUser(ownerDeactivated)} is deactivated, so this comes to you as the incident's commander._` : "";
  return {
    text: `New action item for you from incident #${incident.number}`,
    blocks: [
      section(`:ballot_box_with_check: ${mentionUser(assignedBy)} gave you an action item from ${incidentHeadline(incident)}${note}`),
      section(`*${escaped(item.description, 500)}*\n${due} · priority ${item.priority}`),
      itemButtons(item),
    ],
  };
}

export function overdueActionItemDm(incident: Incident, item: ActionItem): SlackMessage {
  return {
    text: fallback(`Overdue action item from incident #${incident.number}: ${escaped(item.description, 150)}`),
    blocks: [
      section(`:alarm_clock: This action item was due *${item.dueDate}* and is still ${item.status === "in_progress" ? "in progress" : "open"}:\n*${escaped(item.description, 500)}*`),
      context(`From ${incidentHeadline(incident)} · priority ${item.priority}`),
      itemButtons(item),
    ],
  };
}

export function overdueDigestDm(rows: Array<{ item: ActionItem; incident: Pick<Incident, "number"> }>): SlackMessage {
  const lines = rows.slice(0, 40).map(({ item, incident }) => `• *${escaped(item.description, 200)}* — ${mentionUser(item.ownerId)}, due ${item.dueDate} (#${incident.number})`);
  return {
    text: `${rows.length} overdue action item${rows.length === 1 ? "" : "s"} from your incidents`,
    blocks: [section(`:spiral_calendar_pad: *Overdue action items from incidents you commanded* (${rows.length})\n${lines.join("\n")}`)],
  };
}

export function postmortemNotDraftedDm(incident: Incident, now: Date): SlackMessage {
  const hours = incident.resolvedAt ? Math.floor((now.getTime() - incident.resolvedAt.getTime()) / 3_600_000) : 48;
  return {
    text: `The postmortem of incident #${incident.number} is not started`,
    blocks: [section(`:memo: Incident #${incident.number} was resolved ${hours} hours ago and its postmortem is required, but nobody has started it.\n${incidentHeadline(incident)}\nStart it with \`/incident postmortem #${incident.number}\`.`)],
  };
}

export function postmortemDraftStaleDm(incident: Incident): SlackMessage {
  return {
    text: `Your postmortem draft for incident #${incident.number} is a week old`,
    blocks: [section(`:memo: Your postmortem draft for ${incidentHeadline(incident)} has been a draft for 7 days. Finish it with \`/incident postmortem #${incident.number}\`, then \`/incident postmortem review\`.`)],
  };
}

export function postmortemReviewDm(incident: Incident, askedBy: string): SlackMessage {
  return {
    text: `The postmortem of incident #${incident.number} is ready for review`,
    blocks: [
      section(`:mag: ${mentionUser(askedBy)} asked for review of the postmortem of ${incidentHeadline(incident)}. Read it with \`/incident postmortem export #${incident.number}\`; publish it with \`/incident postmortem publish #${incident.number}\`.`),
    ],
  };
}

export function deliveryFailedDm(incident: Incident, text: string, headline: string): SlackMessage {
  return { text: fallback(headline), blocks: [section(text), context(`${incidentHeadline(incident)}${room(incident)}`)] };
}
