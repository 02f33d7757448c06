// A message edited or deleted in a channel the bot is in: if it was captured onto a timeline, the entry follows.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { followCapturedMessage } from "../../../incidents/captured-edits.js";
import type { ListenerDeps } from "../deps.js";

const slackTs = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const envelopeSchema = z.object({ team_id: z.string().min(1) });
// Slack's message_changed: the message as it is now (with edited.ts) and as it was; message_deleted: deleted_ts.
const changedSchema = z.object({
  subtype: z.literal("message_changed"),
  channel: z.string().min(1),
  ts: slackTs,
  message: z.object({ ts: slackTs, text: z.string().default(""), user: z.string().optional(), edited: z.object({ ts: slackTs, user: z.string().optional() }).optional() }),
  previous_message: z.object({ text: z.string().default("") }).optional(),
});
const deletedSchema = z.object({
  subtype: z.literal("message_deleted"),
  channel: z.string().min(1),
  ts: slackTs,
  deleted_ts: slackTs,
  previous_message: z.object({ user: z.string().optional(), bot_id: z.string().optional() }).optional(),
});

/** The message events that can change a timeline: every other message event is ignored before any work. */
export const followedMessageSubtypes: ReadonlySet<string> = new Set(["message_changed", "message_deleted"]);

export async function messageChanges(deps: ListenerDeps, { event, body }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs): Promise<void> {
  const subtype = (event as { subtype?: string }).subtype;
  if (!subtype || !followedMessageSubtypes.has(subtype)) return;
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return;
  const teamId = envelope.data.team_id;
  if (subtype === "message_changed") {
    const changed = changedSchema.safeParse(event);
    if (!changed.success) return deps.logger.warn({ issues: changed.error.issues.length }, "ignored a message_changed event not shaped as Slack sends it");
    const { message, previous_message } = changed.data;
    // Slack also sends message_changed when only an unfurl or a reply count changed: the words are what we follow.
    if (!message.edited || message.text === previous_message?.text) return;
    await followCapturedMessage(deps, teamId, {
      kind: "edited",
      channelId: changed.data.channel,
      ts: message.ts,
      text: message.text,
      editedTs: message.edited.ts,
      by: message.edited.user ?? message.user ?? "unknown",
    });
    return;
  }
  const deleted = deletedSchema.safeParse(event);
  if (!deleted.success) return deps.logger.warn({ issues: deleted.error.issues.length }, "ignored a message_deleted event not shaped as Slack sends it");
  await followCapturedMessage(deps, teamId, {
    kind: "deleted",
    channelId: deleted.data.channel,
    ts: deleted.data.deleted_ts,
    deletedTs: deleted.data.ts,
    // Slack does not say who deleted it; the author is the likeliest, and the one the audit log can name.
    by: deleted.data.previous_message?.user ?? deleted.data.previous_message?.bot_id ?? "unknown",
  });
}
