// Lists of action items: what, whose, when, from which incident.
import type { ActionItem } from "../../db/schema.js";
import type { ListedActionItem } from "../../postmortems/action-items.js";
import type { ActionItemChange } from "../../postmortems/postmortems.js";
import type { SlackMessage } from "../gateway.js";
import { context, section } from "./kit.js";
import { escaped, mentionUser } from "./text.js";

const statusLabel = { open: "open", in_progress: "in progress", done: "done", wont_do: "won't do" } as const;

export function actionItemList(title: string, items: ListedActionItem[], today: string): SlackMessage {
  if (items.length === 0) return { text: `${title}: none.` };
  const line = (a: ListedActionItem) => {
    const overdue = a.dueDate && a.dueDate < today && (a.status === "open" || a.status === "in_progress") ? " :warning: overdue" : "";
    return `• \`${a.id}\` *${escaped(a.description, 200)}* — ${mentionUser(a.ownerId)} · due ${a.dueDate ?? "—"}${overdue} · ${a.priority} · ${statusLabel[a.status]} · #${a.incidentNumber}`;
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
      section(`*${title}* (${items.length})`),
      ...sections.map((text) => section(text)),
      ...(items.length > 60 ? [context(`…and ${items.length - 60} more.`)] : []),
    ],
  };
}

/** What a person is told after changing an action item. */
export function actionItemReply(outcome: { item: ActionItem; change: ActionItemChange; unchanged?: boolean; ownerDeactivated?: string }): string {
  const { item, change } = outcome;
  if (outcome.unchanged) return `It is already ${statusLabel[item.status]}.`;
  switch (change.kind) {
    case "status":
      return change.status === "done" ? ":white_check_mark: Marked done. Thank you!" : `Marked ${statusLabel[change.status]}.`;
    case "wont_do":
      return "Marked won't do.";
    case "snooze":
      return `Snoozed: now due ${item.dueDate}.`;
    case "reassign":
      return outcome.ownerDeactivated
        ? `${mentionUser(outcome.ownerDeactivated)} is deactivated, so the item went to the commander ${mentionUser(item.ownerId)}.`
        : `Reassigned to ${mentionUser(item.ownerId)}.`;
  }
}
