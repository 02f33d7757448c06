// The buttons on an action-item DM and on the App Home: Mark done and Snooze a week act at once; Reassign (DMs only)
// opens a small form.
import { showHomeAgain } from "../../../home/refresh.js";
import { changeActionItem, type ActionItemChange } from "../../../postmortems/postmortems.js";
import { actionItemReply } from "../../blocks/action-items.js";
import { refusalText } from "../../blocks/answers.js";
import { reassignActionItemModal } from "../../blocks/postmortem-modals.js";
import type { ListenerDeps } from "../deps.js";
import { idFromValue } from "../forms.js";
import { openForm } from "../open-form.js";
import { clickedInHome, teamOf, tell, tellClicker, valueOf, type ActionArgs, type ActionHandler } from "./action-kit.js";

/** From a DM the answer is said beside it; from the Home, the Home shows the change (published again) and only a refusal is said. */
async function change(deps: ListenerDeps, args: ActionArgs, wanted: ActionItemChange): Promise<void> {
  await args.ack();
  const id = idFromValue(valueOf(args.action));
  if (!id) return tellClicker(deps, args, "I can't tell which action item this button is for.");
  const outcome = await changeActionItem(deps, teamOf(args.body), id, args.body.user.id, wanted);
  if (outcome.ok) deps.deliverNow();
  if (!outcome.ok) return tellClicker(deps, args, refusalText(outcome.refusal, deps.clock.now()));
  if (!clickedInHome(args.body)) return tell(args, actionItemReply(outcome));
  // Already so (done from a DM meanwhile): the Home the person clicked on is out of date; show it as it is.
  if (outcome.unchanged) {
    await showHomeAgain(deps.db, deps.clock, teamOf(args.body), args.body.user.id, `click:${args.body.trigger_id}`);
    deps.deliverNow();
  }
}

export const markActionItemDone: ActionHandler = (deps, args) => change(deps, args, { kind: "status", status: "done" });

export const snoozeActionItem: ActionHandler = (deps, args) => change(deps, args, { kind: "snooze", days: 7 });

export const reassignActionItem: ActionHandler = async (deps, args) => {
  await args.ack();
  const id = idFromValue(valueOf(args.action));
  if (!id) return tell(args, "I can't tell which action item this button is for.");
  await openForm(deps, args.client, args.body.trigger_id, reassignActionItemModal(id), (text) => tell(args, text), "click again");
};
