// Every button and menu the bot puts in Slack: one listener for block actions, a lookup table by action_id.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ActionItemActions, AlertSourceActions, HomeActions, isChecklistTick, OncallActions, PlaybookActions, PostmortemActions, WarRoomActions } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { markActionItemDone, reassignActionItem, snoozeActionItem } from "./action-item-buttons.js";
import type { ActionArgs, ActionHandler } from "./action-kit.js";
import { acknowledge } from "./acknowledge.js";
import { addPlaybook, editPlaybook, tickChecklist } from "./checklist.js";
import { declareFromHome } from "./home-declare.js";
import { addAlertSource, rotateAlertToken } from "./alert-sources.js";
import { removeCover } from "./remove-cover.js";
import { startPostmortem } from "./start-postmortem.js";
import { cardMenu, openWarRoomForm } from "./war-room-forms.js";

const handlers: Record<string, ActionHandler> = {
  [WarRoomActions.acknowledge]: acknowledge,
  [WarRoomActions.updateStatus]: openWarRoomForm,
  [WarRoomActions.assignRoles]: openWarRoomForm,
  [WarRoomActions.postUpdate]: openWarRoomForm,
  [WarRoomActions.resolve]: openWarRoomForm,
  [WarRoomActions.menu]: cardMenu,
  [PostmortemActions.start]: startPostmortem,
  [OncallActions.removeCover]: removeCover,
  [ActionItemActions.done]: markActionItemDone,
  [ActionItemActions.snooze]: snoozeActionItem,
  [ActionItemActions.reassign]: reassignActionItem,
  [AlertSourceActions.add]: addAlertSource,
  [AlertSourceActions.rotate]: rotateAlertToken,
  [HomeActions.declare]: declareFromHome,
  [PlaybookActions.add]: addPlaybook,
  [PlaybookActions.edit]: editPlaybook,
};

/** A checklist has one checkboxes element per ten items, each with an action_id of its own (see ids.ts). */
const handlerFor = (actionId: string): ActionHandler | undefined =>
  Object.hasOwn(handlers, actionId) ? handlers[actionId] : isChecklistTick(actionId) ? tickChecklist : undefined;

/** A click on something no handler knows (an old message's button) changes nothing. */
export const actionChangesNothing = (actionId: string): boolean => !handlerFor(actionId);

/** Block actions only: legacy attachments and dialogs are not ours and stay unanswered. */
export function actionListener(deps: ListenerDeps): (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => Promise<void> {
  return async (args) => {
    if (args.body.type !== "block_actions") return;
    const a = args as unknown as ActionArgs;
    const handler = handlerFor(a.action.action_id);
    // A click we have no handler for (an old message's button) is still acknowledged, so Slack shows no error.
    if (!handler) return void (await a.ack());
    await handler(deps, a);
  };
}
