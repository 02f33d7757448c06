// The few Block Kit pieces every message and modal is built from.
import { truncate } from "./text.js";

/** plain_text, cut to Slack's limit for where it goes (labels 2000, options 75, titles 24). */
export const plainText = (text: string, max = 2000) => ({ type: "plain_text" as const, text: truncate(text, max), emoji: true });

export const section = (text: string) => ({ type: "section" as const, text: { type: "mrkdwn" as const, text } });

export const context = (text: string) => ({ type: "context" as const, elements: [{ type: "mrkdwn" as const, text }] });
