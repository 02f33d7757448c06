// Pure: how a figure compares with the period before and how it moved week by week, in a few characters.

/** A figure for the period, the one before, and each week of the sparkline (oldest first); null: nothing to measure. */
export interface Figure {
  current: number | null;
  previous: number | null;
  weekly: Array<number | null>;
}

/** A share (hit of decided), e.g. an SLA: the figure is the percentage, and the counts are kept to show them. */
export interface RateFigure extends Figure {
  hit: number;
  of: number;
}

const bars = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/**
 * One character per week, scaled from 0 to the highest week, so a flat line of small numbers stays low and a
 * week with nothing to measure (no incidents to take a median of) shows as a dot.
 */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const highest = Math.max(0, ...values.filter((v): v is number => v !== null));
  return values
    .map((v) => {
      if (v === null) return "·";
      if (highest === 0) return bars[0];
      return bars[Math.min(bars.length - 1, Math.round((v / highest) * (bars.length - 1)))];
    })
    .join("");
}

export type Change = { direction: "up" | "down" | "same"; by: number } | { direction: "none" };

/** How the period compares with the one before; "none" when either has nothing to measure. */
export function change(figure: Pick<Figure, "current" | "previous">): Change {
  if (figure.current === null || figure.previous === null) return { direction: "none" };
  const by = figure.current - figure.previous;
  if (by === 0) return { direction: "same", by: 0 };
  return { direction: by > 0 ? "up" : "down", by: Math.abs(by) };
}

/** A percentage of whole points (87), or null when nothing was decided. */
export const percent = (hit: number, of: number): number | null => (of === 0 ? null : Math.round((hit / of) * 100));

/**
 * The p-th percentile with linear interpolation between the closest ranks, as PostgreSQL's percentile_cont computes
 * it (the median of an even count is the mean of the middle two): the queries compute it in SQL; this is the
 * definition the tests check them against.
 */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** The same, of values already in ascending order (sorted once for several percentiles). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** A required postmortem is on time when it is published within this many days of the resolution. */
export const POSTMORTEM_DUE_DAYS = 7;
