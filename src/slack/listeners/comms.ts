// Opening a comms template for an audience: who may (whoever may post updates), and the modal prefilled from the
// incident as it is now, its last internal update and what the status page already says about it.
import type { View } from "@slack/types";
import type { Incident } from "../../db/schema.js";
import { auditIncidentRefusal } from "../../audit/audit-log.js";
import { lastInternalUpdate, type Audience } from "../../incidents/comms.js";
import { isOpen, statusLabels } from "../../incidents/lifecycle.js";
import { mayDo } from "../../incidents/permissions.js";
import { publicFace } from "../../status-page/page.js";
import { refusalText } from "../blocks/answers.js";
import { customerUpdateModal, execSummaryModal } from "../blocks/comms-modals.js";
import { updateModal } from "../blocks/war-room-modals.js";
import type { ListenerDeps } from "./deps.js";
import { modalMetadata } from "./forms.js";
import { tell, type ActionArgs } from "./actions/action-kit.js";
import { openForm } from "./open-form.js";

/** Why this person cannot open the template (a sentence), or undefined when they can. */
export async function commsRefusal(deps: ListenerDeps, incident: Incident, userId: string, audience: Audience): Promise<string | undefined> {
  if (!mayDo(incident, userId, deps.admins, "post_update")) {
    const refusal = { code: "not_allowed", action: "post_update", incident, permission: "post_update" } as const;
    await auditIncidentRefusal(deps.db, deps.clock, incident.teamId, userId, { kind: "incident", id: incident.id }, refusal);
    return refusalText(refusal, deps.clock.now());
  }
  // The war room is archived once closed; the executives and customers can still hear the last word.
  if (audience === "internal" && !isOpen(incident.status)) return `Incident #${incident.number} is ${statusLabels[incident.status].toLowerCase()}. \`/incident reopen\` brings it back.`;
  return undefined;
}

export async function commsModal(deps: ListenerDeps, incident: Incident, audience: Audience): Promise<View> {
  const privateMetadata = modalMetadata(incident.id);
  const now = deps.clock.now();
  switch (audience) {
    case "internal":
      return updateModal({ incident, privateMetadata });
    case "executive": {
      const exec = deps.commsChannels?.exec;
      const channel = exec ?? deps.commsChannels?.announcement[incident.severity] ?? "incidents";
      return execSummaryModal({ incident, privateMetadata, now, lastUpdate: await lastInternalUpdate(deps.db, incident.teamId, incident.id), destination: { channel, configured: Boolean(exec) } });
    }
    case "customer":
      return customerUpdateModal({ incident, privateMetadata, now, face: await publicFace(deps.db, incident.teamId, incident.id) });
  }
}

/** Opens the audience's template with a click's trigger, or tells the clicker why not. */
export async function openComms(deps: ListenerDeps, args: ActionArgs, incident: Incident | undefined, audience: Audience): Promise<void> {
  if (!incident) return tell(args, "I can't find this incident any more.");
  const refused = await commsRefusal(deps, incident, args.body.user.id, audience);
  if (refused) return tell(args, refused);
  await openForm(deps, args.client, args.body.trigger_id, await commsModal(deps, incident, audience), (text) => tell(args, text), "click again");
}
