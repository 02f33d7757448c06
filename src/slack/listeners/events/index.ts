// Events from Slack's Events API: one listener, a lookup table by event type. Bolt acknowledges events
// before they are handled, so a slow handler never makes Slack retry.
import { installationEvents } from "../../installations.js";
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ListenerDeps } from "../deps.js";
import { appHomeOpened } from "./app-home-opened.js";
import { messageChanges } from "./message-changes.js";
import { pinReaction } from "./pin-reaction.js";

type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
type EventHandler = (deps: ListenerDeps, args: EventArgs) => Promise<void>;

const handlers: Record<string, EventHandler> = {
  reaction_added: pinReaction as EventHandler,
  app_home_opened: appHomeOpened as EventHandler,
  // message.channels: edits and deletions of messages captured onto a timeline (every other message is ignored).
  message: messageChanges as EventHandler,
};

/**
 * The Events API subscriptions the bot acts on (manifest.yml subscribes to exactly these). Messages are subscribed
 * to per kind of conversation: war rooms are public channels, so message.channels (needs channels:history).
 */
export const eventsHandled: readonly string[] = [...Object.keys(handlers).map((type) => (type === "message" ? "message.channels" : type)), ...installationEvents];

export function eventListener(deps: ListenerDeps): (args: EventArgs) => Promise<void> {
  return async (args) => {
    const handler = Object.hasOwn(handlers, args.event.type) ? handlers[args.event.type] : undefined;
    if (handler) await handler(deps, args);
  };
}
