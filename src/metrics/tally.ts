// Pure: the figures of a period from what is stored about its incidents (times in ms since the epoch): counts,
// exact medians and 90th percentiles, SLA and postmortem shares, action items, open incidents, per period and week.
import { postmortemRequired, severities, type Severity } from "../incidents/lifecycle.js";
import { percent, percentileOfSorted, POSTMORTEM_DUE_DAYS, type Figure, type RateFigure } from "./figures.js";
import { countedKindOf, excludedKinds, type MetricsKind } from "./kinds.js";
import type { PeriodWindow } from "./periods.js";
import type { DurationFigures, IncidentMetrics } from "./queries.js";

export interface StoredIncident {
  id: number;
  declaredAt: number;
  kind: MetricsKind;
  severity: Severity;
  /** Milliseconds from declaration; null: not reached (yet). */
  toAcknowledge: number | null;
  toMitigate: number | null;
  toResolve: number | null;
  ackBreached: boolean;
  resolveBreached: boolean;
}
export interface StoredPostmortem {
  incidentId: number;
  status: string;
  publishedAt: number | null;
}
/** An open action item of an incident, and its due date (YYYY-MM-DD). */
export interface StoredActionItem {
  incidentId: number;
  dueDate: string | null;
}
/** A counted incident that was open at some point of the sparkline's stretch. */
export interface StoredOpening {
  declaredAt: number;
  resolvedAt: number | null;
  openNow: boolean;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** The incidents of one bucket (the period, the one before, or a week), and what is stored about them. */
interface Bucket {
  counted: StoredIncident[];
  excluded: StoredIncident[];
}

export function tallyMetrics(
  window: PeriodWindow,
  filters: IncidentMetrics["filters"],
  stored: { incidents: StoredIncident[]; postmortems: StoredPostmortem[]; actionItems: StoredActionItem[]; openings: StoredOpening[]; today: string },
): IncidentMetrics {
  // One pass puts each incident in its period (the period holds both its ends: an incident declared this very
  // moment counts; the one before ends where it begins) and its week (the last week ends now, inclusive).
  const empty = (): Bucket => ({ counted: [], excluded: [] });
  const current = empty();
  const previous = empty();
  const weeks = window.weeks.map(empty);
  const [from, to, previousFrom, previousTo] = [window.from, window.to, window.previousFrom, window.previousTo].map((d) => d.getTime()) as [number, number, number, number];
  const weekCount = weeks.length;
  // Asked about drills, the drills are the figures and real incidents are simply not part of them (nor left out).
  const counting = countedKindOf(filters);
  for (const i of stored.incidents) {
    const t = i.declaredAt;
    if (counting === "drill" && i.kind !== "drill") continue;
    const side = i.kind === counting ? "counted" : "excluded";
    if (t >= from && t <= to) current[side].push(i);
    else if (t >= previousFrom && t < previousTo) previous[side].push(i);
    if (t > to) continue;
    // Weeks are [from, to): exactly a week ago opens the last week.
    const k = t === to ? weekCount - 1 : weekCount - Math.ceil((to - t) / WEEK);
    if (k >= 0) weeks[k]![side].push(i);
  }

  const figure = (value: (b: Bucket) => number | null): Figure => ({ current: value(current), previous: value(previous), weekly: weeks.map(value) });
  const count = (which: (i: StoredIncident) => boolean) => figure((b) => b.counted.filter(which).length);
  const durations = (of: (i: StoredIncident) => number | null): DurationFigures => {
    // Each bucket's values are sorted once (as numbers, without a comparator) for both percentiles.
    const sorted = new Map<Bucket, Float64Array>();
    const values = (b: Bucket) => {
      let found = sorted.get(b);
      if (!found) {
        const measured: number[] = [];
        for (const i of b.counted) {
          const v = of(i);
          if (v !== null) measured.push(v);
        }
        found = Float64Array.from(measured).sort();
        sorted.set(b, found);
      }
      return found;
    };
    return { median: figure((b) => percentileOfSorted(values(b), 0.5)), p90: figure((b) => percentileOfSorted(values(b), 0.9)) };
  };
  const rate = (decided: (b: Bucket) => StoredIncident[], hit: (i: StoredIncident) => boolean): RateFigure => {
    const counts = new Map<Bucket, { hit: number; of: number }>();
    const countsOf = (b: Bucket) => {
      let c = counts.get(b);
      if (!c) {
        const list = decided(b);
        c = { hit: list.filter(hit).length, of: list.length };
        counts.set(b, c);
      }
      return c;
    };
    return { ...figure((b) => percent(countsOf(b).hit, countsOf(b).of)), ...countsOf(current) };
  };

  // Postmortems: required ones of resolved incidents, not waived, published or past due.
  const postmortems = new Map(stored.postmortems.map((p) => [p.incidentId, p]));
  const dueAt = (i: StoredIncident) => i.declaredAt + i.toResolve! + POSTMORTEM_DUE_DAYS * DAY;
  const owed = (b: Bucket) =>
    b.counted.filter((i) => {
      if (!postmortemRequired(i.severity) || i.toResolve === null) return false;
      const p = postmortems.get(i.id);
      if (p?.status === "waived") return false;
      return p?.publishedAt != null || dueAt(i) <= window.to.getTime();
    });
  const onTime = (i: StoredIncident) => {
    const published = postmortems.get(i.id)?.publishedAt;
    return published != null && published <= dueAt(i);
  };

  // Action items: the open ones of the bucket's counted incidents, and those past their due date.
  const itemsByIncident = new Map<number, StoredActionItem[]>();
  for (const item of stored.actionItems) itemsByIncident.set(item.incidentId, [...(itemsByIncident.get(item.incidentId) ?? []), item]);
  const itemsOf = (b: Bucket) => b.counted.flatMap((i) => itemsByIncident.get(i.id) ?? []);

  const openAt = (moment: number) => stored.openings.filter((o) => o.declaredAt <= moment && (o.resolvedAt === null || o.resolvedAt > moment)).length;

  return {
    window,
    filters,
    declared: count(() => true),
    bySeverity: Object.fromEntries(severities.map((s) => [s, count((i) => i.severity === s)])) as Record<Severity, Figure>,
    openNow: { current: stored.openings.filter((o) => o.openNow).length, previous: openAt(window.from.getTime()), weekly: window.weeks.map((w) => openAt(w.to.getTime())) },
    timeToAcknowledge: durations((i) => i.toAcknowledge),
    timeToMitigate: durations((i) => i.toMitigate),
    timeToResolve: durations((i) => i.toResolve),
    // An SLA is decided once it was met or breached; "hit" means no breach was recorded by the incident's clock.
    ackSla: rate((b) => b.counted.filter((i) => i.toAcknowledge !== null || i.ackBreached), (i) => i.toAcknowledge !== null && !i.ackBreached),
    resolveSla: rate((b) => b.counted.filter((i) => i.toResolve !== null || i.resolveBreached), (i) => i.toResolve !== null && !i.resolveBreached),
    postmortemsOnTime: rate(owed, onTime),
    actionItemsOpen: figure((b) => itemsOf(b).length),
    actionItemsOverdue: figure((b) => itemsOf(b).filter((item) => item.dueDate !== null && item.dueDate < stored.today).length),
    excluded: Object.fromEntries(excludedKinds.map((k) => [k, { current: current.excluded.filter((i) => i.kind === k).length, previous: previous.excluded.filter((i) => i.kind === k).length }])) as IncidentMetrics["excluded"],
  };
}
