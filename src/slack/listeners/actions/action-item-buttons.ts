// The buttons on an action-item DM: Mark done and Snooze a week act at once; Reassign opens a small form.
import { changeActionItem, type ActionItemChange } from "../../../postmortems/postmortems.js";
import { actionItemReply } from "../../blocks/action-items.js";
import { refusalText } from "../../blocks/answers.js";
import { reassignActionItemModal } from "../../blocks/postmortem-modals.js";
import type { ListenerDeps } from "../deps.js";
import { idFromValue } from "../forms.js";
import { openForm } from "../open-form.js";
import { teamOf, tell, valueOf, type ActionArgs, type ActionHandler } from "./action-kit.js";

async function change(deps: ListenerDeps, args: ActionArgs, wanted: ActionItemChange): Promise<void> {
  await args.ack();
  const id = idFromValue(valueOf(args.action));
  if (!id) return tell(args, "I can't tell which action item this button is for.");
  const outcome = await changeActionItem(deps, teamOf(args.body), id, args.body.user.id, wanted);
  if (outcome.ok) deps.deliverNow();
  await tell(args, outcome.ok ? actionItemReply(outcome) : refusalText(outcome.refusal, deps.clock.now()));
}

export const markActionItemDone: ActionHandler = (deps, args) => change(deps, args, { kind: "status", status: "done" });

export const snoozeActionItem: ActionHandler = (deps, args) => change(deps, args, { kind: "snooze", days: 7 });

export const reassignActionItem: ActionHandler = async (deps, args) => {
  await args.ack();
  const id = idFromValue(valueOf(args.action));
  if (!id) return tell(args, "I can't tell which action item this button is for.");
  await openForm(deps, args.client, args.body.trigger_id, reassignActionItemModal(id), (text) => tell(args, text), "click again");
};
