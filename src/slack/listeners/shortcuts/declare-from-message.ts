// The message shortcut "Declare incident": the declare form, filled in from the message (its first line as the
// title, its words and link as the description). On submit, the message's thread comes onto the new timeline.
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { declareModal } from "../../blocks/declare-modal.js";
import type { ListenerDeps } from "../deps.js";
import { encodeDeclareOrigin, plainForModal } from "../forms.js";
import { openForm } from "../open-form.js";

const shortcutSchema = z.object({
  trigger_id: z.string().min(1),
  response_url: z.url().max(500).optional(),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1).max(30) }),
  message: z.object({ ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/), thread_ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/).optional(), text: z.string().default("") }),
});

export async function declareFromMessage(deps: ListenerDeps, { ack, shortcut, respond, client }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> {
  await ack();
  const parsed = shortcutSchema.safeParse(shortcut);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, "a Declare incident shortcut I cannot read");
    await respond({ response_type: "ephemeral", text: "I could not read that message. Please try the shortcut again, or use `/incident declare`." });
    return;
  }
  const { trigger_id, user, channel, message, response_url } = parsed.data;
  // The trigger dies in 3 seconds: the permalink and people's names are asked for at once, and only briefly.
  const [permalink, words] = await Promise.all([deps.gateway.permalink(channel.id, message.ts), plainForModal(deps.gateway, message.text)]);
  const firstLine = words.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
  const view = declareModal({
    declarerId: user.id,
    prefilledTitle: firstLine,
    prefilledDescription: [words.trim(), permalink].filter(Boolean).join("\n\n"),
    privateMetadata: encodeDeclareOrigin({ channelId: channel.id, responseUrl: response_url, threadTs: message.thread_ts ?? message.ts }),
  });
  await openForm(deps, client, trigger_id, view, (text) => respond({ response_type: "ephemeral", text }), "use the shortcut again");
}
