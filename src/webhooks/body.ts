// The outgoing webhook's JSON, version 1: one documented shape per incident fact, drawn when it is delivered from the
// stored fact (what changed, in the person's own words) and the incident as it is now. Pure. README documents it;
// a change that would break a receiver is a new version, never an edit of this one.
import type { ActionItem, Incident, Postmortem, TimelineEntry } from "../db/schema.js";
import { actorOf, isPerson } from "../timeline/actors.js";
import { postmortemMarkdown } from "../postmortems/markdown.js";

export const WEBHOOK_VERSION = 1;

/** The event name of each fact a webhook is sent for. */
export const webhookEvents: Readonly<Record<string, string>> = {
  declared: "incident.declared",
  acknowledged: "incident.acknowledged",
  status_changed: "incident.status_changed",
  severity_changed: "incident.severity_changed",
  update_posted: "incident.update_posted",
  resolved: "incident.resolved",
  closed: "incident.closed",
  reopened: "incident.reopened",
  postmortem_published: "postmortem.published",
};

export interface WebhookFact {
  /** The delivery's id, also in the X-Warroom-Delivery header: the same for every retry of this delivery. */
  deliveryId: string;
  entry: TimelineEntry;
  incident: Incident;
  /** For postmortem.published: the postmortem as it is now, its timeline and action items. */
  postmortem?: { postmortem: Postmortem; timeline: TimelineEntry[]; actionItems: ActionItem[] };
}

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function webhookBody({ deliveryId, entry, incident, postmortem }: WebhookFact): Record<string, unknown> {
  const event = webhookEvents[entry.type];
  if (!event) throw new Error(`no webhook event for fact "${entry.type}"`);
  return {
    version: WEBHOOK_VERSION,
    id: deliveryId,
    event,
    occurred_at: entry.occurredAt.toISOString(),
    team_id: incident.teamId,
    actor: actorJson(entry.actor),
    data: dataOf(entry),
    incident: incidentOf(incident),
    ...(postmortem ? { postmortem: postmortemOf(incident, postmortem) } : {}),
  };
}

/** Who did it: a person, the bot, or an integration (an API token, an alert source), named since it has no Slack user. */
function actorJson(stored: string): Record<string, unknown> {
  const actor = actorOf(stored);
  if (actor.kind === "person") return { type: "user", slack_user_id: actor.userId };
  if (actor.kind === "warroom") return { type: "warroom" };
  return { type: actor.integration, name: actor.name };
}

/** A Slack user ID, or null when an integration did it (the event's `actor` names it). */
const personOrNull = (stored: string | null): string | null => (isPerson(stored) ? stored : null);

/** What changed, per event, from the fact as it was recorded. */
function dataOf(entry: TimelineEntry): Record<string, unknown> {
  const d = entry.data as Record<string, unknown>;
  switch (entry.type) {
    case "declared":
      return { title: str(d.title), severity: str(d.severity), commander: str(d.commanderId), services: list(d.affectedServices) };
    case "acknowledged":
      return { after_ms: num(d.afterMs) };
    case "status_changed":
      return { from: str(d.from), to: str(d.to), message: str(d.message) };
    case "severity_changed":
      return { from: str(d.from), to: str(d.to), reason: str(d.reason) };
    case "update_posted":
      return { impact: str(d.impact), current_action: str(d.currentAction), next_update: str(d.nextUpdate), shared: d.shared === true };
    case "resolved":
      return { from: str(d.from), summary: str(d.summary), root_cause: str(d.rootCause), time_to_resolve_ms: num(d.toResolveMs) };
    case "closed":
      return { from: str(d.from) };
    case "reopened":
      return { from: str(d.from), reason: str(d.reason) };
    default:
      return {};
  }
}

function incidentOf(i: Incident): Record<string, unknown> {
  return {
    number: i.number,
    title: i.title,
    description: i.description,
    severity: i.severity,
    status: i.status,
    services: i.affectedServices,
    commander: i.commanderId,
    declared_by: personOrNull(i.declaredBy),
    tech_lead: i.techLeadId,
    comms_lead: i.commsLeadId,
    scribe: i.scribeId,
    declared_at: iso(i.declaredAt),
    acknowledged_at: iso(i.acknowledgedAt),
    acknowledged_by: personOrNull(i.acknowledgedBy),
    identified_at: iso(i.identifiedAt),
    mitigated_at: iso(i.mitigatedAt),
    resolved_at: iso(i.resolvedAt),
    closed_at: iso(i.closedAt),
    resolution_summary: i.resolutionSummary,
    root_cause: i.rootCause,
    war_room: i.channelId
      ? { channel_id: i.channelId, channel_name: i.channelName, url: `https://slack.com/app_redirect?team=${encodeURIComponent(i.teamId)}&channel=${encodeURIComponent(i.channelId)}` }
      : null,
  };
}

function postmortemOf(incident: Incident, pm: NonNullable<WebhookFact["postmortem"]>): Record<string, unknown> {
  const p = pm.postmortem;
  return {
    status: p.status,
    author: p.authorId,
    published_at: iso(p.publishedAt),
    published_by: p.publishedBy,
    summary: p.content.summary ?? null,
    // People appear by their Slack user ID (@U0123ABCD): the webhook does not ask Slack for names.
    markdown: p.status === "published" ? postmortemMarkdown({ incident, postmortem: p, timeline: pm.timeline, actionItems: pm.actionItems, names: new Map() }) : null,
  };
}
