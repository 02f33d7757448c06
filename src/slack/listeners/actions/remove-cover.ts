// The Remove button beside each cover in /incident oncall covers.
import { removeOverride } from "../../../oncall/manage.js";
import { onCallConfigurable } from "../../../oncall/permissions.js";
import { idFromValue } from "../forms.js";
import { teamOf, tell, valueOf, type ActionHandler } from "./action-kit.js";

export const removeCover: ActionHandler = async (deps, args) => {
  await args.ack();
  if (!(await onCallConfigurable(deps, { teamId: teamOf(args.body), userId: args.body.user.id }, "cover_remove", { kind: "cover", id: idFromValue(valueOf(args.action)) }))) return tell(args, "Sorry, only incident admins can remove covers.");
  const id = idFromValue(valueOf(args.action));
  const removed = id ? await removeOverride(deps.db, deps.clock, teamOf(args.body), args.body.user.id, id) : false;
  if (removed) deps.deliverNow();
  await tell(args, removed ? "Cover removed." : "That cover was already removed.");
};
