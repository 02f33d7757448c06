// Reopening a resolved or closed incident: back to investigating with its history kept. A closed incident's
// channel is archived and a bot cannot unarchive it, so the incident continues in a new channel.
import type { Incident } from "../db/schema.js";
import { changeIncident, type Change, type IncidentContext, type Outcome } from "./change.js";
import { allowedTransitions, type Status } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export const REOPEN_REASON_MAX = 1000;

export function reopen(ctx: IncidentContext, ref: IncidentRef, userId: string, reason: string): Promise<Outcome<{ from: Status }>> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "reopen", incident, permission: "manage" });
    if (!allowedTransitions(incident.status, "reopen").includes("investigating")) return refuse({ code: "still_open", incident, wanted: "reopen" });
    const why = reason.trim();
    if (why.length > REOPEN_REASON_MAX) return refuse({ code: "too_long", what: "reason", max: REOPEN_REASON_MAX });
    return reopening(incident, now, why);
  });
}

/**
 * What reopening does, whoever asks (a person above, or an alert firing again): back to investigating, and a
 * closed incident's archived war room is continued in a new channel.
 */
export function reopening(incident: Incident, now: Date, reason: string, extra: Record<string, unknown> = {}): Change<{ from: Status }> {
  const from = incident.status;
  return {
    // Reopened, it was not a mistake after all: it counts in the metrics again.
    values: { status: "investigating", resolvedAt: null, resolvedBy: null, closedAt: null, closeReason: null, lastUpdateAt: now },
    facts: [
      {
        type: "reopened",
        data: { from, reason: reason || null, ...extra },
        effects: [...(from === "closed" ? [{ kind: "continue_war_room" as const }] : []), { kind: "card" }, { kind: "topic" }, { kind: "war_room" }, { kind: "checklist" }],
      },
    ],
    result: { from },
  };
}
