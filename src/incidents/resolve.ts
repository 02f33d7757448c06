// Resolving an open incident with a summary (and the root cause if known): the durations are fixed, the clock
// stops, and the announcement channel is told.
import type { Incident } from "../db/schema.js";
import { changeIncident, acknowledgedBy, type Change, type IncidentContext, type Outcome } from "./change.js";
import { allowedTransitions, isOpen } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";

export const RESOLUTION_MAX = 3000;

export function resolve(ctx: IncidentContext, ref: IncidentRef, userId: string, resolution: { summary: string; rootCause?: string }): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "resolve", incident, permission: "manage" });
    if (!isOpen(incident.status)) return refuse({ code: "already_resolved", incident });
    if (!allowedTransitions(incident.status, "resolve").includes("resolved")) return refuse({ code: "transition", incident, to: "resolved", route: "resolve" });
    const summary = resolution.summary.trim();
    const rootCause = resolution.rootCause?.trim() || null;
    if (!summary) return refuse({ code: "missing_text", what: "resolution_summary" });
    if (summary.length > RESOLUTION_MAX || (rootCause?.length ?? 0) > RESOLUTION_MAX) return refuse({ code: "too_long", what: "resolution", max: RESOLUTION_MAX });
    const resolved = resolving(incident, now, userId, summary, rootCause);
    return { ...resolved, values: { ...resolved.values, ...acknowledgedBy(incident, userId, now) } };
  });
}

/**
 * What resolving does, whoever resolves (a person above, or an alert source whose alerts have all resolved): the
 * durations are fixed, the clock stops, and the war room and announcement channel are told.
 */
export function resolving(incident: Incident, now: Date, by: string, summary: string, rootCause: string | null, extra: Record<string, unknown> = {}): Change<object> {
  return {
    values: {
      status: "resolved",
      resolvedAt: now,
      resolvedBy: by,
      resolutionSummary: summary,
      rootCause,
      lastUpdateAt: now,
      ...(incident.mitigatedAt ? {} : { mitigatedAt: now }),
    },
    facts: [
      {
        type: "resolved",
        data: { from: incident.status, summary, rootCause, toResolveMs: now.getTime() - incident.declaredAt.getTime(), ...extra },
        effects: [{ kind: "card" }, { kind: "topic" }, { kind: "war_room" }, { kind: "announce" }],
      },
    ],
    result: {},
  };
}
