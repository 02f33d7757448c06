// Acknowledging an incident: the first acknowledgement wins and stops escalation; later ones join as responders.
import { changeIncident, type IncidentContext, type Outcome } from "./change.js";
import type { IncidentRef } from "./queries.js";
import { isPerson } from "../timeline/actors.js";
import type { Effect } from "./deliveries.js";

/** The one who acknowledged joins the war room, if they are a person (an API token has no seat in Slack). */
const joinWarRoom = (actorId: string): Effect[] => (isPerson(actorId) ? [{ kind: "invite", userId: actorId }] : []);

export type Acknowledged =
  | { result: "acknowledged"; afterMs: number }
  | { result: "already_yours"; agoMs: number }
  | { result: "also_responding"; firstBy: string; agoMs: number };

export function acknowledge(ctx: IncidentContext, ref: IncidentRef, userId: string): Promise<Outcome<Acknowledged>> {
  return changeIncident<Acknowledged>(ctx, ref, userId, (incident, now) => {
    if (!incident.acknowledgedAt) {
      const afterMs = now.getTime() - incident.declaredAt.getTime();
      return {
        values: { acknowledgedAt: now, acknowledgedBy: userId },
        facts: [{ type: "acknowledged", data: { afterMs }, effects: [...joinWarRoom(userId), { kind: "card" }, { kind: "war_room" }] }],
        result: { result: "acknowledged", afterMs },
      };
    }
    const firstBy = incident.acknowledgedBy!;
    const agoMs = now.getTime() - incident.acknowledgedAt.getTime();
    if (firstBy === userId) return { ok: true, incident, result: "already_yours", agoMs };
    return {
      facts: [{ type: "responder_joined", data: { acknowledgedBy: firstBy }, effects: [...joinWarRoom(userId), { kind: "war_room" }] }],
      result: { result: "also_responding", firstBy, agoMs },
    };
  });
}
