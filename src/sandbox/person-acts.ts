// What a person can do on the sandbox page, done the way Slack's client does it: type in the composer (a slash
// command, sent as Slack encodes it for the command, or a message), click a button or pick from a menu in a
// message, fill in and submit a modal (Slack's own checks first), close it, react, run a message shortcut.
// Each ends in the signed request Slack would send the bot, through the fake Slack's driver.
import type { InputValue, SlackDriver } from "../fake-slack/driver.js";
import type { FakeSlack } from "../fake-slack/server.js";
import { slashCommandText } from "../fake-slack/slash-text.js";
import { clientProblems } from "./modal-checks.js";
import { modalStackOf } from "./screen.js";

export interface ActingParts {
  fake: FakeSlack;
  driver(): SlackDriver;
  /** Field errors shown in a modal until it is submitted again or replaced. */
  modalErrors: Map<string, { hash: string; errors: Record<string, string> }>;
}

/** The outcome a person sees: nothing (it worked), a sentence, or errors beside a modal's fields. */
export type ActOutcome = { ok: true } | { ok: false; problem: string } | { ok: false; errors: Record<string, string> };

const done: ActOutcome = { ok: true };
const refused = (problem: string): ActOutcome => ({ ok: false, problem });

function member(parts: ActingParts, channelId: string, userId: string): string | undefined {
  const channel = parts.fake.channel(channelId);
  if (!channel) return "That conversation does not exist any more.";
  if (channel.is_im && !channel.members.includes(userId)) return "That is someone else's direct message.";
  return undefined;
}

/** The composer's Enter: `/command text` goes to the app that owns the command; anything else is a message. */
export async function typeInComposer(parts: ActingParts, userId: string, channelId: string, typed: string): Promise<ActOutcome> {
  const problem = member(parts, channelId, userId);
  if (problem) return refused(problem);
  if (parts.fake.channel(channelId)!.is_archived) return refused("You are viewing an archived channel: nobody can post in it.");
  if (!typed.trim()) return done;
  const command = /^(\/\S+)(?:\s+([\s\S]*))?$/.exec(typed.trim());
  return command ? runCommand(parts, userId, channelId, command[1]!, command[2] ?? "") : postMessage(parts, userId, channelId, typed);
}

async function runCommand(parts: ActingParts, userId: string, channelId: string, command: string, text: string): Promise<ActOutcome> {
  if (!parts.fake.app.commands[command]) {
    return refused(`${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`);
  }
  const answer = await parts.driver().slashCommand({ userId, channelId, text, command });
  parts.fake.changed();
  if (answer.status !== 200) return refused(`${command} failed: the app answered HTTP ${answer.status}.`);
  if (answer.rejectedBySlack) return refused(`${command} failed: Slack could not show the app's answer (${answer.rejectedBySlack[0]}).`);
  return done;
}

function postMessage(parts: ActingParts, userId: string, channelId: string, typed: string): ActOutcome {
  // Slack's client sends &, < and > as entities and turns a known @name or #channel into a mention, as it does
  // for a command with should_escape.
  parts.fake.postAsUser(channelId, userId, slashCommandText(typed, parts.fake.workspace, true));
  parts.fake.changed();
  return done;
}

/** A button, an overflow menu's option or a select's pick in a message (or in an ephemeral message, by its index). */
export async function interact(
  parts: ActingParts,
  userId: string,
  where: { channelId: string; ts?: string; ephemeral?: number },
  actionId: string,
  value?: string,
): Promise<ActOutcome> {
  const problem = member(parts, where.channelId, userId);
  if (problem) return refused(problem);
  let answer;
  if (where.ephemeral !== undefined) {
    const ephemeral = parts.fake.workspace.ephemerals[where.ephemeral];
    if (!ephemeral || ephemeral.user !== userId) return refused("That message is gone.");
    answer = await parts.driver().clickInEphemeral({ userId, ephemeral, actionId, value });
  } else {
    const message = parts.fake.messagesIn(where.channelId).find((m) => m.ts === where.ts);
    if (!message) return refused("That message is gone.");
    answer =
      value !== undefined && isCheckbox(message.blocks, actionId, value)
        ? await parts.driver().toggleCheckbox({ userId, channelId: where.channelId, messageTs: where.ts!, value })
        : await parts.driver().clickButton({ userId, channelId: where.channelId, messageTs: where.ts!, actionId, value });
  }
  parts.fake.changed();
  return answer.status === 200 ? done : refused(`The app did not take that (HTTP ${answer.status}).`);
}

/** A box of a checkboxes element (a checklist item) rather than a button or a menu's option. */
function isCheckbox(blocks: unknown, actionId: string, value: string): boolean {
  type El = { type?: string; action_id?: string; options?: Array<{ value?: string }> };
  const elements = ((Array.isArray(blocks) ? blocks : []) as Array<{ elements?: El[]; accessory?: El }>).flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
  return elements.some((el) => el.type === "checkboxes" && el.action_id === actionId && (el.options ?? []).some((o) => o.value === value));
}

