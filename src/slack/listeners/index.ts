// Registers one Bolt listener per kind of input (commands, actions, views, events, shortcuts): Bolt runs every
// registered listener's matchers on every request, so each kind routes through a lookup table instead.
import type { App } from "@slack/bolt";
import { actionChangesNothing, registerActions } from "./actions/index.js";
import { commandChangesNothing, registerCommands } from "./commands/index.js";
import type { ListenerDeps } from "./deps.js";
import { registerEvents } from "./events/index.js";
import { registerShortcuts } from "./shortcuts/index.js";
import { registerViews } from "./views/index.js";

export type { ListenerDeps };

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
}

/** Requests that cannot change anything (they answer, open a form, or name nothing we handle). */
export function changesNothing(body: { command?: unknown; text?: unknown; type?: unknown; actions?: unknown }): boolean {
  if (typeof body.command === "string") return commandChangesNothing(typeof body.text === "string" ? body.text : "");
  if (body.type === "block_actions" && Array.isArray(body.actions)) return body.actions.every((a: { action_id?: unknown }) => actionChangesNothing(String(a?.action_id)));
  return false;
}
