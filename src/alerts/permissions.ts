// Who may add alert sources and rotate their tokens: anyone, until INCIDENT_ADMINS names the people who may (as for on-call).
import { auditRefusal, type AuditSubject } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { DbOrTx } from "../db/client.js";

export const mayConfigureAlerts = (admins: ReadonlySet<string>, userId: string): boolean => admins.size === 0 || admins.has(userId);

/** The same check where a person asks: a refusal is audited (`action` names what they tried). */
export async function alertsConfigurable(
  deps: { db: DbOrTx; clock: Clock; admins: ReadonlySet<string> },
  who: { teamId: string; userId: string },
  action: string,
  subject: AuditSubject = { kind: "command", name: "/incident alerts" },
): Promise<boolean> {
  if (mayConfigureAlerts(deps.admins, who.userId)) return true;
  await auditRefusal(deps.db, { teamId: who.teamId, at: deps.clock.now(), actor: who.userId, action, subject, reason: "not_admin" });
  return false;
}
