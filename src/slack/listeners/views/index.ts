// Every form the bot opens: one listener for view submissions, a lookup table by callback_id.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { Views } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { actionItemSubmitted, postmortemActionsSubmitted, reassignSubmitted } from "./action-item.js";
import { alertSourceSubmitted, rotateTokenSubmitted } from "./alert-sources.js";
import { declareSubmitted } from "./declare.js";
import { coverSubmitted, policySubmitted, scheduleSubmitted } from "./oncall-forms.js";
import { playbookSubmitted } from "./playbook.js";
import { postmortemStepSubmitted } from "./postmortem-steps.js";
import type { ViewArgs, ViewHandler } from "./view-kit.js";
import { warRoomFormSubmitted } from "./war-room-forms.js";

const handlers: Record<string, ViewHandler> = {
  [Views.declare]: declareSubmitted,
  [Views.status]: warRoomFormSubmitted,
  [Views.severity]: warRoomFormSubmitted,
  [Views.update]: warRoomFormSubmitted,
  [Views.execSummary]: warRoomFormSubmitted,
  [Views.customerUpdate]: warRoomFormSubmitted,
  [Views.resolve]: warRoomFormSubmitted,
  [Views.roles]: warRoomFormSubmitted,
  [Views.pmSummary]: postmortemStepSubmitted,
  [Views.pmCause]: postmortemStepSubmitted,
  [Views.pmReflection]: postmortemStepSubmitted,
  [Views.pmTimeline]: postmortemStepSubmitted,
  [Views.pmActions]: postmortemActionsSubmitted,
  [Views.actionItem]: actionItemSubmitted,
  [Views.reassignActionItem]: reassignSubmitted,
  [Views.schedule]: scheduleSubmitted,
  [Views.override]: coverSubmitted,
  [Views.policy]: policySubmitted,
  [Views.addAlertSource]: alertSourceSubmitted,
  [Views.rotateAlertToken]: rotateTokenSubmitted,
  [Views.playbook]: playbookSubmitted,
};

/** Submissions only: a closed form (view_closed) needs no answer from us. */
export function viewListener(deps: ListenerDeps): (args: SlackViewMiddlewareArgs & AllMiddlewareArgs) => Promise<void> {
  return async (args) => {
    if (args.body.type !== "view_submission") return;
    const a = args as unknown as ViewArgs;
    const handler = Object.hasOwn(handlers, a.view.callback_id) ? handlers[a.view.callback_id] : undefined;
    // A form we did not open (or no longer know) simply closes.
    if (!handler) return void (await a.ack());
    await handler(deps, a);
  };
}
