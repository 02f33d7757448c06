// The metrics in Block Kit: /incident metrics (every figure, its change and its weekly sparkline), the brief the
// App Home shows, and the weekly report in the announcement channel. Pure: figures in, blocks out.
import { humanDuration, severities, severityLabel } from "../../incidents/lifecycle.js";
import { change, sparkline, type Figure, type RateFigure } from "../../metrics/figures.js";
import type { DurationFigures, IncidentMetrics } from "../../metrics/queries.js";
import { excludedKinds, type ExcludedKind } from "../../metrics/kinds.js";
import { periodLabel } from "../../metrics/periods.js";
import type { WeeklyReport } from "../../metrics/weekly-report.js";
import type { SlackMessage } from "../gateway.js";
import { incidentTitle } from "./incident-card.js";
import { context, header, section } from "./kit.js";
import { escapeText, mentionChannel, mentionUser } from "./text.js";

type Unit = "count" | "duration" | "points";

const amount = (value: number, unit: Unit): string => (unit === "duration" ? humanDuration(value) : unit === "points" ? `${value} pts` : String(Math.round(value)));

/** "(↑3)", "(↓4m)", "(=)"; nothing when there is nothing to compare with. */
export function changeText(figure: Pick<Figure, "current" | "previous">, unit: Unit = "count"): string {
  const c = change(figure);
  if (c.direction === "none") return "";
  if (c.direction === "same") return " (=)";
  return ` (${c.direction === "up" ? "↑" : "↓"}${amount(c.by, unit)})`;
}

const spark = (figure: Figure): string => ` \`${sparkline(figure.weekly)}\``;
const counted = (figure: Figure): string => `${figure.current ?? 0}${changeText(figure)}`;
const duration = (figure: Figure): string => (figure.current === null ? "—" : `${humanDuration(figure.current)}${changeText(figure, "duration")}`);
const durations = (label: string, d: DurationFigures): string => `*${label}:* median ${duration(d.median)} · p90 ${duration(d.p90)}${spark(d.median)}`;
const rate = (label: string, r: RateFigure): string =>
  `*${label}:* ${r.current === null ? "— (none yet)" : `${r.current}% (${r.hit} of ${r.of})${changeText(r, "points")}`}${spark(r)}`;

const excludedLabels: Record<ExcludedKind, string> = { in_error: "declared in error", drill: "drills" };

function filterWords(m: IncidentMetrics): string {
  const words = [m.filters.drills ? ":construction: drills only" : "", m.filters.severity ? severityLabel(m.filters.severity) : "", m.filters.service ? `service ${escapeText(m.filters.service)}` : ""].filter(Boolean);
  return words.length ? ` · ${words.join(" · ")}` : "";
}

function leftOut(m: IncidentMetrics): string {
  const parts = excludedKinds.filter((k) => m.excluded[k].current || m.excluded[k].previous).map((k) => `${m.excluded[k].current} ${excludedLabels[k]} (${m.excluded[k].previous} in the period before)`);
  return parts.length ? `Left out of these figures: ${parts.join(", ")}.` : "Nothing was left out of these figures.";
}

/** Every figure, one line each: what /incident metrics answers and the weekly report repeats. */
function figureLines(m: IncidentMetrics): string[] {
  const sev = severities.map((s) => `${severityLabel(s)} ${counted(m.bySeverity[s])}`).join(" · ");
  return [
    `*Declared:* ${counted(m.declared)}${spark(m.declared)}\n${sev}`,
    `*Open now:* ${counted(m.openNow)}${spark(m.openNow)}`,
    [durations("Time to acknowledge", m.timeToAcknowledge), durations("Time to mitigate", m.timeToMitigate), durations("Time to resolve", m.timeToResolve)].join("\n"),
    [rate("Acknowledged within SLA", m.ackSla), rate("Resolved within SLA", m.resolveSla), rate("Postmortems published on time", m.postmortemsOnTime)].join("\n"),
    `*Action items:* ${counted(m.actionItemsOpen)} open${spark(m.actionItemsOpen)} · ${counted(m.actionItemsOverdue)} overdue${spark(m.actionItemsOverdue)}`,
  ];
}

