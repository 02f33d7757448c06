// Closing an incident: a resolved one with a last summary in the war room, then the channel is archived (never
// deleted); or, from any status, one declared in error, which stays on record but is left out of the metrics.
import type { Incident } from "../db/schema.js";
import { changeIncident, type Change, type IncidentContext, type Outcome } from "./change.js";
import { allowedTransitions, isOpen, type CloseReason } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export function close(ctx: IncidentContext, ref: IncidentRef, userId: string, reason?: CloseReason): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "close", incident, permission: "manage" });
    if (reason === "declared_in_error") return closingInError(incident, now);
    if (!allowedTransitions(incident.status, "close").includes("closed")) return refuse({ code: "transition", incident, to: "closed", route: "close" });
    return {
      values: { status: "closed", closedAt: now },
      facts: [{ type: "closed", data: { from: incident.status }, effects: [{ kind: "war_room" }, { kind: "archive" }] }],
      result: {},
    };
  });
}

/**
 * Declared in error: closed from wherever it is (an open one is not made to invent a resolution first), and an
 * incident already closed the usual way is only marked. The announcement channel hears it if it was still open.
 */
function closingInError(incident: Incident, now: Date): Change<object> | ReturnType<typeof refuse> {
  if (incident.closeReason === "declared_in_error") return refuse({ code: "transition", incident, to: "closed", route: "close_in_error" });
  const data = { from: incident.status, reason: "declared_in_error" };
  if (incident.status === "closed") {
    return { values: { closeReason: "declared_in_error" }, facts: [{ type: "closed", data }], result: {} };
  }
  const wasOpen = isOpen(incident.status);
  return {
    values: { status: "closed", closedAt: now, closeReason: "declared_in_error" },
    facts: [
      {
        type: "closed",
        data,
        // The archive refreshes the card and topic one last time.
        effects: [...(wasOpen ? [{ kind: "announce" as const }] : []), { kind: "war_room" }, { kind: "archive" }],
      },
    ],
    result: {},
  };
}
