// What the operator's gauges read from the database at scrape time, for one workspace: incidents open by severity,
// the outbox's backlog and the scheduler's overdue jobs. Each is a small query on a partial or status index, so a
// scrape stays cheap however much history is stored.
import { and, eq, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { incidents, outboxItems, scheduledJobs } from "../db/schema.js";
import { openStatuses, severities, type Severity } from "../incidents/lifecycle.js";

export interface Readings {
  openBySeverity: Record<Severity, number>;
  outboxPending: number;
  /** Seconds since the oldest pending delivery was enqueued; 0 when nothing is pending. */
  outboxOldestPendingSeconds: number;
  /** Pending jobs whose due time has passed (a tick is behind when this stays above zero). */
  jobsDue: number;
}

/**
 * One statement (a round trip is most of what a small query costs, on the embedded database above all): open
 * incidents counted by severity, with the outbox's and the scheduler's backlog as subqueries.
 */
/** teamId undefined: every workspace the deployment serves (OAuth mode), added up. */
export async function readGauges(db: Db, teamId: string | undefined, now: Date): Promise<Readings> {
  const pending = and(eq(outboxItems.status, "pending"), teamId === undefined ? undefined : eq(outboxItems.teamId, teamId));
  const outboxPending = db.select({ n: sql`count(*)::int` }).from(outboxItems).where(pending);
  const outboxOldest = db.select({ at: sql`min(${outboxItems.createdAt})` }).from(outboxItems).where(pending);
  const jobsDue = db
    .select({ n: sql`count(*)::int` })
    .from(scheduledJobs)
    .where(and(eq(scheduledJobs.status, "pending"), lte(scheduledJobs.dueAt, now), teamId === undefined ? undefined : eq(scheduledJobs.teamId, teamId)));
  const openColumns = Object.fromEntries(severities.map((s) => [s, sql<number>`(count(*) filter (where ${incidents.severity} = ${s}))::int`.mapWith(Number)])) as Record<Severity, SQL<number>>;
  const [row] = await db
    .select({
      ...openColumns,
      outboxPending: sql<number>`(${outboxPending})`.mapWith(Number),
      outboxOldest: sql<Date | null>`(${outboxOldest})`.mapWith(outboxItems.createdAt),
      jobsDue: sql<number>`(${jobsDue})`.mapWith(Number),
    })
    .from(incidents)
    // A drill's SEV1 must not trip the alert someone set on this gauge.
    .where(and(teamId === undefined ? undefined : eq(incidents.teamId, teamId), inArray(incidents.status, [...openStatuses]), eq(incidents.isDrill, false)));
  const openBySeverity = Object.fromEntries(severities.map((s) => [s, Number(row?.[s] ?? 0)])) as Record<Severity, number>;
  const oldest = row?.outboxOldest ? new Date(row.outboxOldest) : undefined;
  return {
    openBySeverity,
    outboxPending: row?.outboxPending ?? 0,
    outboxOldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    jobsDue: row?.jobsDue ?? 0,
  };
}
