// /incident metrics [7d|30d|90d|quarter] [sev:1] [service:checkout] [drills]: how we are doing, against the period before.
import { z } from "zod";
import { severityFromWord } from "../../../incidents/lifecycle.js";
import { metricsPeriodSchema, DEFAULT_PERIOD } from "../../../metrics/periods.js";
import { incidentMetrics, type MetricsOptions } from "../../../metrics/queries.js";
import { metricsMessage } from "../../blocks/metrics.js";
import { echoTyped } from "../../blocks/text.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

const ACCEPTED = "`/incident metrics` takes a period (`7d`, `30d` (the default), `90d` or `quarter`) and optionally `sev:1` … `sev:4`, `service:<name>` and `drills` (the figures of practice incidents instead of real ones), e.g. `/incident metrics 90d sev:1 service:checkout`.";

// A service as people name them on incidents: letters, digits and a few joiners, not too long.
const serviceSchema = z.string().min(1).max(80).regex(/^[\p{L}\p{N}][\p{L}\p{N}._\/-]*$/u);

type Parsed = { ok: true; options: MetricsOptions } | { ok: false; word: string };

/** The words after `metrics`, each at most once; the first word that fits nothing is the one to point at. */
export function parseMetricsArgs(text: string): Parsed {
  const options: MetricsOptions = {};
  let period: string | undefined;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    const periodWord = metricsPeriodSchema.safeParse(lower === "q" ? "quarter" : lower);
    const [key, value = ""] = lower.includes(":") ? [lower.slice(0, lower.indexOf(":")), word.slice(word.indexOf(":") + 1)] : [lower];
    if (periodWord.success && period === undefined) {
      period = periodWord.data;
      options.period = periodWord.data;
    } else if ((key === "sev" || key === "severity") && severityFromWord(value) && !options.severity) {
      options.severity = severityFromWord(value);
    } else if ((lower === "drills" || lower === "drill") && !options.drills) {
      options.drills = true;
    } else if (key === "service" && serviceSchema.safeParse(value).success && !options.service) {
      options.service = value;
    } else {
      return { ok: false, word };
    }
  }
  options.period ??= DEFAULT_PERIOD;
  return { ok: true, options };
}

export const metrics: Subcommand = async (deps, request) => {
  const parsed = parseMetricsArgs(asTyped(request.args));
  if (!parsed.ok) return say(`Sorry, I don't understand \`${echoTyped(parsed.word)}\` there. ${ACCEPTED}`);
  const figures = await incidentMetrics(deps.db, request.teamId, { ...parsed.options, timeZone: deps.businessTimeZone }, deps.clock.now());
  return { answer: metricsMessage(figures) };
};
