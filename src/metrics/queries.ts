// The metrics of a workspace's incidents over a period, against the period before and week by week: one call,
// a plain object any surface can show (/incident metrics, the App Home, the weekly report).
//
// Why no rollup table: every figure here comes from a handful of timestamps per incident, and the medians and 90th
// percentiles must be exact (a per-day rollup can add up counts but not medians). So the rollup is an index:
// incidents_metrics_idx holds, in declaration order, every column the figures need about an incident (its metrics
// kind, severity, acknowledged / mitigated / resolved times, SLA breaches, id). A period is one range read of that
// index (an index-only scan), whatever the size of the history before it, and PostgreSQL maintains the index in the
// same transaction as every change, so the figures can never drift from the incidents. The durations are not
// stored: the index holds the two times each comes from. The period's postmortems and open action items are read
// by incident id from the period's first incident on (their own indexes), and open incidents through
// incidents_metrics_resolved_idx. Each read comes back as one compact text value, not a row per incident (rows
// cost far more to hand over than to read, above all from the embedded database), and the figures are computed
// in plain TypeScript (tally.ts).
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import type { Severity } from "../incidents/lifecycle.js";
import { localDate } from "../oncall/zoned-time.js";
import type { Figure, RateFigure } from "./figures.js";
import { countedKindOf, type ExcludedKind } from "./kinds.js";
import { DEFAULT_PERIOD, periodWindow, type MetricsPeriod, type PeriodWindow } from "./periods.js";
import { tallyMetrics, type StoredActionItem, type StoredIncident, type StoredOpening, type StoredPostmortem } from "./tally.js";

export interface MetricsOptions {
  period?: MetricsPeriod;
  severity?: Severity;
  /** Incidents affecting this service (as listed on the incident). */
  service?: string;
  /** Figures of drills (practice incidents) instead of real ones. */
  drills?: boolean;
  /** The business time zone: where a quarter starts and which day an action item is overdue from (default UTC). */
  timeZone?: string;
}

export interface DurationFigures {
  median: Figure;
  p90: Figure;
}