const comparedWith = (m: IncidentMetrics): string =>
  `Changes against the ${m.window.period === "quarter" ? "previous quarter to the same day" : `${m.window.period.slice(0, -1)} days before`} · sparklines: ${m.window.weeks.length} weeks, oldest first`;

/** The answer to /incident metrics. */
export function metricsMessage(m: IncidentMetrics): SlackMessage {
  const title = `Incident metrics: ${periodLabel(m.window.period)}`;
  return {
    text: `${title}: ${m.declared.current ?? 0} incidents declared`,
    blocks: [header(title), context(`${comparedWith(m)}${filterWords(m)}`), ...figureLines(m).map(section), context(leftOut(m))],
  };
}

/**
 * The last 30 days in brief, for the App Home (mrkdwn lines under its own heading): incidents, open now, median time
 * to acknowledge and to resolve, the two SLAs and the action items, each with its change.
 */
export function metricsBriefLines(m: IncidentMetrics): string[] {
  const ack = m.timeToAcknowledge.median;
  const res = m.timeToResolve.median;
  const pct = (r: RateFigure) => (r.current === null ? "—" : `${r.current}%${changeText(r, "points")}`);
  return [
    `${counted(m.declared)} incidents${spark(m.declared)} · ${m.openNow.current ?? 0} open now`,
    `MTTA ${duration(ack)} · MTTR ${duration(res)} · ack SLA ${pct(m.ackSla)} · resolve SLA ${pct(m.resolveSla)}`,
    `Action items: ${m.actionItemsOpen.current ?? 0} open, ${m.actionItemsOverdue.current ?? 0} overdue`,
    `_${excludedKinds.some((k) => m.excluded[k].current) ? `${leftOut(m)} ` : ""}\`/incident metrics\` has the rest._`,
  ];
}

/** Lines in the weekly report's lists; Slack allows 50 blocks and 3,000 characters a section. */
const REPORT_LIST_MAX = 15;

const more = (shown: number, total: number, what: string) => (total > shown ? `\n…and ${total - shown} more ${what}.` : "");

/** The weekly report: last week's incidents with links, the metrics, postmortems still owed, overdue items by owner. */
export function weeklyReportMessage(report: WeeklyReport, m: IncidentMetrics): SlackMessage {
  const incidentLine = (i: WeeklyReport["incidents"]["list"][number]) =>
    `• *#${i.number}* ${incidentTitle(i)} · ${severityLabel(i.severity)} · ${i.closeReason === "declared_in_error" ? "declared in error" : i.status}${i.channelId ? ` · ${mentionChannel(i.channelId)}` : ""}`;
  const incidents = report.incidents.list.length
    ? `${report.incidents.list.slice(0, REPORT_LIST_MAX).map(incidentLine).join("\n")}${more(Math.min(REPORT_LIST_MAX, report.incidents.list.length), report.incidents.total, "incidents")}`
    : "No incidents were declared last week. :white_check_mark:";
  const owed = report.postmortemsOwed.list.length
    ? `${report.postmortemsOwed.list.map((p) => `• *#${p.number}* ${incidentTitle(p)} · ${severityLabel(p.severity)} · IC ${mentionUser(p.commanderId)} · resolved ${p.daysSinceResolved}d ago`).join("\n")}${more(report.postmortemsOwed.list.length, report.postmortemsOwed.total, "postmortems")}`
    : "None. :white_check_mark:";
  const overdue = report.overdueByOwner.list.length
    ? `${report.overdueByOwner.list.map((o) => `• ${mentionUser(o.ownerId)}: ${o.count} (${o.items.map((it) => `#${it.incidentNumber} ${escapeText(it.description.slice(0, 60))}`).join("; ")})`).join("\n")}${more(report.overdueByOwner.list.length, report.overdueByOwner.owners, "people")}`
    : "None. :white_check_mark:";
  return {
    text: `Weekly incident report: ${report.incidents.total} incidents declared last week`,
    blocks: [
      header("Weekly incident report"),
      context(`${report.weekLabel} · ${comparedWith(m)}`),
      section(`*Last week's incidents (${report.incidents.total})*\n${incidents}`),
      ...figureLines(m).map(section),
      context(leftOut(m)),
      section(`*Postmortems still owed (${report.postmortemsOwed.total})*\n${owed}`),
      section(`*Overdue action items by owner (${report.overdueByOwner.total})*\n${overdue}`),
    ],
  };
}
