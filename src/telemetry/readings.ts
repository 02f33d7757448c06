// What the operator's gauges read from the database at scrape time, for one workspace: incidents open by severity,
// the outbox's backlog and the scheduler's overdue jobs. Each is a small query on a partial or status index, so a
// scrape stays cheap however much history is stored.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
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

export async function readGauges(db: Db, teamId: string, now: Date): Promise<Readings> {
  // One after the other: an embedded database runs one query at a time anyway, and a pool keeps its connections.
  const open = await db
    .select({ severity: incidents.severity, n: sql<number>`count(*)::int` })
    .from(incidents)
    .where(and(eq(incidents.teamId, teamId), inArray(incidents.status, [...openStatuses])))
    .groupBy(incidents.severity);
  const [outbox] = await db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${outboxItems.createdAt})`.mapWith(outboxItems.createdAt) })
    .from(outboxItems)
    .where(and(eq(outboxItems.status, "pending"), eq(outboxItems.teamId, teamId)));
  const [jobs] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(scheduledJobs)
    .where(and(eq(scheduledJobs.status, "pending"), lte(scheduledJobs.dueAt, now), eq(scheduledJobs.teamId, teamId)));
  const openBySeverity = Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;
  for (const row of open) openBySeverity[row.severity] = row.n;
  const oldest = outbox?.oldest ? new Date(outbox.oldest) : undefined;
  return {
    openBySeverity,
    outboxPending: outbox?.n ?? 0,
    outboxOldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    jobsDue: jobs?.n ?? 0,
  };
}
