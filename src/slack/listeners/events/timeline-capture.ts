// Adding a Slack message to the incident timeline: a :pushpin: reaction on it, or the message shortcut.
import type { App, MessageShortcut } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { incidentByChannel } from "../../../incidents/queries.js";
import { captureMessage, type CapturedMessage } from "../../../incidents/war-room.js";
import { Shortcuts } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";

const CAPTURE_REACTIONS = new Set(["pushpin", "round_pushpin"]);

export function registerTimelineCapture(app: App, deps: ListenerDeps): void {
  app.event("reaction_added", async ({ event, body, client }) => {
    if (!CAPTURE_REACTIONS.has(event.reaction) || event.item.type !== "message") return;
    const teamId = (body as { team_id?: string }).team_id ?? "";
    const { channel, ts } = event.item;
    const incident = await incidentByChannel(deps.db, teamId, channel);
    if (!incident) return;
    const message = await messageAt(client, channel, ts);
    if (!message) return;
    const outcome = await captureMessage(deps, { teamId, incidentId: incident.id }, event.user, message, "reaction");
    if (outcome.ok && outcome.added) {
      await client.chat
        .postEphemeral({ channel, user: event.user, text: `:pushpin: ${outcome.reply}` })
        .catch((error: unknown) => deps.logger.warn({ err: error }, "could not confirm a pinned message"));
    }
  });

  app.shortcut<MessageShortcut>(Shortcuts.addToTimeline, async ({ ack, shortcut, respond, client }) => {
    await ack();
    const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? "";
    const incident = await incidentByChannel(deps.db, teamId, shortcut.channel.id);
    if (!incident) {
      await respond({
        response_type: "ephemeral",
        text: "This message is not in an incident's war room. Use the shortcut on a message inside an `inc-…` channel.",
      });
      return;
    }
    const message: CapturedMessage = {
      channelId: shortcut.channel.id,
      ts: shortcut.message.ts,
      authorId: shortcut.message.user ?? shortcut.message.bot_id ?? "unknown",
      text: shortcut.message.text ?? "",
      permalink: await permalinkOf(client, shortcut.channel.id, shortcut.message.ts),
    };
    const outcome = await captureMessage(deps, { teamId, incidentId: incident.id }, shortcut.user.id, message, "shortcut");
    await respond({ response_type: "ephemeral", text: outcome.ok ? `:pushpin: ${outcome.reply}` : outcome.reason });
  });
}

async function messageAt(client: WebClient, channel: string, ts: string): Promise<CapturedMessage | undefined> {
  const history = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const found = history.messages?.find((m) => m.ts === ts);
  if (!found) return undefined;
  return {
    channelId: channel,
    ts,
    authorId: found.user ?? found.bot_id ?? "unknown",
    text: found.text ?? "",
    permalink: await permalinkOf(client, channel, ts),
  };
}

async function permalinkOf(client: WebClient, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
  } catch {
    return undefined;
  }
}
