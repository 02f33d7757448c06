// The comms picker's buttons, the card menu's comms entries and the all-clear button: each opens its audience's
// template within the trigger's 3 seconds.
import type { Audience } from "../../../incidents/comms.js";
import { CommsActions } from "../../ids.js";
import { openComms } from "../comms.js";
import { incidentFromValue } from "../incident-ref.js";
import { teamOf, valueOf, type ActionHandler } from "./action-kit.js";

const audienceOf: Record<string, Audience> = {
  [CommsActions.internal]: "internal",
  [CommsActions.executive]: "executive",
  [CommsActions.customer]: "customer",
};

export const commsButton: ActionHandler = async (deps, args) => {
  await args.ack();
  const audience = audienceOf[args.action.action_id];
  if (!audience) return;
  await openComms(deps, args, await incidentFromValue(deps, teamOf(args.body), valueOf(args.action)), audience);
};
