// The internal status update: impact, current action, next update by; posted in the war room and, when asked,
// in the announcement channel. It resets the update cadence.
import { changeIncident, type IncidentContext, type Outcome } from "./change.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { appendToSearch } from "./search.js";

export const UPDATE_FIELD_MAX = 1500;
export const NEXT_UPDATE_MAX = 100;

interface StatusUpdate {
  impact: string;
  currentAction: string;
  nextUpdate?: string;
  share?: boolean;
  /** The form submission: a double-submitted form posts once. */
  submissionKey?: string;
}

export function postUpdate(ctx: IncidentContext, ref: IncidentRef, userId: string, update: StatusUpdate): Promise<Outcome<{ shared: boolean }>> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "post_update")) return refuse({ code: "not_allowed", action: "post_update", incident, permission: "post_update" });
    const impact = update.impact.trim();
    const currentAction = update.currentAction.trim();
    const nextUpdate = update.nextUpdate?.trim() || null;
    if (impact.length > UPDATE_FIELD_MAX || currentAction.length > UPDATE_FIELD_MAX) return refuse({ code: "too_long", what: "update", max: UPDATE_FIELD_MAX });
    return {
      values: { lastUpdateAt: now, searchExtra: appendToSearch(`${impact} ${currentAction}`) },
      facts: [
        {
          type: "update_posted",
          data: { audience: "internal", impact, currentAction, nextUpdate: nextUpdate?.slice(0, NEXT_UPDATE_MAX) ?? null, shared: Boolean(update.share) },
          sourceKey: update.submissionKey,
          effects: [{ kind: "war_room" }, ...(update.share ? [{ kind: "announce" as const }] : [])],
        },
      ],
      result: { shared: Boolean(update.share) },
    };
  });
}
