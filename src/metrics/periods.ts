// Pure: which stretch of time a metrics period covers, the stretch it is compared with, and its weeks.
import { z } from "zod";
import { localParts, zonedToUtc } from "../oncall/zoned-time.js";

export const metricsPeriods = ["7d", "30d", "90d", "quarter"] as const;
export const metricsPeriodSchema = z.enum(metricsPeriods);
export type MetricsPeriod = z.infer<typeof metricsPeriodSchema>;
export const DEFAULT_PERIOD: MetricsPeriod = "30d";

const DAY = 86_400_000;
export const WEEK = 7 * DAY;
/** A sparkline shorter than this says nothing, so a short period still shows this many weeks of trend. */
const MIN_SPARK_WEEKS = 6;

export interface PeriodWindow {
  period: MetricsPeriod;
  /** The period: [from, to). */
  from: Date;
  to: Date;
  /** The period it is compared with, of the same length, just before it. */
  previousFrom: Date;
  previousTo: Date;
  /** Weeks for the sparklines, oldest first, the last ending at `to` (rolling 7-day weeks). */
  weeks: Array<{ from: Date; to: Date }>;
}

/**
 * 7d / 30d / 90d: the days up to now. quarter: the calendar quarter so far in the business time zone, compared
 * with the previous quarter up to the same point (never past its end: quarters differ by a day or two).
 */
export function periodWindow(period: MetricsPeriod, now: Date, timeZone = "UTC"): PeriodWindow {
  const to = now;
  let from: Date;
  let previousFrom: Date;
  let previousTo: Date;
  if (period === "quarter") {
    from = quarterStart(now, timeZone, 0);
    previousFrom = quarterStart(now, timeZone, -1);
    previousTo = new Date(Math.min(from.getTime(), previousFrom.getTime() + (to.getTime() - from.getTime())));
  } else {
    const days = Number(period.slice(0, -1));
    from = new Date(to.getTime() - days * DAY);
    previousTo = from;
    previousFrom = new Date(from.getTime() - days * DAY);
  }
  const weekCount = Math.max(MIN_SPARK_WEEKS, Math.ceil((to.getTime() - from.getTime()) / WEEK));
  const weeks = Array.from({ length: weekCount }, (_, i) => {
    const end = to.getTime() - (weekCount - 1 - i) * WEEK;
    return { from: new Date(end - WEEK), to: new Date(end) };
  });
  return { period, from, to, previousFrom, previousTo, weeks };
}

/** Midnight on the first day of the quarter `offset` quarters from the one holding `at`, in `timeZone`. */
function quarterStart(at: Date, timeZone: string, offset: number): Date {
  const local = localParts(at, timeZone);
  const index = local.year * 4 + Math.floor((local.month - 1) / 3) + offset;
  return zonedToUtc({ year: Math.floor(index / 4), month: (index % 4) * 3 + 1, day: 1, hour: 0, minute: 0 }, timeZone);
}

/** "the last 30 days", "this quarter so far". */
export function periodLabel(period: MetricsPeriod): string {
  return period === "quarter" ? "this quarter so far" : `the last ${period.slice(0, -1)} days`;
}
