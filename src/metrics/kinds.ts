// Which incidents the metrics count, and which they leave out and count separately.

/**
 * How the metrics treat an incident (the generated column incidents.metrics_kind). Only "counted" incidents make
 * the figures; every other kind is left out and counted on its own line. A drill (incidents.is_drill) is "drill":
 * left out of the real figures, and the only kind counted when the metrics are asked about drills.
 */
export const metricsKinds = ["counted", "in_error", "drill"] as const;
export type MetricsKind = (typeof metricsKinds)[number];

/** The kinds left out of the figures, in the order they are shown. */
export const excludedKinds = ["in_error", "drill"] as const satisfies readonly Exclude<MetricsKind, "counted">[];
export type ExcludedKind = (typeof excludedKinds)[number];

/** Which kind the figures count: real incidents, or (asked for with `drills`) practice ones. */
export const countedKindOf = (options: { drills?: boolean }): "counted" | "drill" => (options.drills ? "drill" : "counted");
