// The card's form buttons (Update status, Assign roles, Post update, Resolve) and its overflow menu (Change
// severity, Show timeline, and the comms templates of comms.ts): each form checks who may, then opens within the trigger's 3 seconds.
import type { View } from "@slack/types";
import type { Incident } from "../../../db/schema.js";
import { isOpen, statusLabels } from "../../../incidents/lifecycle.js";
import { mayDo, type Permission } from "../../../incidents/permissions.js";
import type { IncidentAction } from "../../../incidents/refusals.js";
import { timelineOf } from "../../../timeline/append.js";
import { auditIncidentRefusal } from "../../../audit/audit-log.js";
import { refusalText } from "../../blocks/answers.js";
import { timelineMessage } from "../../blocks/timeline.js";
import { withOpenItems } from "../../blocks/checklist.js";
import { checklistOf } from "../../../playbooks/checklist.js";
import { resolveModal, rolesModal, severityModal, statusModal, updateModal } from "../../blocks/war-room-modals.js";
import { CardMenu, WarRoomActions } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { modalMetadata } from "../forms.js";
import { incidentFromValue } from "../incident-ref.js";
import { openForm as openView } from "../open-form.js";
import { teamOf, tell, valueOf, type ActionArgs, type ActionHandler } from "./action-kit.js";
import { openComms } from "../comms.js";

interface FormButton {
  permission: Permission;
  action: IncidentAction;
  build: (ctx: { incident: Incident; privateMetadata: string }) => View;
}

const forms: Record<string, FormButton> = {
  [WarRoomActions.updateStatus]: { permission: "manage", action: "change_status", build: statusModal },
  [WarRoomActions.assignRoles]: { permission: "manage", action: "assign_roles", build: rolesModal },
  [WarRoomActions.postUpdate]: { permission: "post_update", action: "post_update", build: updateModal },
  [WarRoomActions.resolve]: { permission: "manage", action: "resolve", build: resolveModal },
};
const severityForm: FormButton = { permission: "manage", action: "change_severity", build: severityModal };

async function openForm(deps: ListenerDeps, args: ActionArgs, incident: Incident | undefined, form: FormButton): Promise<void> {
  const userId = args.body.user.id;
  if (!incident) return tell(args, "I can't find this incident any more.");
  if (!mayDo(incident, userId, deps.admins, form.permission)) {
    deps.logger.info({ team: incident.teamId, user: userId, incident: incident.number, what: form.action }, "refused: not allowed");
    const refusal = { code: "not_allowed", action: form.action, incident, permission: form.permission } as const;
    await auditIncidentRefusal(deps.db, deps.clock, incident.teamId, userId, { kind: "incident", id: incident.id }, refusal);
    return tell(args, refusalText(refusal, deps.clock.now()));
  }
  if (!isOpen(incident.status)) return tell(args, `Incident #${incident.number} is ${statusLabels[incident.status].toLowerCase()}. \`/incident reopen\` brings it back.`);
  let view = form.build({ incident, privateMetadata: modalMetadata(incident.id) });
  if (form.action === "resolve") view = withOpenItems(view, await checklistOf(deps.db, incident.teamId, incident.id));
  await openView(deps, args.client, args.body.trigger_id, view, (text) => tell(args, text), "click again");
}

export const openWarRoomForm: ActionHandler = async (deps, args) => {
  await args.ack();
  const form = forms[args.action.action_id];
  if (!form) return;
  await openForm(deps, args, await incidentFromValue(deps, teamOf(args.body), valueOf(args.action)), form);
};

/** The overflow menu carries no value of its own: the card it sits on says which incident it is. */
export const cardMenu: ActionHandler = async (deps, args) => {
  await args.ack();
  const card = args.body as { message?: { blocks?: Array<{ type?: string; elements?: Array<{ value?: string }> }> } };
  const value = card.message?.blocks?.find((block) => block.type === "actions")?.elements?.[0]?.value;
  const incident = await incidentFromValue(deps, teamOf(args.body), value);
  switch (valueOf(args.action)) {
    case CardMenu.changeSeverity:
      return openForm(deps, args, incident, severityForm);
    case CardMenu.showTimeline:
      if (!incident) return tell(args, "I can't find this incident any more.");
      await args.respond({ response_type: "ephemeral", replace_original: false, ...timelineMessage(incident, await timelineOf(deps.db, incident.teamId, incident.id), deps.clock.now()) });
      return;
    case CardMenu.execSummary:
      return openComms(deps, args, incident, "executive");
    case CardMenu.customerUpdate:
      return openComms(deps, args, incident, "customer");
  }
};
