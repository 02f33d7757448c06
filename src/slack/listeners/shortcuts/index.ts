// Shortcuts (from a message's "More actions" menu): one Bolt listener, a lookup table by callback_id.
import type { AllMiddlewareArgs, App, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { Shortcuts } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { addToTimeline } from "./add-to-timeline.js";

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;
type ShortcutHandler = (deps: ListenerDeps, args: ShortcutArgs) => Promise<void>;

const handlers: Record<string, ShortcutHandler> = {
  [Shortcuts.addToTimeline]: addToTimeline,
};

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut(/.*/, async (args) => {
    const a = args as unknown as ShortcutArgs;
    const handler = Object.hasOwn(handlers, a.shortcut.callback_id) ? handlers[a.shortcut.callback_id] : undefined;
    if (!handler) return void (await a.ack());
    await handler(deps, a);
  });
}
