// Shortcuts (from a message's "More actions" menu): one listener, a lookup table by callback_id.
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { Shortcuts } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { addToTimeline } from "./add-to-timeline.js";
import { declareFromMessage } from "./declare-from-message.js";

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;
type ShortcutHandler = (deps: ListenerDeps, args: ShortcutArgs) => Promise<void>;

const handlers: Record<string, ShortcutHandler> = {
  [Shortcuts.addToTimeline]: addToTimeline,
  [Shortcuts.declareFromMessage]: declareFromMessage,
};

/** The message shortcuts' callback_ids the bot answers (manifest.yml declares exactly these; see slack/self-check.ts). */
export const shortcutsHandled: readonly string[] = Object.keys(handlers);

export function shortcutListener(deps: ListenerDeps): (args: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => Promise<void> {
  return async (args) => {
    const a = args as unknown as ShortcutArgs;
    const handler = Object.hasOwn(handlers, a.shortcut.callback_id) ? handlers[a.shortcut.callback_id] : undefined;
    if (!handler) return void (await a.ack());
    await handler(deps, a);
  };
}
