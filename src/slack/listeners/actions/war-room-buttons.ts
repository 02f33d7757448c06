// The incident card's buttons and overflow menu: Acknowledge acts at once; the others open their forms.
import type { App, BlockButtonAction, BlockOverflowAction, RespondFn } from "@slack/bolt";
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Incident } from "../../../db/schema.js";
import { isOpen, statusLabels } from "../../../incidents/lifecycle.js";
import { acknowledge, mayDo, whoMay, type Permission } from "../../../incidents/war-room.js";
import { resolveModal, rolesModal, severityModal, statusModal, updateModal } from "../../blocks/war-room-modals.js";
import { CardMenu, WarRoomActions } from "../../ids.js";
import { modalMetadata } from "../commands/war-room-commands.js";
import type { ListenerDeps } from "../deps.js";
import { incidentFromValue } from "../incident-ref.js";

interface FormButton {
  permission: Permission;
  what: string;
  build: (ctx: { incident: Incident; privateMetadata: string }) => View;
}

const forms: Record<string, FormButton> = {
  [WarRoomActions.updateStatus]: { permission: "manage", what: "change the status", build: statusModal },
  [WarRoomActions.assignRoles]: { permission: "manage", what: "assign roles", build: rolesModal },
  [WarRoomActions.postUpdate]: { permission: "post_update", what: "post updates", build: updateModal },
  [WarRoomActions.resolve]: { permission: "manage", what: "resolve the incident", build: resolveModal },
};

const ephemeral = async (respond: RespondFn, text: string): Promise<void> => {
  await respond({ response_type: "ephemeral", replace_original: false, text });
};

export function registerWarRoomButtons(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(WarRoomActions.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const incident = await incidentFromValue(deps, teamId, action.value);
    if (!incident) return ephemeral(respond, "I can't find this incident any more.");
    const outcome = await acknowledge(deps, { teamId, incidentId: incident.id }, body.user.id);
    if (outcome.ok) deps.deliverNow();
    await ephemeral(respond, outcome.ok ? (outcome.reply ?? "Acknowledged.") : outcome.reason);
  });

  for (const [actionId, form] of Object.entries(forms)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond, client }) => {
      await ack();
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const incident = await incidentFromValue(deps, teamId, action.value);
      await openForm(deps, client, respond, { incident, userId: body.user.id, triggerId: body.trigger_id, form });
    });
  }

  app.action<BlockOverflowAction>(WarRoomActions.menu, async ({ ack, body, action, respond, client }) => {
    await ack();
    if (action.selected_option.value !== CardMenu.changeSeverity) return;
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const incident = await incidentOfCard(deps, teamId, body);
    await openForm(deps, client, respond, {
      incident,
      userId: body.user.id,
      triggerId: body.trigger_id,
      form: { permission: "manage", what: "change the severity", build: severityModal },
    });
  });
}

/** The overflow menu carries no value of its own: the card it sits on says which incident it is. */
async function incidentOfCard(deps: ListenerDeps, teamId: string, body: BlockOverflowAction) {
  const card = body as { message?: { blocks?: Array<{ type?: string; elements?: Array<{ value?: string }> }> } };
  const value = card.message?.blocks?.find((block) => block.type === "actions")?.elements?.[0]?.value;
  return incidentFromValue(deps, teamId, value);
}

async function openForm(
  deps: ListenerDeps,
  client: WebClient,
  respond: RespondFn,
  request: { incident: Incident | undefined; userId: string; triggerId: string; form: FormButton },
): Promise<void> {
  const { incident, userId, form } = request;
  if (!incident) return ephemeral(respond, "I can't find this incident any more.");
  if (!mayDo(incident, userId, deps.admins, form.permission)) {
    deps.logger.info({ team: incident.teamId, user: userId, incident: incident.number, what: form.what }, "refused: not allowed");
    return ephemeral(respond, `Sorry, only ${whoMay(incident, form.permission)} can ${form.what} for incident #${incident.number}.`);
  }
  if (!isOpen(incident.status)) {
    return ephemeral(respond, `Incident #${incident.number} is ${statusLabels[incident.status].toLowerCase()}. \`/incident reopen\` brings it back.`);
  }
  try {
    await client.views.open({ trigger_id: request.triggerId, view: form.build({ incident, privateMetadata: modalMetadata(incident.id) }) });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not open a war-room form");
    await ephemeral(respond, "Slack did not let me open the form in time. Please click again.");
  }
}
