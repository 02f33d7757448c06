// Who may change who gets paged: anyone, until INCIDENT_ADMINS names the people who may.
import { auditRefusal, type AuditSubject } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { DbOrTx } from "../db/client.js";

export const mayConfigureOnCall = (admins: ReadonlySet<string>, userId: string): boolean => admins.size === 0 || admins.has(userId);

/** The same check where a person asks: a refusal is audited (`action` names what they tried). */
export async function onCallConfigurable(
  deps: { db: DbOrTx; clock: Clock; admins: ReadonlySet<string> },
  who: { teamId: string; userId: string },
  action: string,
  subject: AuditSubject = { kind: "command", name: "/incident oncall" },
): Promise<boolean> {
  if (mayConfigureOnCall(deps.admins, who.userId)) return true;
  await auditRefusal(deps.db, { teamId: who.teamId, at: deps.clock.now(), actor: who.userId, action, subject, reason: "not_admin" });
  return false;
}
