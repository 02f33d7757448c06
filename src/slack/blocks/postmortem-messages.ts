// What the bot says about postmortems and action items in Slack.
import type { ActionItem, Incident, Postmortem } from "../../db/schema.js";
import type { SlackMessage } from "../gateway.js";
import { incidentHeadline } from "./incident-card.js";
import { escapeText, mentionChannel, mentionUser, truncate } from "./text.js";

const section = (text: string) => ({ type: "section" as const, text: { type: "mrkdwn" as const, text } });

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

export function actionItemDm(incident: Incident, item: ActionItem, assignedBy: string): SlackMessage {
  const due = item.dueDate ? `due *${item.dueDate}*` : "no due date";
  return {
    text: `New action item for you from incident #${incident.number}`,
    blocks: [
      section(`:ballot_box_with_check: ${mentionUser(assignedBy)} gave you an action item from ${incidentHeadline(incident)}`),
      section(`*${escapeText(truncate(item.description, 500))}*\n${due} · priority ${item.priority}`),
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
