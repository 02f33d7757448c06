// The message shortcut "Add to incident timeline": adds the message to the timeline of the war room it is in.
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { captureMessage } from "../../../incidents/capture-message.js";
import { incidentByChannel } from "../../../incidents/queries.js";
import { refusalText, replies } from "../../blocks/answers.js";
import type { ListenerDeps } from "../deps.js";

export async function addToTimeline(deps: ListenerDeps, { ack, shortcut, respond }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> {
  await ack();
  const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? "";
  const incident = await incidentByChannel(deps.db, teamId, shortcut.channel.id);
  if (!incident) {
    await respond({ response_type: "ephemeral", text: "This message is not in an incident's war room. Use the shortcut on a message inside an `inc-…` channel." });
    return;
  }
  const outcome = await captureMessage(
    deps,
    { teamId, incidentId: incident.id },
    shortcut.user.id,
    {
      channelId: shortcut.channel.id,
      ts: shortcut.message.ts,
      authorId: shortcut.message.user ?? shortcut.message.bot_id ?? "unknown",
      text: shortcut.message.text ?? "",
      permalink: await deps.gateway.permalink(shortcut.channel.id, shortcut.message.ts),
    },
    "shortcut",
  );
  await respond({ response_type: "ephemeral", text: outcome.ok ? `:pushpin: ${replies.captured(outcome.incident, outcome.added)}` : refusalText(outcome.refusal, deps.clock.now()) });
}
