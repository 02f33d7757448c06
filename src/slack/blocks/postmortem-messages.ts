// What the bot says about postmortems and action items in Slack.
import type { ActionItem, Incident, Postmortem } from "../../db/schema.js";
import type { SlackMessage } from "../gateway.js";
import { incidentHeadline } from "./incident-card.js";
import { ActionItemActions } from "../ids.js";
import { escapeText, mentionChannel, mentionUser, truncate } from "./text.js";
import { section } from "./kit.js";


export function postmortemPublished(incident: Incident, pm: Postmortem, userId: string, where: "war_room" | "announcement"): SlackMessage {
  const summary = escapeText(truncate(pm.content.summary?.trim() ?? "", 1500));
  const lessons = pm.content.lessons?.trim() ? `\n*Lessons:* ${escapeText(truncate(pm.content.lessons.trim(), 800))}` : "";
  const room = where === "announcement" && incident.channelId ? ` · ${mentionChannel(incident.channelId)}` : "";
  return {
    text: `Postmortem published for incident #${incident.number}`,
    blocks: [
      section(`:memo: *Postmortem published* by ${mentionUser(userId)}${room}\n${incidentHeadline(incident)}`),
      section(`${summary}${lessons}`),
      { type: "context", elements: [{ type: "mrkdwn", text: `The whole postmortem: \`/incident postmortem export #${incident.number}\`` }] },
    ],
  };
}

export function actionItemDm(incident: Incident, item: ActionItem, assignedBy: string, note?: string): SlackMessage {
  const due = item.dueDate ? `due *${item.dueDate}*` : "no due date";
  return {
    text: `New action item for you from incident #${incident.number}`,
    blocks: [
      section(`:ballot_box_with_check: ${mentionUser(assignedBy)} gave you an action item from ${incidentHeadline(incident)}${note ? `\n_${note}_` : ""}`),
      section(`*${escapeText(truncate(item.description, 500))}*\n${due} · priority ${item.priority}`),
      itemButtons(item),
    ],
  };
}

/** The exported Markdown, in code blocks Slack can show (each section at most 3000 characters). */
export function markdownSnippet(incidentNumber: number, markdown: string): SlackMessage {
  const chunks: string[] = [];
  let current = "";
  for (const line of markdown.split("\n")) {
    if (current.length + line.length + 1 > 2900) {
      chunks.push(current);
      current = "";
    }
    current += `${line.slice(0, 2900)}\n`;
  }
  if (current.trim()) chunks.push(current);
  const shown = chunks.slice(0, 45);
  return {
    text: `Postmortem of incident #${incidentNumber} (Markdown)`,
    blocks: [
      section(`:memo: Postmortem of incident #${incidentNumber}, as Markdown to copy:`),
      ...shown.map((c) => section("```" + escapeText(c) + "```")),
      ...(chunks.length > shown.length ? [section(`_…cut here: the postmortem is longer than Slack shows in one message._`)] : []),
    ],
  };
}

const itemButtons = (item: ActionItem) => ({
  type: "actions" as const,
  elements: [
    { type: "button" as const, text: { type: "plain_text" as const, text: "Mark done" }, action_id: ActionItemActions.done, value: String(item.id), style: "primary" as const },
    { type: "button" as const, text: { type: "plain_text" as const, text: "Snooze a week" }, action_id: ActionItemActions.snooze, value: String(item.id) },
    { type: "button" as const, text: { type: "plain_text" as const, text: "Reassign" }, action_id: ActionItemActions.reassign, value: String(item.id) },
  ],
});

export function overdueActionItemDm(incident: Incident, item: ActionItem): SlackMessage {
  return {
    text: `Overdue action item from incident #${incident.number}: ${escapeText(truncate(item.description, 150))}`,
    blocks: [
      section(`:alarm_clock: This action item was due *${item.dueDate}* and is still ${item.status === "in_progress" ? "in progress" : "open"}:\n*${escapeText(truncate(item.description, 500))}*`),
      { type: "context", elements: [{ type: "mrkdwn", text: `From ${incidentHeadline(incident)} · priority ${item.priority}` }] },
      itemButtons(item),
    ],
  };
}

export function overdueDigestDm(rows: Array<{ item: ActionItem; incident: Incident }>): SlackMessage {
  const lines = rows.slice(0, 40).map(({ item, incident }) => `• *${escapeText(truncate(item.description, 200))}* — ${mentionUser(item.ownerId)}, due ${item.dueDate} (#${incident.number})`);
  return {
    text: `${rows.length} overdue action item${rows.length === 1 ? "" : "s"} from your incidents`,
    blocks: [section(`:spiral_calendar_pad: *Overdue action items from incidents you commanded* (${rows.length})\n${lines.join("\n")}`.slice(0, 2990))],
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
