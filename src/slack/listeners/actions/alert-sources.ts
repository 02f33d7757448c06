// The buttons of /incident alerts: Add a source, and Rotate token beside each source; each opens its form.
import { alertsConfigurable } from "../../../alerts/permissions.js";
import { sourceById } from "../../../alerts/sources.js";
import { addAlertSourceModal, rotateTokenModal } from "../../blocks/alert-sources.js";
import { notAllowedAlerts } from "../alert-sources.js";
import { idFromValue } from "../forms.js";
import { openForm } from "../open-form.js";
import { teamOf, tell, valueOf, type ActionHandler } from "./action-kit.js";

export const addAlertSource: ActionHandler = async (deps, args) => {
  await args.ack();
  if (!(await alertsConfigurable(deps, { teamId: teamOf(args.body), userId: args.body.user.id }, "alert_source_add"))) return tell(args, notAllowedAlerts);
  await openForm(deps, args.client, args.body.trigger_id, addAlertSourceModal(), (text) => tell(args, text), "click again");
};

export const rotateAlertToken: ActionHandler = async (deps, args) => {
  await args.ack();
  if (!(await alertsConfigurable(deps, { teamId: teamOf(args.body), userId: args.body.user.id }, "alert_source_rotate_token"))) return tell(args, notAllowedAlerts);
  const id = idFromValue(valueOf(args.action));
  const source = id ? await sourceById(deps.db, teamOf(args.body), id) : undefined;
  if (!source || source.fromEnv) return tell(args, "I can't find that alert source any more. `/incident alerts` lists them.");
  await openForm(deps, args.client, args.body.trigger_id, rotateTokenModal(source), (text) => tell(args, text), "click again");
};
