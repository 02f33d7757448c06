// What PagerDuty is told about an incident, as Events API v2 bodies: drawn from the incident as it is when the event
// is sent. Pure; the limits are PagerDuty's (developer.pagerduty.com, "Send an Alert Event").
import { actorName, actorOf, isPerson } from "../timeline/actors.js";
import type { Incident } from "../db/schema.js";
import { severityLabel, statusLabels, type Severity } from "../incidents/lifecycle.js";

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";

/** PagerDuty's payload.severity for each of ours. */
export const pagerDutySeverity: Record<Severity, "critical" | "error" | "warning" | "info"> = {
  sev1: "critical",
  sev2: "error",
  sev3: "warning",
  sev4: "info",
};

export const SUMMARY_MAX = 1024;
const DEDUP_KEY_MAX = 255;
const DETAIL_MAX = 2000;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: "critical" | "error" | "warning" | "info";
    timestamp: string;
    component?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: Array<{ href: string; text: string }>;
}

/**
 * One key per incident, for as long as it lives: acknowledge and resolve find the alert its trigger opened, and a
 * reopened incident's trigger opens a new alert under the same key (PagerDuty does that once the old one is resolved).
 */
export function dedupKeyOf(incident: Pick<Incident, "teamId" | "number">): string {
  return `warroom/${incident.teamId}/incident-${incident.number}`.slice(0, DEDUP_KEY_MAX);
}

/** Cut to `max` UTF-16 units (PagerDuty does not say how it counts; these are never fewer than characters), whole characters only. */
export function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Where people go from PagerDuty: the war room in Slack. */
export function warRoomLink(incident: Pick<Incident, "teamId" | "channelId">): string | undefined {
  return incident.channelId ? `https://slack.com/app_redirect?team=${encodeURIComponent(incident.teamId)}&channel=${encodeURIComponent(incident.channelId)}` : undefined;
}

export function triggerEvent(incident: Incident, routingKey: string, at: Date): PagerDutyEvent {
  const link = warRoomLink(incident);
  const services = incident.affectedServices;
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKeyOf(incident),
    payload: {
      summary: cutTo(`[${severityLabel(incident.severity)}] #${incident.number} ${incident.title}`, SUMMARY_MAX),
      // PagerDuty wants "the unique location of the affected system": the services the incident names, else us.
      source: cutTo(services.length ? services.join(", ") : "Warroom", 255),
      severity: pagerDutySeverity[incident.severity],
      timestamp: at.toISOString(),
      ...(services[0] ? { component: cutTo(services[0], 255) } : {}),
      class: "incident",
      custom_details: {
        incident: incident.number,
        severity: severityLabel(incident.severity),
        status: statusLabels[incident.status],
        commander: incident.commanderId,
        // A Slack user ID, or an integration by name ("API token ‘deploy-bot’", "Alert source ‘Prometheus prod’"): read by people.
        declared_by: isPerson(incident.declaredBy) ? incident.declaredBy : actorName(actorOf(incident.declaredBy)),
        services,
        ...(incident.description ? { description: cutTo(incident.description, DETAIL_MAX) } : {}),
        ...(incident.channelName ? { war_room: `#${incident.channelName}` } : {}),
      },
    },
    client: "Warroom",
    ...(link ? { client_url: link, links: [{ href: link, text: incident.channelName ? `War room #${incident.channelName}` : "War room" }] } : {}),
  };
}

/** Acknowledge and resolve need only the key of the alert (and the routing key its trigger went to). */
export function followUpEvent(action: Exclude<PagerDutyAction, "trigger">, routingKey: string, dedupKey: string): PagerDutyEvent {
  return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
}