/** The modal's submit button: Slack's own checks, then the submission; the app may answer with field errors. */
export async function submitModal(parts: ActingParts, userId: string, viewId: string, typed: Record<string, InputValue>): Promise<ActOutcome> {
  const view = parts.fake.view(viewId);
  if (!view || view.closed || view.user !== userId) return refused("This form was closed.");
  const beforeSending = clientProblems(view.view, typed);
  if (Object.keys(beforeSending).length) return showErrors(parts, viewId, view.hash, beforeSending);
  const answer = await parts.driver().submitView({ viewId, userId, values: typed });
  parts.fake.changed();
  if (answer.status !== 200) return refused(`We had some trouble connecting: the app answered HTTP ${answer.status}. Try again?`);
  const body = (answer.body && typeof answer.body === "object" ? answer.body : {}) as { response_action?: string; errors?: Record<string, string> };
  if (body.response_action === "errors" && body.errors) return showErrors(parts, viewId, parts.fake.view(viewId)!.hash, body.errors);
  parts.modalErrors.delete(viewId);
  return done;
}

function showErrors(parts: ActingParts, viewId: string, hash: string, errors: Record<string, string>): ActOutcome {
  parts.modalErrors.set(viewId, { hash, errors });
  parts.fake.changed();
  return { ok: false, errors };
}

/** The modal's close button closes the whole stack; "Back" on a pushed view shows the one under it. */
export function closeModal(parts: ActingParts, userId: string, viewId: string, whole: boolean): ActOutcome {
  const stack = modalStackOf(parts.fake, userId);
  const view = stack.find((v) => v.id === viewId);
  if (!view) return done;
  for (const v of whole ? stack : [view]) {
    v.closed = true;
    parts.modalErrors.delete(v.id);
  }
  parts.fake.changed();
  return done;
}

/**
 * The person opens the app's Home tab: Slack tells the app (app_home_opened, tab "home") every time, and the app
 * publishes the Home (views.publish), which the page then shows.
 */
export async function openHome(parts: ActingParts, userId: string): Promise<ActOutcome> {
  if (!parts.fake.app.homeTabEnabled) return refused("This app has no Home tab.");
  const answer = await parts.driver().openHome({ userId });
  parts.fake.changed();
  return answer.status === 200 ? done : refused(`The app did not take that (HTTP ${answer.status}).`);
}

/** A button (or a menu's pick) on the person's Home tab: block_actions from a view of type "home", no channel. */
export async function interactInHome(parts: ActingParts, userId: string, actionId: string, value?: string): Promise<ActOutcome> {
  if (!parts.fake.homeOf(userId)) return refused("The Home has not been shown to you yet.");
  let answer;
  try {
    answer = await parts.driver().clickInHome({ userId, actionId, value });
  } catch (error) {
    // The Home was published again meanwhile and no longer has that button (the driver says so); anything else is
    // the sandbox's own trouble.
    if (error instanceof Error && error.message.startsWith(`the Home of ${userId} has no button`)) return refused("That button is gone: the Home changed meanwhile.");
    throw error;
  }
  parts.fake.changed();
  return answer.status === 200 ? done : refused(`The app did not take that (HTTP ${answer.status}).`);
}

/** An emoji reaction on a message; the app hears it when it subscribed to reaction_added. */
export async function react(parts: ActingParts, userId: string, channelId: string, ts: string, name: string): Promise<ActOutcome> {
  const problem = member(parts, channelId, userId);
  if (problem) return refused(problem);
  const channel = parts.fake.channel(channelId)!;
  if (channel.is_archived) return refused("Nobody can react in an archived channel.");
  if (!channel.members.includes(userId)) return refused(`Join #${channel.name} to react in it.`);
  if (!parts.fake.messagesIn(channelId).some((m) => m.ts === ts)) return refused("That message is gone.");
  if (parts.fake.app.botEvents.includes("reaction_added")) await parts.driver().react({ userId, channelId, ts, name });
  else parts.fake.addReaction(channelId, ts, userId, name);
  parts.fake.changed();
  return done;
}

/** A message shortcut from a message's "More actions" menu. */
export async function messageShortcut(parts: ActingParts, userId: string, channelId: string, ts: string, callbackId: string): Promise<ActOutcome> {
  const problem = member(parts, channelId, userId);
  if (problem) return refused(problem);
  if (!parts.fake.app.shortcuts.includes(callbackId)) return refused("The app has no such shortcut.");
  if (!parts.fake.messagesIn(channelId).some((m) => m.ts === ts)) return refused("That message is gone.");
  const answer = await parts.driver().messageShortcut({ userId, channelId, messageTs: ts, callbackId });
  parts.fake.changed();
  return answer.status === 200 ? done : refused(`The app did not take that (HTTP ${answer.status}).`);
}
