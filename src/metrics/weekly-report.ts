// The weekly report: when it is due (WEEKLY_REPORT in the business time zone), the scheduler job that names its
// delivery exactly once per week, and what it says (last week's incidents, postmortems owed, overdue items).
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx } from "../db/client.js";
import { actionItems, incidents, postmortems, scheduledJobs, type Incident } from "../db/schema.js";
import { postmortemRequired, severities } from "../incidents/lifecycle.js";
import { localDate, localParts } from "../oncall/zoned-time.js";
import { enqueue } from "../outbox/outbox.js";
import { scheduleJob, type JobHandler } from "../scheduler/scheduler.js";
import { nextReportTime, type WeeklySchedule } from "./weekly-schedule.js";

export const WEEKLY_REPORT_JOB = "metrics.weekly_report";
/** The outbox kind the Slack surface delivers: the report, posted in INCIDENTS_CHANNEL. */
export const WEEKLY_REPORT_DELIVERY = "announcement.weekly_report";
const jobKeyOf = (teamId: string) => `team:${teamId}:weekly_report`;

export interface WeeklyReportClock {
  handlers: Record<string, JobHandler>;
  /**
   * At start-up, on every replica: plans the workspace's next report (one job per workspace, whichever replica
   * writes it), moves it when WEEKLY_REPORT changed, or cancels it when off. A report already due is left alone, so
   * a restart at 09:00:05 still posts this week's.
   */
  plan(db: Db, teamId: string): Promise<void>;
}

export function createWeeklyReportClock({ clock, schedule, timeZone }: { clock: Clock; schedule: WeeklySchedule; timeZone: string }): WeeklyReportClock {
  async function plan(db: Db, teamId: string): Promise<void> {
    const now = clock.now();
    const key = jobKeyOf(teamId);
    if (!schedule) {
      await db
        .update(scheduledJobs)
        .set({ status: "cancelled", finishedAt: now })
        .where(and(eq(scheduledJobs.teamId, teamId), eq(scheduledJobs.jobKey, key), eq(scheduledJobs.status, "pending")));
      return;
    }
    const dueAt = nextReportTime(now, schedule, timeZone);
    await db
      .insert(scheduledJobs)
      .values({ teamId, kind: WEEKLY_REPORT_JOB, jobKey: key, dueAt, createdAt: now })
      .onConflictDoUpdate({
        target: [scheduledJobs.teamId, scheduledJobs.jobKey],
        set: { dueAt, kind: WEEKLY_REPORT_JOB, status: "pending", attempts: 0, lastError: null, finishedAt: null },
        setWhere: sql`not (${scheduledJobs.status} = 'pending' and ${scheduledJobs.dueAt} <= ${now})`,
      });
  }

  /**
   * In the scheduler's claiming transaction: names the report of the week that ended at the job's due time (not
   * now: a report posted late still covers its own week) under a key of that week, then plans the next one.
   */
  const report: JobHandler = async (tx, job, now) => {
    if (!schedule) return;
    const to = job.dueAt;
    const from = new Date(to.getTime() - 7 * 86_400_000);
    await enqueue(tx, clock, [
      {
        teamId: job.teamId,
        kind: WEEKLY_REPORT_DELIVERY,
        idempotencyKey: `weekly_report:${localDate(to, timeZone)}`,
        payload: { from: from.toISOString(), to: to.toISOString() },
      },
    ]);
    // Moving the job keeps it pending (the scheduler marks done only a job still due when it was claimed).
    const next = nextReportTime(new Date(Math.max(now.getTime(), to.getTime())), schedule, timeZone);
    await scheduleJob(tx, clock, { teamId: job.teamId, kind: WEEKLY_REPORT_JOB, jobKey: job.jobKey, dueAt: next });
  };

  return { handlers: { [WEEKLY_REPORT_JOB]: report }, plan };
}

/** What the weekly report lists besides the metrics. */
export interface WeeklyReport {
  /** "Mon 23 Nov – Mon 30 Nov" in the business time zone. */
  weekLabel: string;
  incidents: { total: number; list: Array<Pick<Incident, "number" | "title" | "severity" | "status" | "channelId" | "closeReason">> };
  postmortemsOwed: { total: number; list: Array<Pick<Incident, "number" | "title" | "severity" | "commanderId"> & { daysSinceResolved: number }> };
  overdueByOwner: { total: number; owners: number; list: Array<{ ownerId: string; count: number; items: Array<{ incidentNumber: number; description: string }> }> };
}

