// Reads of incidents, always scoped to their Slack workspace.
import { and, desc, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "../db/client.js";
import { incidents, type Incident } from "../db/schema.js";
import type { Severity, Status } from "./lifecycle.js";
import { drillsWhere, type DrillFilter } from "./search.js";

/** Which incident, in which workspace. */
export interface IncidentRef {
  teamId: string;
  incidentId: number;
}

/**
 * Locks the incident's row for the rest of the transaction: concurrent changes to one incident (two Resolve
 * clicks) take turns and see each other's result. skipLocked: undefined when someone else holds it.
 */
export async function lockIncident(tx: Tx, ref: IncidentRef, options: { skipLocked?: boolean } = {}): Promise<Incident | undefined> {
  const [row] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, ref.teamId), eq(incidents.id, ref.incidentId)))
    .for("update", options.skipLocked ? { skipLocked: true } : {});
  return row;
}

export async function incidentById(db: DbOrTx, teamId: string, id: number): Promise<Incident | undefined> {
  const [row] = await db.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.id, id)));
  return row;
}

export async function incidentByNumber(db: DbOrTx, teamId: string, number: number): Promise<Incident | undefined> {
  const [row] = await db.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.number, number)));
  return row;
}

export async function incidentByChannel(db: DbOrTx, teamId: string, channelId: string): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, teamId), eq(incidents.channelId, channelId)));
  return row;
}

/** The incident whose war room a channel is or was (a reopened incident's archived channel still names it). */
export async function incidentByAnyChannel(db: DbOrTx, teamId: string, channelId: string): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, teamId), or(eq(incidents.channelId, channelId), sql`${incidents.previousChannelIds} @> ${JSON.stringify([channelId])}::jsonb`)));
  return row;
}

export async function incidentByChannelName(db: DbOrTx, teamId: string, name: string): Promise<Incident | undefined> {
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, teamId), eq(incidents.channelName, name)));
  return row;
}

/**
 * The incident, in any workspace, whose war room this channel is or was. Deliberately not scoped to one workspace:
 * a Slack channel belongs to one incident across every team, and a war room must never be adopted by another.
 */
export async function channelHolder(db: DbOrTx, channelId: string): Promise<Pick<Incident, "id" | "teamId" | "number"> | undefined> {
  const [row] = await db
    .select({ id: incidents.id, teamId: incidents.teamId, number: incidents.number })
    .from(incidents)
    .where(or(eq(incidents.channelId, channelId), sql`${incidents.previousChannelIds} @> ${JSON.stringify([channelId])}::jsonb`))
    .limit(1);
  return row;
}

/** Newest first, at most `limit`, filtered by status and severity. */
export async function listIncidents(
  db: DbOrTx,
  teamId: string,
  filter: { statuses: readonly Status[]; severity?: Severity; limit: number },
): Promise<Incident[]> {
  return db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.teamId, teamId),
        inArray(incidents.status, [...filter.statuses]),
        filter.severity ? eq(incidents.severity, filter.severity) : undefined,
      ),
    )
    .orderBy(desc(incidents.number))
    .limit(filter.limit);
}

/** A page of incidents, newest first, by any of these filters; `beforeNumber` continues after the previous page. */
export async function incidentsMatching(
  db: DbOrTx,
  teamId: string,
  filter: { statuses?: readonly Status[]; severities?: readonly Severity[]; service?: string; since?: Date; beforeNumber?: number; drills?: DrillFilter; limit: number },
): Promise<Incident[]> {
  return db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.teamId, teamId),
        filter.statuses ? inArray(incidents.status, [...filter.statuses]) : undefined,
        filter.severities ? inArray(incidents.severity, [...filter.severities]) : undefined,
        filter.service ? sql`${incidents.affectedServices} @> ${JSON.stringify([filter.service])}::jsonb` : undefined,
        filter.since ? gte(incidents.declaredAt, filter.since) : undefined,
        filter.beforeNumber ? lt(incidents.number, filter.beforeNumber) : undefined,
        drillsWhere(filter.drills),
      ),
    )
    .orderBy(desc(incidents.number))
    .limit(filter.limit);
}
