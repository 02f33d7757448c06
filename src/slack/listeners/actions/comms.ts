// The comms picker's buttons, the card menu's comms entries and the all-clear button: each opens its audience's
// template within the trigger's 3 seconds.
import type { Incident } from "../../../db/schema.js";
import type { Audience } from "../../../incidents/comms.js";
import { CommsActions } from "../../ids.js";
import { commsModal, commsRefusal } from "../comms.js";
import type { ListenerDeps } from "../deps.js";
import { incidentFromValue } from "../incident-ref.js";
import { openForm } from "../open-form.js";
import { teamOf, tell, valueOf, type ActionArgs, type ActionHandler } from "./action-kit.js";

const audienceOf: Record<string, Audience> = {
  [CommsActions.internal]: "internal",
  [CommsActions.executive]: "executive",
  [CommsActions.customer]: "customer",
};

export async function openComms(deps: ListenerDeps, args: ActionArgs, incident: Incident | undefined, audience: Audience): Promise<void> {
  if (!incident) return tell(args, "I can't find this incident any more.");
  const refused = await commsRefusal(deps, incident, args.body.user.id, audience);
  if (refused) return tell(args, refused);
  await openForm(deps, args.client, args.body.trigger_id, await commsModal(deps, incident, audience), (text) => tell(args, text), "click again");
}

export const commsButton: ActionHandler = async (deps, args) => {
  await args.ack();
  const audience = audienceOf[args.action.action_id];
  if (!audience) return;
  await openComms(deps, args, await incidentFromValue(deps, teamOf(args.body), valueOf(args.action)), audience);
};
