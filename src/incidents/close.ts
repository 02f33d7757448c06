// Closing a resolved incident: a last summary in the war room, then the channel is archived (never deleted).
import { changeIncident, type IncidentContext, type Outcome } from "./change.js";
import { allowedTransitions } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export function close(ctx: IncidentContext, ref: IncidentRef, userId: string): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "close", incident, permission: "manage" });
    if (!allowedTransitions(incident.status, "close").includes("closed")) return refuse({ code: "transition", incident, to: "closed", route: "close" });
    return {
      values: { status: "closed", closedAt: now },
      facts: [{ type: "closed", data: { from: incident.status }, effects: [{ kind: "war_room" }, { kind: "archive" }] }],
      result: {},
    };
  });
}
