// The metrics of a workspace's incidents over a period, against the period before and week by week: one call,
// a plain object any surface can show (/incident metrics, the App Home, the weekly report).
//
// Why no rollup table: every figure here is computed from a handful of timestamps per incident, and the medians
// and 90th percentiles must be exact (a per-day rollup can add counts but not medians). So the rollup is an index:
// incidents_metrics_idx holds, in declaration order, every column these queries read about an incident (its
// metrics kind, severity, acknowledged / mitigated / resolved times, SLA breaches). A period is then one range read
// of that index (an index-only scan), whatever the size of the history before it, and PostgreSQL maintains the index
// in the same transaction as every change, so the figures can never drift from the incidents. The durations are
// not stored: the index already holds the two times they come from.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { openStatuses, postmortemRequired, severities, type Severity } from "../incidents/lifecycle.js";
import { localDate } from "../oncall/zoned-time.js";
import { percent, POSTMORTEM_DUE_DAYS, type Figure, type RateFigure } from "./figures.js";
import { excludedKinds, type ExcludedKind } from "./kinds.js";
import { DEFAULT_PERIOD, periodWindow, WEEK, type MetricsPeriod, type PeriodWindow } from "./periods.js";

export interface MetricsOptions {
  period?: MetricsPeriod;
  severity?: Severity;
  /** Incidents affecting this service (as listed on the incident). */
  service?: string;
  /** The business time zone: where a quarter starts and which day an action item is overdue from (default UTC). */
  timeZone?: string;
}

export interface DurationFigures {
  median: Figure;
  p90: Figure;
}

export interface IncidentMetrics {
  window: PeriodWindow;
  filters: { severity?: Severity; service?: string };
  /** Incidents declared in the period (counted ones: see kinds.ts). */
  declared: Figure;
  bySeverity: Record<Severity, Figure>;
  /** Open now; previous: open when the period began; weekly: open at the end of each week. */
  openNow: Figure;
  /** Milliseconds from declaration. */
  timeToAcknowledge: DurationFigures;
  timeToMitigate: DurationFigures;
  timeToResolve: DurationFigures;
  /** Acknowledged with no acknowledgement-SLA breach recorded, of those acknowledged or breached. */
  ackSla: RateFigure;
  /** Resolved with no resolution-SLA breach recorded, of those resolved or breached. */
  resolveSla: RateFigure;
  /** Required postmortems published within POSTMORTEM_DUE_DAYS of resolution, of those published or past due. */
  postmortemsOnTime: RateFigure;
  /** Action items of the period's incidents still open, and those of them past their due date. */
  actionItemsOpen: Figure;
  actionItemsOverdue: Figure;
  /** Incidents left out of the figures, by why (declared in error; later drills). */
  excluded: Record<ExcludedKind, { current: number; previous: number }>;
}

/** Rows of a query grouped by period (0 current, 1 previous) and by week (0 = the week ending now). */
type Row = Record<string, unknown> & { period: number | null; week: number | null; by_period: boolean };

export async function incidentMetrics(db: DbOrTx, teamId: string, options: MetricsOptions, now: Date): Promise<IncidentMetrics> {
  const window = periodWindow(options.period ?? DEFAULT_PERIOD, now, options.timeZone);
  const scope = scopeOf(teamId, options, window);
  const today = localDate(now, options.timeZone ?? "UTC");
  const [incidentRows, postmortemRows, actionRows, openRow] = await Promise.all([
    rowsOf(db, incidentFigures(scope)),
    rowsOf(db, postmortemFigures(scope)),
    rowsOf(db, actionItemFigures(scope, today)),
    rowsOf(db, openFigures(scope)),
  ]);
  return assembleMetrics(window, { severity: options.severity, service: options.service }, { incidentRows, postmortemRows, actionRows, openRow: openRow[0] ?? {} });
}

interface Scope {
  teamId: string;
  window: PeriodWindow;
  /** The earliest declaration any figure needs: the previous period's start or the first sparkline week's. */
  scanFrom: Date;
  filters: SQL;
}

