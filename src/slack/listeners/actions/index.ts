// Every button and menu the bot puts in Slack: one listener for block actions, a lookup table by action_id.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { staleButtonText } from "../../blocks/answers.js";
import { ActionItemActions, AlertSourceActions, CommsActions, HomeActions, isChecklistTick, NudgeActions, OncallActions, PlaybookActions, PostmortemActions, WarRoomActions } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { markActionItemDone, reassignActionItem, snoozeActionItem } from "./action-item-buttons.js";
import { tell, type ActionArgs, type ActionHandler } from "./action-kit.js";
import { acknowledge } from "./acknowledge.js";
import { addPlaybook, editPlaybook, tickChecklist } from "./checklist.js";
import { declareFromHome } from "./home-declare.js";
import { addAlertSource, rotateAlertToken } from "./alert-sources.js";
import { claimCommsLead, claimScribe, escalateFromNudge, snoozeNoProgress, snoozeUnclaimedRoles } from "./nudges.js";
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
  [NudgeActions.claimCommsLead]: claimCommsLead,
  [NudgeActions.claimScribe]: claimScribe,
  [NudgeActions.escalate]: escalateFromNudge,
  [NudgeActions.snoozeUnclaimedRoles]: snoozeUnclaimedRoles,
  [NudgeActions.snoozeNoProgress]: snoozeNoProgress,
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
    if (!handler) return staleButton(deps, a);
    await handler(deps, a);
  };
}

/**
 * A click we have no handler for (a button on an older version of a message) is acknowledged, so Slack shows no
 * error, and the person is told it did nothing where they clicked (a Home has no response_url: its next publish
 * shows only current buttons).
 */
async function staleButton(deps: ListenerDeps, args: ActionArgs): Promise<void> {
  await args.ack();
  deps.logger.info({ action: args.action.action_id }, "a click on a button the bot no longer has");
  if (!args.body.response_url) return;
  await tell(args, staleButtonText).catch((error: unknown) => deps.logger.warn({ err: error }, "could not tell someone their button is out of date"));
}