const LIST_MAX = 15;
const ITEMS_PER_OWNER = 3;

/** Last week's incidents (all but drills, mistakes marked), postmortems owed (any week), overdue items by owner. */
export async function weeklyReportContent(db: DbOrTx, teamId: string, week: { from: Date; to: Date }, timeZone: string): Promise<WeeklyReport> {
  // Drills are practice: not last week's incidents.
  const declared = and(eq(incidents.teamId, teamId), eq(incidents.isDrill, false), gte(incidents.declaredAt, week.from), lt(incidents.declaredAt, week.to));
  const [weekIncidents, [weekCount]] = await Promise.all([
    db
      .select({ number: incidents.number, title: incidents.title, severity: incidents.severity, status: incidents.status, channelId: incidents.channelId, closeReason: incidents.closeReason })
      .from(incidents)
      .where(declared)
      .orderBy(asc(incidents.declaredAt))
      .limit(LIST_MAX),
    db.select({ n: sql<number>`count(*)::int` }).from(incidents).where(declared),
  ]);

  // Owed: a required postmortem of a counted, resolved incident, neither published nor waived.
  const owedWhere = and(
    eq(incidents.teamId, teamId),
    eq(incidents.metricsKind, "counted"),
    isNotNull(incidents.resolvedAt),
    inArray(incidents.severity, severities.filter(postmortemRequired)),
    sql`coalesce(${postmortems.status}, 'not_started') not in ('published', 'waived')`,
  );
  const [owedRows, [owedCount]] = await Promise.all([
    db
      .select({ number: incidents.number, title: incidents.title, severity: incidents.severity, commanderId: incidents.commanderId, resolvedAt: incidents.resolvedAt })
      .from(incidents)
      .leftJoin(postmortems, and(eq(postmortems.teamId, incidents.teamId), eq(postmortems.incidentId, incidents.id)))
      .where(owedWhere)
      .orderBy(desc(incidents.resolvedAt))
      .limit(LIST_MAX),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(incidents)
      .leftJoin(postmortems, and(eq(postmortems.teamId, incidents.teamId), eq(postmortems.incidentId, incidents.id)))
      .where(owedWhere),
  ]);

  const today = localDate(week.to, timeZone);
  const overdue = await db
    .select({ ownerId: actionItems.ownerId, description: actionItems.description, incidentNumber: incidents.number })
    .from(actionItems)
    .innerJoin(incidents, and(eq(incidents.teamId, actionItems.teamId), eq(incidents.id, actionItems.incidentId)))
    .where(and(eq(actionItems.teamId, teamId), inArray(actionItems.status, ["open", "in_progress"]), lt(actionItems.dueDate, today)))
    .orderBy(asc(actionItems.dueDate), asc(actionItems.id));
  const byOwner = new Map<string, Array<{ incidentNumber: number; description: string }>>();
  for (const row of overdue) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), { incidentNumber: row.incidentNumber, description: row.description }]);
  const owners = [...byOwner.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));

  const day = (d: Date) => {
    const p = localParts(d, timeZone);
    return `${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][p.weekday]} ${p.day} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][p.month - 1]}`;
  };
  return {
    weekLabel: `${day(week.from)} – ${day(week.to)}`,
    incidents: { total: weekCount?.n ?? 0, list: weekIncidents },
    postmortemsOwed: {
      total: owedCount?.n ?? 0,
      list: owedRows.map((r) => ({ ...r, daysSinceResolved: Math.floor((week.to.getTime() - (r.resolvedAt?.getTime() ?? week.to.getTime())) / 86_400_000) })),
    },
    overdueByOwner: {
      total: overdue.length,
      owners: owners.length,
      list: owners.slice(0, LIST_MAX).map(([ownerId, items]) => ({ ownerId, count: items.length, items: items.slice(0, ITEMS_PER_OWNER) })),
    },
  };
}
