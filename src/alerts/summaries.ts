// What an alert says about itself, read from its labels and annotations the way Prometheus and Grafana write
// them: a title, a description, the services it concerns, and a short summary kept in the incident's facts.
import type { AlertRow } from "../db/schema.js";
import { DESCRIPTION_MAX, SERVICES_MAX, TITLE_MAX } from "../incidents/declare.js";

type Alert = Pick<AlertRow, "labels" | "annotations" | "fingerprint" | "generatorUrl" | "startsAt">;

/** One alert as the incident's facts keep it (the row holds everything else). */
export interface AlertSummary {
  name: string;
  fingerprint: string;
  service?: string;
  severity?: string;
  startsAt: string;
  url?: string;
}

/** Facts list at most this many alerts by name; the rest are counted. */
export const ALERTS_NAMED_IN_A_FACT = 10;
const SERVICE_MAX = 80;

/** Cuts to `max` UTF-16 units without leaving half a character. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1);
  return `${out}…`;
}

const firstText = (...candidates: Array<string | undefined>): string | undefined => candidates.map((c) => c?.trim()).find((c) => c);

export function alertName(alert: Alert): string {
  return firstText(alert.labels.alertname, alert.annotations.summary, alert.annotations.title) ?? alert.fingerprint;
}

/** The incident title an alert gives: its summary annotation, else its name. */
export function alertTitle(alert: Alert, sourceName: string): string {
  return cut(firstText(alert.annotations.summary, alert.annotations.title, alert.labels.alertname) ?? `Alert from ${sourceName}`, TITLE_MAX);
}

/** Its description annotation, then where to read more (runbook, the sender's page for it). */
export function alertDescription(alert: Alert): string {
  const parts = [
    firstText(alert.annotations.description, alert.annotations.message),
    alert.annotations.runbook_url ? `Runbook: ${alert.annotations.runbook_url}` : undefined,
    alert.generatorUrl ? `Source: ${alert.generatorUrl}` : undefined,
  ].filter((p): p is string => Boolean(p));
  return cut(parts.join("\n"), DESCRIPTION_MAX);
}

/** The services named by the alerts' `service` labels, each once. */
export function alertServices(list: Alert[]): string[] {
  const names = list.map((a) => a.labels.service?.trim()).filter((s): s is string => Boolean(s)).map((s) => cut(s, SERVICE_MAX));
  return [...new Set(names)].slice(0, SERVICES_MAX);
}

export function alertSummary(alert: Alert): AlertSummary {
  return {
    name: cut(alertName(alert), 200),
    fingerprint: alert.fingerprint,
    ...(alert.labels.service ? { service: cut(alert.labels.service, SERVICE_MAX) } : {}),
    ...(alert.labels.severity ? { severity: cut(alert.labels.severity, 40) } : {}),
    startsAt: alert.startsAt.toISOString(),
    // A link cut short would lead nowhere: a long one is left out (the row keeps it).
    ...(alert.generatorUrl && /^https?:\/\//.test(alert.generatorUrl) && alert.generatorUrl.length <= 1000 ? { url: alert.generatorUrl } : {}),
  };
}

/** The summaries a fact keeps: the first few alerts by name, and how many more there were. */
export function factAlerts(list: Alert[]): { alerts: AlertSummary[]; count: number } {
  return { alerts: list.slice(0, ALERTS_NAMED_IN_A_FACT).map(alertSummary), count: list.length };
}
