// Which incidents the metrics count, and which they leave out and count separately.

/**
 * How the metrics treat an incident (the generated column incidents.metrics_kind). Only "counted" incidents make
 * the figures; every other kind is left out and counted on its own line. Drills will add "drill": one more branch
 * in the column's expression (src/db/schema.ts) and one more entry in excludedKinds, and nothing else changes.
 */
export const metricsKinds = ["counted", "in_error"] as const;
export type MetricsKind = (typeof metricsKinds)[number];

/** The kinds left out of the figures, in the order they are shown. */
export const excludedKinds = ["in_error"] as const satisfies readonly Exclude<MetricsKind, "counted">[];
export type ExcludedKind = (typeof excludedKinds)[number];