export interface IncidentMetrics {
  window: PeriodWindow;
  filters: { severity?: Severity; service?: string; drills?: boolean };
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

export async function incidentMetrics(db: DbOrTx, teamId: string, options: MetricsOptions, now: Date): Promise<IncidentMetrics> {
  const window = periodWindow(options.period ?? DEFAULT_PERIOD, now, options.timeZone);
  const scanFrom = new Date(Math.min(window.previousFrom.getTime(), window.weeks[0]!.from.getTime()));
  const filters = sql.join(
    [
      options.severity ? sql` and i.severity = ${options.severity}` : sql``,
      options.service ? sql` and i.affected_services @> ${JSON.stringify([options.service])}::jsonb` : sql``,
    ],
    sql``,
  );
  // Open incidents need nothing from the period's read: asked for at once (PostgreSQL answers both side by side).
  const sparkFrom = new Date(Math.min(window.from.getTime(), window.weeks[0]!.from.getTime()));
  const opened = packed(
    db,
    sql`select string_agg(${ms(sql`i.declared_at`)} || ',' || coalesce(${ms(sql`i.resolved_at`)}, '') || ',' || (i.status in ('investigating', 'identified', 'monitoring'))::int, ';')
        from incidents i
        where i.team_id = ${teamId} and i.metrics_kind = ${countedKindOf(options)} and i.declared_at <= ${at(window.to)}
          and (i.resolved_at is null or i.resolved_at > ${at(sparkFrom)})${filters}`,
  );
  // Awaited below; if the period's read fails first, this one's failure must not go unhandled.
  opened.catch(() => undefined);
  const incidents = parseIncidents(
    await packed(
      db,
      sql`select string_agg(i.id || ',' || ${ms(sql`i.declared_at`)} || ',' || i.metrics_kind || ',' || right(i.severity, 1) || ',' ||
            coalesce(${since(sql`i.acknowledged_at`)}, '') || ',' || coalesce(${since(sql`i.mitigated_at`)}, '') || ',' || coalesce(${since(sql`i.resolved_at`)}, '') || ',' ||
            (i.ack_sla_breached_at is not null)::int || ',' || (i.resolve_sla_breached_at is not null)::int, ';')
          from incidents i
          where i.team_id = ${teamId} and i.declared_at >= ${at(scanFrom)} and i.declared_at <= ${at(window.to)}${filters}`,
    ),
  );
  // Every incident read has an id at least the smallest one among them: the look-ups by incident start there.
  const firstId = incidents.reduce((least, i) => Math.min(least, i.id), Number.MAX_SAFE_INTEGER);
  const [postmortemText, actionText, openText] = await Promise.all([
    incidents.length
      ? packed(db, sql`select string_agg(p.incident_id || ',' || p.status || ',' || coalesce(${ms(sql`p.published_at`)}, ''), ';') from postmortems p where p.team_id = ${teamId} and p.incident_id >= ${firstId}`)
      : "",
    incidents.length
      ? packed(
          db,
          sql`select string_agg(a.incident_id || ',' || coalesce(a.due_date, ''), ';') from action_items a
              where a.team_id = ${teamId} and a.status in ('open', 'in_progress') and a.incident_id >= ${firstId}`,
        )
      : "",
    opened,
  ]);
  return tallyMetrics(window, { severity: options.severity, service: options.service, ...(options.drills ? { drills: true } : {}) }, {
    incidents,
    postmortems: parsePostmortems(postmortemText),
    actionItems: parseActionItems(actionText),
    openings: parseOpenings(openText),
    today: localDate(now, options.timeZone ?? "UTC"),
  });
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** Milliseconds since the epoch as text (float arithmetic: extract would be numeric, several times slower). */
const ms = (column: SQL) => sql`(date_part('epoch', ${column}) * 1000)::bigint::text`;
const since = (column: SQL) => sql`(date_part('epoch', ${column} - i.declared_at) * 1000)::bigint::text`;

async function packed(db: DbOrTx, query: SQL): Promise<string> {
  const result = (await db.execute(query)) as unknown as { rows: Array<{ string_agg: string | null }> };
  return result.rows[0]?.string_agg ?? "";
}

const records = (text: string): string[][] => (text ? text.split(";").map((r) => r.split(",")) : []);
const optional = (v: string | undefined): number | null => (v === undefined || v === "" ? null : Number(v));

const INCIDENT_FIELDS = 9;

/** One flat split of the whole text (thousands of incidents), then nine fields at a time. */
function parseIncidents(text: string): StoredIncident[] {
  if (!text) return [];
  const f = text.split(/[;,]/);
  const out: StoredIncident[] = new Array(f.length / INCIDENT_FIELDS);
  for (let n = 0, at = 0; at < f.length; n++, at += INCIDENT_FIELDS) {
    out[n] = {
      id: Number(f[at]),
      declaredAt: Number(f[at + 1]),
      kind: f[at + 2] as StoredIncident["kind"],
      severity: `sev${f[at + 3]}` as Severity,
      toAcknowledge: optional(f[at + 4]),
      toMitigate: optional(f[at + 5]),
      toResolve: optional(f[at + 6]),
      ackBreached: f[at + 7] === "1",
      resolveBreached: f[at + 8] === "1",
    };
  }
  return out;
}

const parsePostmortems = (text: string): StoredPostmortem[] =>
  records(text).map(([id, status, published]) => ({ incidentId: Number(id), status: status!, publishedAt: optional(published) }));

const parseActionItems = (text: string): StoredActionItem[] => records(text).map(([id, due]) => ({ incidentId: Number(id), dueDate: due || null }));

const parseOpenings = (text: string): StoredOpening[] =>
  records(text).map(([declared, resolved, open]) => ({ declaredAt: Number(declared), resolvedAt: optional(resolved), openNow: open === "1" }));
