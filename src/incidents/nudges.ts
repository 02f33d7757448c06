// What a person does with a war-room nudge: snooze it, or escalate to the next level of the escalation policy.
// (Claiming an unclaimed role is assignRoles with `claim`.) Each is one transaction with its timeline entry.
import type { Tx } from "../db/client.js";
import type { Incident } from "../db/schema.js";
import { changeIncident, refusedAndAudited, type IncidentContext, type Outcome } from "./change.js";
import type { EscalatedByHand } from "./clockwork.js";
import { isOpen } from "./lifecycle.js";
import { lockIncident, type IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { NUDGE_SNOOZE_MINUTES, nudgeSnoozed, type NudgeKind } from "./timers.js";

/** Anyone in the war room may snooze a nudge; who did is on the timeline, and the clock moves the nudge past it. */
export function snoozeNudge(ctx: IncidentContext, ref: IncidentRef, userId: string, kind: NudgeKind): Promise<Outcome<{ until: Date; minutes: number }>> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!isOpen(incident.status)) return refuse({ code: "already_resolved", incident });
    const { state, until } = nudgeSnoozed(incident.nudges, kind, now);
    return {
      values: { nudges: state },
      facts: [{ type: "nudge_snoozed", data: { nudge: kind, minutes: NUDGE_SNOOZE_MINUTES, until: until.toISOString() } }],
      result: { until, minutes: NUDGE_SNOOZE_MINUTES },
    };
  });
}

export interface EscalationContext extends IncidentContext {
  /** The clock's paging (clockwork.ts), inside this transaction, with the incident locked. */
  escalateByHand?: (tx: Tx, incident: Incident, actorId: string) => Promise<EscalatedByHand>;
}

/** Pages the next level of the incident's escalation policy now, as asked by `userId` (recorded as theirs). */
export function escalateByHand(ctx: EscalationContext, ref: IncidentRef, userId: string): Promise<Outcome<{ level: number; users: string[]; groups: string[] }>> {
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, ref);
    if (!incident) return refusedAndAudited(tx, ctx.clock, ref, userId, refuse({ code: "not_found" }));
    if (!isOpen(incident.status)) return refusedAndAudited(tx, ctx.clock, ref, userId, refuse({ code: "already_resolved", incident }));
    if (!ctx.escalateByHand) return refusedAndAudited(tx, ctx.clock, ref, userId, refuse({ code: "no_escalation_level", incident, why: "no_policy", level: 0 }));
    const paged = await ctx.escalateByHand(tx, incident, userId);
    if (!paged.ok) return refusedAndAudited(tx, ctx.clock, ref, userId, refuse({ code: "no_escalation_level", incident, why: paged.why, level: paged.level }));
    return { ok: true, incident, level: paged.level, users: paged.users, groups: paged.groups };
  });
}
