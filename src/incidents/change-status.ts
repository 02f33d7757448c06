// Moving an open incident between investigating, identified and monitoring, with what changed.
import { changeIncident, acknowledgedBy, type IncidentContext, type Outcome } from "./change.js";
import { allowedTransitions, type Status } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { appendToSearch } from "./search.js";

export const STATUS_MESSAGE_MAX = 3000;

export function changeStatus(
  ctx: IncidentContext,
  ref: IncidentRef,
  userId: string,
  change: { to: Status; message?: string; share?: boolean },
): Promise<Outcome<{ status: Status }>> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "change_status", incident, permission: "manage" });
    if (!allowedTransitions(incident.status, "status").includes(change.to)) return refuse({ code: "transition", incident, to: change.to, route: "status" });
    const message = change.message?.trim() || undefined;
    if (message && message.length > STATUS_MESSAGE_MAX) return refuse({ code: "too_long", what: "status message", max: STATUS_MESSAGE_MAX });
    const from = incident.status;
    return {
      values: {
        status: change.to,
        lastUpdateAt: now,
        ...(change.to === "identified" && !incident.identifiedAt ? { identifiedAt: now } : {}),
        ...(change.to === "monitoring" && !incident.mitigatedAt ? { mitigatedAt: now } : {}),
        ...acknowledgedBy(incident, userId, now),
        ...(message ? { searchExtra: appendToSearch(message) } : {}),
      },
      facts: [
        {
          type: "status_changed",
          data: { from, to: change.to, message: message ?? null, shared: Boolean(change.share) },
          effects: [{ kind: "card" }, { kind: "topic" }, { kind: "war_room" }, ...(change.share ? [{ kind: "announce" as const }] : [])],
        },
      ],
      result: { status: change.to },
    };
  });
}
