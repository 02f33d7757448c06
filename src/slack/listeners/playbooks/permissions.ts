// Who may add and edit playbooks in Slack: anyone until INCIDENT_ADMINS names the people who may (as for alert
// sources and on-call); a refusal is audited.
import { auditRefusal } from "../../../audit/audit-log.js";
import type { ListenerDeps } from "../deps.js";

export const notAllowedPlaybooks = "Only incident admins (INCIDENT_ADMINS) can add or edit playbooks. Ask one of them, or see `/incident playbook` for the ones there are.";

export async function playbooksEditable(deps: Pick<ListenerDeps, "db" | "clock" | "admins">, who: { teamId: string; userId: string }, action: string): Promise<boolean> {
  if (deps.admins.size === 0 || deps.admins.has(who.userId)) return true;
  await auditRefusal(deps.db, { teamId: who.teamId, at: deps.clock.now(), actor: who.userId, action, subject: { kind: "command", name: "/incident playbook" }, reason: "not_admin" });
  return false;
}
