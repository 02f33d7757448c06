// The on-call overview (who is on call now and next, and the escalation policies), shown by /incident oncall and /incident escalation.
import { onCallFor, policiesOf, schedulesOf } from "../../oncall/directory.js";
import { onCallOverview } from "../blocks/oncall.js";
import type { ListenerDeps } from "./deps.js";
import { say, type SubcommandResult } from "./subcommand.js";

export async function onCallAnswer(deps: ListenerDeps, teamId: string): Promise<SubcommandResult> {
  const now = deps.clock.now();
  const schedules = await schedulesOf(deps.db, teamId);
  const rows = await Promise.all(schedules.map(async (schedule) => ({ schedule, ...(await onCallFor(deps.db, schedule, now)) })));
  const policies = await policiesOf(deps.db, teamId);
  return { answer: onCallOverview(rows, policies, new Map(schedules.map((s) => [s.id, s.name]))) };
}

export const notAllowedOnCall = () => say("Sorry, only incident admins (INCIDENT_ADMINS) can change on-call schedules and escalation policies.");
