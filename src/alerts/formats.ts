// The formats alert senders speak, as their documentation describes them (Prometheus Alertmanager's webhook
// payload version 4, Grafana's webhook contact point, and our own generic JSON), each read into one shape: an alert
// with its fingerprint, state, times, labels, annotations and the group it belongs to.
import { createHash } from "node:crypto";
import { z } from "zod";
import { alertStatuses, type AlertStatus } from "./vocabulary.js";

/** One alert as the domain records it, whatever format it came in. */
export interface IncomingAlert {
  fingerprint: string;
  status: AlertStatus;
  /** When it started firing; undefined when the sender did not say (generic JSON), see recordAlerts. */
  startsAt?: Date;
  endsAt: Date | null;
  groupKey: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
  /** The alert as sent, with its notification's own fields, for anyone reading the record later. */
  raw: Record<string, unknown>;
}

/** A body is at most 1 MB; this many alerts in one notification is already far more than a sender batches. */
const MAX_ALERTS = 5000;

const labelSet = z.record(z.string(), z.string({ error: "must be a string (labels and annotations map names to strings)" }));
const status = z.enum(alertStatuses, { error: 'must be "firing" or "resolved"' });
const rfc3339 = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) && !Number.isNaN(Date.parse(s)), {
    error: "must be an RFC 3339 time such as 2026-11-22T09:05:00Z",
  })
  .transform((s) => new Date(s));
/** Go's zero time (0001-01-01T00:00:00Z) is how both senders say "no end yet". */
const endTime = rfc3339.transform((d) => (d.getUTCFullYear() <= 1 ? null : d));

// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
const alertmanagerAlert = z.object({
  status,
  labels: labelSet,
  annotations: labelSet,
  startsAt: rfc3339,
  endsAt: endTime,
  generatorURL: z.string(),
  // Sent since Alertmanager 0.19; older ones are fingerprinted from their labels.
  fingerprint: z.string().min(1).optional(),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.literal("4", { error: 'must be "4" (the Alertmanager webhook payload version this endpoint reads)' }),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).optional(),
  status,
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z.array(alertmanagerAlert).min(1, { error: "must hold at least one alert" }).max(MAX_ALERTS),
});
export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>;

// https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
const grafanaAlert = alertmanagerAlert.extend({
  fingerprint: z.string().min(1),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  imageURL: z.string().optional(),
  values: z.record(z.string(), z.number().nullable()).nullable().optional(),
  // Grafana before 10 sent valueString instead of values.
  valueString: z.string().optional(),
});

export const grafanaPayloadSchema = z.object({
  receiver: z.string(),
  status,
  orgId: z.number().int(),
  alerts: z.array(grafanaAlert).min(1, { error: "must hold at least one alert" }).max(MAX_ALERTS),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  version: z.literal("1", { error: 'must be "1" (the Grafana webhook payload version this endpoint reads)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  // Deprecated by Grafana, still sent.
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});
export type GrafanaPayload = z.output<typeof grafanaPayloadSchema>;

/** Our own format, for scripts and tools without a format of their own (documented in the README). */
export const genericAlertSchema = z.object({
  title: z.string().trim().min(1, { error: "must say what is wrong" }).max(500),
  severity: z.string().trim().min(1).max(40).optional(),
  service: z.string().trim().min(1).max(80).optional(),
  fingerprint: z.string().trim().min(1).max(200).optional(),
  status: status.default("firing"),
  description: z.string().max(10_000).optional(),
  source_url: z.url({ error: "must be a URL" }).optional(),
  labels: labelSet.default({}),
  group: z.string().trim().min(1).max(200).optional(),
  started_at: rfc3339.optional(),
});
export type GenericAlert = z.output<typeof genericAlertSchema>;

/** A short stable id from labels, for senders that do not send a fingerprint. */
function fingerprintOf(labels: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/** `{alertname="Disk full", team="blue"}`: a label set as one key, in a stable order. */
export function labelKey(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(", ")}}`;
}

const envelope = <T extends { alerts: unknown[] }>(payload: T): Omit<T, "alerts"> => {
  const { alerts: _alerts, ...rest } = payload;
  return rest;
};

export function fromAlertmanager(payload: AlertmanagerPayload, raw: { alerts: unknown[] }): IncomingAlert[] {
  const notification = envelope(raw);
  return payload.alerts.map((alert, i) => ({
    fingerprint: alert.fingerprint ?? fingerprintOf(alert.labels),
    status: alert.status,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    groupKey: payload.groupKey,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorUrl: alert.generatorURL || null,
    raw: { notification, alert: raw.alerts[i] },
  }));
}

/** Grafana groups by its policy's group labels; with none, by the alert's service, else all of the contact point's alerts together. */
export function fromGrafana(payload: GrafanaPayload, raw: { alerts: unknown[] }): IncomingAlert[] {
  const notification = envelope(raw);
  const grouped = Object.keys(payload.groupLabels).length > 0 ? labelKey(payload.groupLabels) : undefined;
  return payload.alerts.map((alert, i) => ({
    fingerprint: alert.fingerprint,
    status: alert.status,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    groupKey: grouped ?? (alert.labels.service ? `service:${alert.labels.service}` : labelKey({})),
    labels: alert.labels,
    annotations: alert.annotations,
    generatorUrl: alert.generatorURL || null,
    raw: { notification, alert: raw.alerts[i] },
  }));
}

/** The generic alert's fields become the labels and annotations the other formats carry. */
export function fromGeneric(alert: GenericAlert, raw: unknown): IncomingAlert {
  const labels = { ...alert.labels, ...(alert.severity ? { severity: alert.severity } : {}), ...(alert.service ? { service: alert.service } : {}) };
  const annotations = { summary: alert.title, ...(alert.description ? { description: alert.description } : {}) };
  const fingerprint = alert.fingerprint ?? fingerprintOf({ ...alert.labels, ...(alert.service ? { service: alert.service } : {}), title: alert.title });
  return {
    fingerprint,
    status: alert.status,
    startsAt: alert.started_at,
    endsAt: null,
    groupKey: alert.group ? `group:${alert.group}` : alert.service ? `service:${alert.service}` : `alert:${fingerprint}`,
    labels,
    annotations,
    generatorUrl: alert.source_url ?? null,
    raw: raw as Record<string, unknown>,
  };
}