function scopeOf(teamId: string, options: MetricsOptions, window: PeriodWindow): Scope {
  const scanFrom = new Date(Math.min(window.previousFrom.getTime(), window.weeks[0]!.from.getTime()));
  const filters = sql.join(
    [
      options.severity ? sql` and i.severity = ${options.severity}` : sql``,
      options.service ? sql` and i.affected_services @> ${JSON.stringify([options.service])}::jsonb` : sql``,
    ],
    sql``,
  );
  return { teamId, window, scanFrom, filters };
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Which period and which sparkline week an incident's declaration falls in (null: neither). */
function buckets(scope: Scope): SQL {
  const w = scope.window;
  // The period includes its last instant: an incident declared this very moment counts.
  return sql`case when i.declared_at >= ${at(w.from)} and i.declared_at <= ${at(w.to)} then 0
                  when i.declared_at >= ${at(w.previousFrom)} and i.declared_at < ${at(w.previousTo)} then 1 end as period,
             case when i.declared_at >= ${at(w.weeks[0]!.from)} then floor(date_part('epoch', ${at(w.to)} - i.declared_at) * 1000 / ${WEEK})::int end as week`;
}

/** Incidents declared in the scanned stretch, of the workspace, with the filters. */
function declaredIn(scope: Scope): SQL {
  return sql`i.team_id = ${scope.teamId} and i.declared_at >= ${at(scope.scanFrom)} and i.declared_at <= ${at(scope.window.to)}${scope.filters}`;
}

const groupedByPeriodAndWeek = sql`group by grouping sets ((period), (week))`;
const byPeriod = sql`grouping(week) = 1 as by_period`;

function incidentFigures(scope: Scope): SQL {
  const counted = sql`metrics_kind = 'counted'`;
  // date_part is float arithmetic (extract would be numeric, several times slower); both percentiles from one sort.
  const ms = (column: string) => sql.raw(`date_part('epoch', i.${column} - i.declared_at) * 1000`);
  const percentiles = (name: string, column: string) =>
    sql`percentile_cont(array[0.5, 0.9]) within group (order by ${ms(column)}) filter (where ${counted}) as ${sql.raw(`${name}_pct`)}`;
  const bySeverity = sql.join(
    severities.map((s) => sql`count(*) filter (where ${counted} and i.severity = ${s})::int as ${sql.raw(s)}`),
    sql`, `,
  );
  const excluded = sql.join(
    excludedKinds.map((k) => sql`count(*) filter (where metrics_kind = ${k})::int as ${sql.raw(`excluded_${k}`)}`),
    sql`, `,
  );
  return sql`
    select period, week, ${byPeriod},
      count(*) filter (where ${counted})::int as declared, ${bySeverity}, ${excluded},
      ${percentiles("ack", "acknowledged_at")}, ${percentiles("mitigate", "mitigated_at")}, ${percentiles("resolve", "resolved_at")},
      count(*) filter (where ${counted} and (i.acknowledged_at is not null or i.ack_sla_breached_at is not null))::int as ack_sla_of,
      count(*) filter (where ${counted} and i.acknowledged_at is not null and i.ack_sla_breached_at is null)::int as ack_sla_hit,
      count(*) filter (where ${counted} and (i.resolved_at is not null or i.resolve_sla_breached_at is not null))::int as resolve_sla_of,
      count(*) filter (where ${counted} and i.resolved_at is not null and i.resolve_sla_breached_at is null)::int as resolve_sla_hit
    from (select i.*, ${buckets(scope)} from incidents i where ${declaredIn(scope)}) i
    ${groupedByPeriodAndWeek}`;
}

const requiredSeverities = severities.filter(postmortemRequired);

function postmortemFigures(scope: Scope): SQL {
  const due = sql.raw(`i.resolved_at + interval '${POSTMORTEM_DUE_DAYS} days'`);
  return sql`
    select period, week, ${byPeriod},
      count(*)::int as of,
      count(*) filter (where p.published_at <= ${due})::int as hit
    from (select i.id, i.team_id, i.resolved_at, ${buckets(scope)} from incidents i
          where ${declaredIn(scope)} and i.metrics_kind = 'counted' and i.resolved_at is not null
            and i.severity in (${sql.join(requiredSeverities.map((s) => sql`${s}`), sql`, `)})) i
    -- One look-up per incident through the unique (team, incident) index: the period's few, never the whole table.
    left join lateral (select p.status, p.published_at from postmortems p where p.team_id = i.team_id and p.incident_id = i.id limit 1) p on true
    where coalesce(p.status, 'not_started') <> 'waived' and (p.published_at is not null or ${due} <= ${at(scope.window.to)})
    ${groupedByPeriodAndWeek}`;
}

function actionItemFigures(scope: Scope, today: string): SQL {
  return sql`
    select period, week, ${byPeriod},
      count(*)::int as open,
      count(*) filter (where a.due_date < ${today})::int as overdue
    from (select i.id, i.team_id, ${buckets(scope)} from incidents i where ${declaredIn(scope)} and i.metrics_kind = 'counted') i
    join action_items a on a.team_id = i.team_id and a.incident_id = i.id and a.status in ('open', 'in_progress')
    ${groupedByPeriodAndWeek}`;
}

/** Open now, open when the period began, and open at the end of each sparkline week. */
function openFigures(scope: Scope): SQL {
  const w = scope.window;
  const openAt = (moment: Date, name: string) =>
    sql`count(*) filter (where i.declared_at <= ${at(moment)} and (i.resolved_at is null or i.resolved_at > ${at(moment)}))::int as ${sql.raw(name)}`;
  const open = sql.join(openStatuses.map((s) => sql`${s}`), sql`, `);
  return sql`
    select count(*) filter (where i.status in (${open}))::int as now,
      ${openAt(w.from, "at_start")},
      ${sql.join(w.weeks.map((week, k) => openAt(week.to, `week_${k}`)), sql`, `)}
    from incidents i
    where i.team_id = ${scope.teamId} and i.metrics_kind = 'counted' and i.declared_at <= ${at(w.to)}
      and (i.resolved_at is null or i.resolved_at > ${at(new Date(Math.min(w.from.getTime(), w.weeks[0]!.from.getTime())))})${scope.filters}`;
}

async function rowsOf(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A float8[] as the driver hands it over: an array (node-postgres, PGlite) or its text form "{1,2}". */
function arrayOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return v.replace(/^\{|\}$/g, "").split(",").map((x) => (x === "NULL" ? null : x));
  return [];
}

/** Pure: the figures from the grouped rows (one per period and one per sparkline week). */
export function assembleMetrics(
  window: PeriodWindow,
  filters: IncidentMetrics["filters"],
  rows: { incidentRows: Row[]; postmortemRows: Row[]; actionRows: Row[]; openRow: Record<string, unknown> },
): IncidentMetrics {
  const weeks = window.weeks.length;
  // Week 0 ends now; the sparkline reads oldest first.
  const figure = (list: Row[], value: (row: Row | undefined) => number | null): Figure => {
    const periodRow = (p: number) => list.find((r) => r.by_period && num(r.period) === p);
    const weekRow = (k: number) => list.find((r) => !r.by_period && num(r.week) === k);
    return {
      current: value(periodRow(0)),
      previous: value(periodRow(1)),
      weekly: Array.from({ length: weeks }, (_, i) => value(weekRow(weeks - 1 - i))),
    };
  };
  const count = (list: Row[], column: string) => figure(list, (r) => num(r?.[column]) ?? 0);
  const rate = (list: Row[], hit: string, of: string): RateFigure => {
    const shares = figure(list, (r) => percent(num(r?.[hit]) ?? 0, num(r?.[of]) ?? 0));
    const current = list.find((r) => r.by_period && num(r.period) === 0);
    return { ...shares, hit: num(current?.[hit]) ?? 0, of: num(current?.[of]) ?? 0 };
  };
  const nth = (name: string, n: number) => (r: Row | undefined) => num(arrayOf(r?.[`${name}_pct`])[n]);
  const durations = (name: string): DurationFigures => ({ median: figure(rows.incidentRows, nth(name, 0)), p90: figure(rows.incidentRows, nth(name, 1)) });
  const excludedCount = (kind: ExcludedKind) => {
    const f = count(rows.incidentRows, `excluded_${kind}`);
    return { current: f.current ?? 0, previous: f.previous ?? 0 };
  };
  const open = rows.openRow;
  return {
    window,
    filters,
    declared: count(rows.incidentRows, "declared"),
    bySeverity: Object.fromEntries(severities.map((s) => [s, count(rows.incidentRows, s)])) as Record<Severity, Figure>,
    openNow: { current: num(open.now) ?? 0, previous: num(open.at_start) ?? 0, weekly: Array.from({ length: weeks }, (_, k) => num(open[`week_${k}`]) ?? 0) },
    timeToAcknowledge: durations("ack"),
    timeToMitigate: durations("mitigate"),
    timeToResolve: durations("resolve"),
    ackSla: rate(rows.incidentRows, "ack_sla_hit", "ack_sla_of"),
    resolveSla: rate(rows.incidentRows, "resolve_sla_hit", "resolve_sla_of"),
    postmortemsOnTime: rate(rows.postmortemRows, "hit", "of"),
    actionItemsOpen: count(rows.actionRows, "open"),
    actionItemsOverdue: count(rows.actionRows, "overdue"),
    excluded: Object.fromEntries(excludedKinds.map((k) => [k, excludedCount(k)])) as IncidentMetrics["excluded"],
  };
}
