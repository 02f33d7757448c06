// Routes every request Slack sends to the listener of its kind (commands, actions, views, events, shortcuts), each
// with its own lookup table, through ONE Bolt middleware: Bolt runs the matcher chain of every registered listener
// on every request, and even one listener per kind made a fifth of the cost of acknowledging a slash command.
import type { App } from "@slack/bolt";
import { actionChangesNothing, actionListener } from "./actions/index.js";
import { commandChangesNothing, commandListener } from "./commands/index.js";
import type { ListenerDeps } from "./deps.js";
import { eventListener } from "./events/index.js";
import { followedMessageSubtypes } from "./events/message-changes.js";
import { shortcutListener } from "./shortcuts/index.js";
import { viewListener } from "./views/index.js";

export type { ListenerDeps };

/**
 * Installs the router as a global middleware that ends the chain (it never calls next()): global middleware
 * (request guards, …) must be added with app.use() before this is called, or it will not run.
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const onCommand = commandListener(deps);
  const onAction = actionListener(deps);
  const onView = viewListener(deps);
  const onEvent = eventListener(deps);
  const onShortcut = shortcutListener(deps);
  // Bolt names the payload after its kind of input; options requests (external selects) are not ours.
  app.use(async (args) => {
    if ("command" in args) return onCommand(args);
    if ("action" in args) return onAction(args);
    if ("view" in args) return onView(args);
    if ("event" in args) return onEvent(args);
    if ("shortcut" in args) return onShortcut(args);
  });
}

/** Requests that cannot change anything (they answer, open a form, or name nothing we handle). */
export function changesNothing(body: { command?: unknown; text?: unknown; type?: unknown; actions?: unknown; event?: unknown }): boolean {
  if (typeof body.command === "string") return commandChangesNothing(typeof body.text === "string" ? body.text : "");
  // message.channels hears every message in the war rooms; only edits and deletions can change a timeline.
  if (body.type === "event_callback" && isPlainMessageEvent(body.event)) return true;
  if (body.type === "block_actions" && Array.isArray(body.actions)) return body.actions.every((a: { action_id?: unknown }) => actionChangesNothing(String(a?.action_id)));
  return false;
}

function isPlainMessageEvent(event: unknown): boolean {
  const e = event as { type?: unknown; subtype?: unknown } | null;
  return e?.type === "message" && !(typeof e.subtype === "string" && followedMessageSubtypes.has(e.subtype));
}
