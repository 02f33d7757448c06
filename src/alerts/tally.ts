// How an incident's alerts stand (how many fired, how many have resolved) and which alert facts its war room has
// not been told about yet: read by the surfaces when they draw the card and the alert lines.
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "../db/client.js";
import { alerts, incidents, timelineEntries, type Incident, type TimelineEntry } from "../db/schema.js";

export interface AlertTally {
  /** Alert occurrences attached to the incident (an alert that fired twice counts twice). */
  total: number;
  firing: number;
  resolved: number;
}

/** The facts an alert source records on an incident. */
export const AlertFacts = { fired: "alerts_fired", resolved: "alerts_resolved" } as const;

export async function alertTally(db: DbOrTx, teamId: string, incidentId: number): Promise<AlertTally> {
  const [row] = await db
    .select({
      total: sql<number>`count(distinct (${alerts.fingerprint}, ${alerts.startsAt}))::int`,
      resolved: sql<number>`count(distinct (${alerts.fingerprint}, ${alerts.startsAt})) filter (where ${alerts.status} = 'resolved')::int`,
    })
    .from(alerts)
    .where(and(eq(alerts.teamId, teamId), eq(alerts.incidentId, incidentId)));
  const total = row?.total ?? 0;
  const resolved = Math.min(row?.resolved ?? 0, total);
  return { total, resolved, firing: total - resolved };
}

/** Alert facts after what the war room was told, up to `through` (when a retry must say what it said before). */
export async function untoldAlertFacts(db: DbOrTx, incident: Pick<Incident, "teamId" | "id" | "alertLinesThrough">, through?: number): Promise<TimelineEntry[]> {
  return db
    .select()
    .from(timelineEntries)
    .where(
      and(
        eq(timelineEntries.teamId, incident.teamId),
        eq(timelineEntries.incidentId, incident.id),
        inArray(timelineEntries.type, [AlertFacts.fired, AlertFacts.resolved]),
        gt(timelineEntries.id, incident.alertLinesThrough),
        ...(through === undefined ? [] : [lte(timelineEntries.id, through)]),
      ),
    )
    .orderBy(asc(timelineEntries.id))
    .limit(200);
}

/** The war room has been told every alert fact up to `through`. */
export async function alertLinesTold(tx: Tx, incident: Pick<Incident, "teamId" | "id">, through: number): Promise<void> {
  await tx
    .update(incidents)
    .set({ alertLinesThrough: sql`greatest(${incidents.alertLinesThrough}, ${through})` })
    .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
}
