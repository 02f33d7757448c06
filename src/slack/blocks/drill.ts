// The DRILL marker: every message the bot posts about a drill carries it, added where messages are delivered
// (postOnce, the card's refresh, the declarer's link), never by each builder; and how a drill is named in lists.
import type { SlackMessage } from "../gateway.js";
import { Limits, mrkdwn } from "./kit.js";
import { cutMrkdwn } from "./text.js";

export const DRILL_BANNER_BLOCK_ID = "drill_banner";
/** What a person sees first on a drill's messages (and in notifications, via the fallback text). */
export const DRILL_MARK = ":construction: DRILL";
/** Next to a drill in a list (incidents, search results, the App Home). */
export const DRILL_TAG = ":construction: _drill_";
const SLACK_MAX_BLOCKS = 50;

const banner = {
  type: "context" as const,
  block_id: DRILL_BANNER_BLOCK_ID,
  elements: [mrkdwn(`${DRILL_MARK} — *practice incident*: nobody is paged, and nothing leaves Slack.`, Limits.context)],
};

/** The message with the DRILL banner on top and in its text; marking twice changes nothing. */
export function drillMarked(message: SlackMessage): SlackMessage {
  const blocks = message.blocks as Array<{ block_id?: string }> | undefined;
  if (blocks?.[0]?.block_id === DRILL_BANNER_BLOCK_ID || message.text.startsWith(DRILL_MARK)) return message;
  const text = cutMrkdwn(`${DRILL_MARK} — ${message.text}`, Limits.messageText);
  if (!blocks) return { ...message, text };
  // A message already at Slack's 50 blocks keeps them all; its text still says DRILL.
  return { ...message, text, blocks: blocks.length < SLACK_MAX_BLOCKS ? [banner, ...blocks] : blocks };
}

/** Marks the message when it is about a drill. */
export const markedIfDrill = (incident: { isDrill?: boolean } | undefined, message: SlackMessage): SlackMessage => (incident?.isDrill ? drillMarked(message) : message);

/** "#12 · Title" in a list, tagged when it is a drill. */
export const drillTagged = (incident: { isDrill?: boolean }): string => (incident.isDrill ? ` · ${DRILL_TAG}` : "");
