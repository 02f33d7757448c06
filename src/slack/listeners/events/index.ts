// Events from Slack's Events API: one listener, a lookup table by event type. Bolt acknowledges events
// before they are handled, so a slow handler never makes Slack retry.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ListenerDeps } from "../deps.js";
import { appHomeOpened } from "./app-home-opened.js";
import { pinReaction } from "./pin-reaction.js";

type EventArgs = SlackEventMiddlewareArgs & AllMiddlewareArgs;
type EventHandler = (deps: ListenerDeps, args: EventArgs) => Promise<void>;

const handlers: Record<string, EventHandler> = {
  reaction_added: pinReaction as EventHandler,
  app_home_opened: appHomeOpened as EventHandler,
};

/** The Events API events the bot acts on (manifest.yml subscribes to exactly these). */
export const eventsHandled: readonly string[] = Object.keys(handlers);

export function eventListener(deps: ListenerDeps): (args: EventArgs) => Promise<void> {
  return async (args) => {
    const handler = Object.hasOwn(handlers, args.event.type) ? handlers[args.event.type] : undefined;
    if (handler) await handler(deps, args);
  };
}
