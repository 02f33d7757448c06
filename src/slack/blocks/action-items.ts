// Lists of action items: what, whose, when, from which incident.
import type { ListedActionItem } from "../../postmortems/action-items.js";
import type { SlackMessage } from "../gateway.js";
import { escapeText, mentionUser, truncate } from "./text.js";

const statusLabel = { open: "open", in_progress: "in progress", done: "done", wont_do: "won't do" } as const;

export function actionItemList(title: string, items: ListedActionItem[], today: string): SlackMessage {
  if (items.length === 0) return { text: `${title}: none.` };
  const line = (a: ListedActionItem) => {
    const overdue = a.dueDate && a.dueDate < today && (a.status === "open" || a.status === "in_progress") ? " :warning: overdue" : "";
    return `• \`${a.id}\` *${escapeText(truncate(a.description, 200))}* — ${mentionUser(a.ownerId)} · due ${a.dueDate ?? "—"}${overdue} · ${a.priority} · ${statusLabel[a.status]} · #${a.incidentNumber}`;
  };
  const lines = items.slice(0, 60).map(line);
  const sections: string[] = [];
  for (const l of lines) {
    if (sections.length && sections.at(-1)!.length + l.length + 1 <= 2900) sections[sections.length - 1] += `\n${l}`;
    else sections.push(l);
  }
  return {
    text: `${title} (${items.length})`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${title}* (${items.length})` } },
      ...sections.map((text) => ({ type: "section", text: { type: "mrkdwn", text } })),
      ...(items.length > 60 ? [{ type: "context", elements: [{ type: "mrkdwn", text: `…and ${items.length - 60} more.` }] }] : []),
    ],
  };
}
