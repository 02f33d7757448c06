// Raising or lowering an incident's severity, with the reason; its deadlines follow the new severity.
import { changeIncident, type IncidentContext, type Outcome } from "./change.js";
import type { Severity } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export const SEVERITY_REASON_MAX = 1000;

export function changeSeverity(ctx: IncidentContext, ref: IncidentRef, userId: string, change: { to: Severity; reason: string }): Promise<Outcome<{ severity: Severity }>> {
  return changeIncident(ctx, ref, userId, (incident) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "change_severity", incident, permission: "manage" });
    if (incident.status === "closed") return refuse({ code: "closed", incident });
    if (incident.severity === change.to) return refuse({ code: "same_severity", incident, severity: change.to });
    const reason = change.reason.trim();
    if (reason.length > SEVERITY_REASON_MAX) return refuse({ code: "too_long", what: "reason", max: SEVERITY_REASON_MAX });
    return {
      values: { severity: change.to },
      facts: [
        {
          type: "severity_changed",
          data: { from: incident.severity, to: change.to, reason },
          // The announcement channel hears of it only when the new severity is announced somewhere else.
          effects: [{ kind: "card" }, { kind: "topic" }, { kind: "war_room" }, { kind: "announce" }],
        },
      ],
      result: { severity: change.to },
    };
  });
}
