// The buttons on an action item's DM (Mark done, Snooze a week, Reassign) and the reassign form.
import type { App, BlockButtonAction } from "@slack/bolt";
import type { View } from "@slack/types";
import { z } from "zod";
import { changeActionItem, type ActionItemChange, type ActionItemOutcome } from "../../../postmortems/postmortems.js";
import { plainText } from "../../blocks/kit.js";
import { modal } from "../../blocks/modal.js";
import { ActionBlocks, ActionItemActions, Views, inputAction } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { asPlainText, slackProfile } from "../slack-profile.js";

function reassignModal(itemId: number): View {
  return modal({
    callbackId: Views.reassignActionItem,
    privateMetadata: { itemId },
    title: "Reassign action item",
    submit: "Reassign",
    blocks: [{ type: "input", block_id: ActionBlocks.owner, label: plainText("New owner"), element: { type: "users_select", action_id: inputAction(ActionBlocks.owner) } }],
  });
}

export function registerActionItemButtons(app: App, deps: ListenerDeps): void {
  const answer = async (respond: (m: object) => Promise<unknown>, outcome: ActionItemOutcome) => {
    if (outcome.ok) deps.deliverNow();
    await respond({ response_type: "ephemeral", replace_original: false, text: outcome.ok ? outcome.reply : outcome.reason });
  };
  const simple: Array<[string, ActionItemChange]> = [
    [ActionItemActions.done, { kind: "status", status: "done" }],
    [ActionItemActions.snooze, { kind: "snooze", days: 7 }],
  ];
  for (const [actionId, change] of simple) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      await answer(respond, await changeActionItem(deps, body.team?.id ?? body.user.team_id ?? "", Number(action.value), body.user.id, change));
    });
  }
  app.action<BlockButtonAction>(ActionItemActions.reassign, async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: reassignModal(Number(action.value)) });
  });
  app.view(Views.reassignActionItem, async ({ ack, body, view, client }) => {
    const meta = z.object({ itemId: z.number() }).parse(JSON.parse(view.private_metadata || "{}"));
    const ownerId = view.state.values[ActionBlocks.owner]?.[inputAction(ActionBlocks.owner)]?.selected_user;
    if (!ownerId) return void (await ack({ response_action: "errors", errors: { [ActionBlocks.owner]: "Pick the new owner." } }));
    const profile = await slackProfile(client, ownerId);
    const outcome = await changeActionItem(deps, body.team?.id ?? "", meta.itemId, body.user.id, { kind: "reassign", ownerId, ownerTimeZone: profile.timeZone, ownerActive: profile.active });
    if (!outcome.ok) return void (await ack({ response_action: "errors", errors: { [ActionBlocks.owner]: await asPlainText(client, outcome.reason) } }));
    deps.deliverNow();
    await ack();
  });
}
