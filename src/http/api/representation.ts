// Incidents and their timelines as the REST API shows them: structured facts, actors by kind, times in ISO 8601.
import type { Incident, TimelineEntry } from "../../db/schema.js";
import { actorOf } from "../../timeline/actors.js";
import { describeEntry } from "../../timeline/describe.js";
import { phraseToPlain } from "../../timeline/phrase.js";
import type { z } from "zod";
import type { actorSchema, incidentSchema, timelineEntrySchema } from "./schemas.js";

type ActorJson = z.output<typeof actorSchema>;

export function actorJson(stored: string): ActorJson {
  const actor = actorOf(stored);
  switch (actor.kind) {
    case "person":
      return { type: "person", slackUserId: actor.userId };
    case "warroom":
      return { type: "warroom" };
    case "integration":
      return { type: actor.integration, name: actor.name };
  }
}

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

export function incidentJson(incident: Incident): z.output<typeof incidentSchema> {
  return {
    number: incident.number,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    status: incident.status,
    drill: incident.isDrill,
    services: incident.affectedServices,
    declaredBy: actorJson(incident.declaredBy),
    declaredAt: incident.declaredAt.toISOString(),
    commander: incident.commanderId,
    roles: { techLead: incident.techLeadId, commsLead: incident.commsLeadId, scribe: incident.scribeId },
    acknowledgedAt: iso(incident.acknowledgedAt),
    acknowledgedBy: incident.acknowledgedBy ? actorJson(incident.acknowledgedBy) : null,
    identifiedAt: iso(incident.identifiedAt),
    mitigatedAt: iso(incident.mitigatedAt),
    resolvedAt: iso(incident.resolvedAt),
    resolvedBy: incident.resolvedBy ? actorJson(incident.resolvedBy) : null,
    closedAt: iso(incident.closedAt),
    resolution: incident.resolutionSummary ? { summary: incident.resolutionSummary, rootCause: incident.rootCause } : null,
    warRoom: incident.channelId ? { channelId: incident.channelId, channelName: incident.channelName } : null,
    slaBreaches: { acknowledge: iso(incident.ackSlaBreachedAt), resolve: iso(incident.resolveSlaBreachedAt) },
    lastUpdateAt: iso(incident.lastUpdateAt),
    updatedAt: incident.updatedAt.toISOString(),
  };
}

export function timelineEntryJson(entry: TimelineEntry): z.output<typeof timelineEntrySchema> {
  return {
    id: entry.id,
    type: entry.type,
    at: entry.occurredAt.toISOString(),
    actor: actorJson(entry.actor),
    summary: phraseToPlain(describeEntry(entry)),
    data: entry.data,
  };
}
