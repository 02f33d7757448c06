// Every button and menu the bot puts in Slack: one listener for block actions, a lookup table by action_id.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ActionItemActions, AlertSourceActions, CommsActions, HomeActions, OncallActions, PostmortemActions, WarRoomActions } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { markActionItemDone, reassignActionItem, snoozeActionItem } from "./action-item-buttons.js";
import type { ActionArgs, ActionHandler } from "./action-kit.js";
import { acknowledge } from "./acknowledge.js";
import { declareFromHome } from "./home-declare.js";
import { addAlertSource, rotateAlertToken } from "./alert-sources.js";
import { removeCover } from "./remove-cover.js";
import { startPostmortem } from "./start-postmortem.js";
import { cardMenu, openWarRoomForm } from "./war-room-forms.js";
import { commsButton } from "./comms.js";

const handlers: Record<string, ActionHandler> = {
  [WarRoomActions.acknowledge]: acknowledge,
  [WarRoomActions.updateStatus]: openWarRoomForm,
  [WarRoomActions.assignRoles]: openWarRoomForm,
  [WarRoomActions.postUpdate]: openWarRoomForm,
  [WarRoomActions.resolve]: openWarRoomForm,
  [WarRoomActions.menu]: cardMenu,
  [CommsActions.internal]: commsButton,
  [CommsActions.executive]: commsButton,
  [CommsActions.customer]: commsButton,
  [PostmortemActions.start]: startPostmortem,
  [OncallActions.removeCover]: removeCover,
  [ActionItemActions.done]: markActionItemDone,
  [ActionItemActions.snooze]: snoozeActionItem,
  [ActionItemActions.reassign]: reassignActionItem,
  [AlertSourceActions.add]: addAlertSource,
  [AlertSourceActions.rotate]: rotateAlertToken,
  [HomeActions.declare]: declareFromHome,
};

/** A click on something no handler knows (an old message's button) changes nothing. */
export const actionChangesNothing = (actionId: string): boolean => !Object.hasOwn(handlers, actionId);

/** Block actions only: legacy attachments and dialogs are not ours and stay unanswered. */
export function actionListener(deps: ListenerDeps): (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => Promise<void> {
  return async (args) => {
    if (args.body.type !== "block_actions") return;
    const a = args as unknown as ActionArgs;
    const handler = Object.hasOwn(handlers, a.action.action_id) ? handlers[a.action.action_id] : undefined;
    // A click we have no handler for (an old message's button) is still acknowledged, so Slack shows no error.
    if (!handler) return void (await a.ack());
    await handler(deps, a);
  };
}
