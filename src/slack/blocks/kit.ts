// The Block Kit pieces every message and modal is built from, each cut to Slack's own limit for where it goes
// (counted in UTF-16 units, after escaping), so no renderer can build a block Slack would refuse.
import { inputAction } from "../ids.js";
import { cutMrkdwn, truncate } from "./text.js";

/** Slack's limits (Block Kit reference): section text 3000, a field 2000, context text 3000, header 150, button 75. */
export const Limits = { section: 3000, field: 2000, context: 3000, header: 150, button: 75, option: 75, label: 2000, title: 24, messageText: 40_000 } as const;

/** plain_text, cut to Slack's limit for where it goes (labels 2000, options 75, titles 24). */
export const plainText = (text: string, max: number = Limits.label) => ({ type: "plain_text" as const, text: truncate(text, max), emoji: true });

export const mrkdwn = (text: string, max: number = Limits.section) => ({ type: "mrkdwn" as const, text: cutMrkdwn(text, max) });

export const section = (text: string) => ({ type: "section" as const, text: mrkdwn(text, Limits.section) });

export const context = (text: string) => ({ type: "context" as const, elements: [mrkdwn(text, Limits.context)] });

export const header = (text: string) => ({ type: "header" as const, text: plainText(text, Limits.header) });

export const field = (label: string, value: string) => mrkdwn(`*${label}*\n${value}`, Limits.field);

export const button = (text: string, actionId: string, value: string, style?: "primary" | "danger") => ({
  type: "button" as const,
  text: plainText(text, Limits.button),
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});

/** A modal's input block; its element's action id is derived from the block id (ids.ts inputAction), as the view listeners read it. */
export const input = (blockId: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "input" as const,
  block_id: blockId,
  label: plainText(label, Limits.label),
  element: { action_id: inputAction(blockId), ...element },
  ...extra,
});

export const actions = (elements: unknown[], blockId?: string) => ({ type: "actions" as const, ...(blockId ? { block_id: blockId } : {}), elements });

/** A message's fallback text (notifications, screen readers); Slack keeps at most 40,000 characters. */
export const fallback = (text: string) => cutMrkdwn(text, 3000);
