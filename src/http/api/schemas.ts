// The REST API's shapes, once: the zod schemas the routes validate requests with and describe answers with. The
// OpenAPI document is generated from these same schemas (openapi.ts), so it cannot drift from what the routes accept.
import { z } from "zod";
import { declareInputSchema } from "../../incidents/declare.js";
import { severities, severitySchema, statuses, statusSchema } from "../../incidents/lifecycle.js";
import { NEXT_UPDATE_MAX, UPDATE_FIELD_MAX } from "../../incidents/post-update.js";
import { RESOLUTION_MAX } from "../../incidents/resolve.js";
import { drillFilters } from "../../incidents/search.js";

// Each shape is named with .meta({ id }) (zod's global registry): the OpenAPI document lists it under that name
// among its components and refers to it there. Requests are documented as clients send them (defaults optional),
// answers as the API sends them.

const slackUserId = z.string().regex(/^[UW][A-Z0-9_]{2,}$/, { error: "must be a Slack user ID, like U0123ABCD" });
const timestamp = z.iso.datetime({ offset: true });
const wordList = (words: readonly string[], what: string) =>
  z
    .string()
    .regex(new RegExp(`^(${words.join("|")})(,(${words.join("|")}))*$`), { error: `must be ${what}: ${words.join(", ")} (several separated by commas)` })
    .transform((s) => [...new Set(s.split(","))]);

// ---- Requests ----

export const incidentPathSchema = z
  .object({
    number: z
      .string()
      .regex(/^[1-9]\d{0,8}$/, { error: "must be an incident number, like 12" })
      .transform(Number)
      .meta({ description: "The incident's number in its workspace (#12 → 12)." }),
  });

export const incidentListQuerySchema = z
  .object({
    status: wordList(["open", ...statuses], "open or a status").optional().meta({
      description: "Only incidents in these statuses; `open` means investigating, identified or monitoring. Default: all.",
    }),
    severity: wordList(severities, "a severity").optional().meta({ description: "Only these severities, e.g. `sev1,sev2`." }),
    service: z.string().trim().min(1).max(80).optional().meta({ description: "Only incidents naming this affected service (exactly as declared)." }),
    since: timestamp.optional().meta({ description: "Only incidents declared at or after this time (ISO 8601 with a time zone)." }),
    limit: z
      .string()
      .regex(/^\d+$/, { error: "must be a whole number from 1 to 100" })
      .transform(Number)
      .pipe(z.number().int().min(1, { error: "must be at least 1" }).max(100, { error: "must be at most 100" }))
      .optional()
      .meta({ description: "Incidents per page, 1–100. Default 25." }),
    drills: z
      .enum(drillFilters, { error: "must be no, yes or only" })
      .optional()
      .meta({ description: "Practice incidents (`/incident drill`): `no` leaves them out (the default), `yes` lists them with the rest, `only` lists nothing else." }),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,8}$/, { error: "must be the nextCursor of the previous page" })
      .transform(Number)
      .optional()
      .meta({ description: "The previous page's `nextCursor`, for the next page." }),
  })
  .strict();

const declareFields = declareInputSchema.shape;
export const declareBodySchema = z
  .object({
    title: declareFields.title,
    severity: severitySchema,
    description: declareFields.description,
    services: declareFields.affectedServices.meta({ description: "Affected services; the first one with an escalation policy decides who is paged." }),
    commander: slackUserId.optional().meta({ description: "The Incident Commander's Slack user ID. Default: the admin who created the token." }),
  })
  .strict()
  .meta({ id: "DeclareIncident", description: "A new incident: declared exactly as the Slack form declares one." });

const requiredText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} is required` })
    .max(max, { error: `keep it under ${max} characters` });

export const postUpdateBodySchema = z
  .object({
    impact: requiredText(UPDATE_FIELD_MAX, "the impact"),
    currentAction: requiredText(UPDATE_FIELD_MAX, "the current action"),
    nextUpdate: z.string().trim().max(NEXT_UPDATE_MAX, { error: `keep it under ${NEXT_UPDATE_MAX} characters` }).optional().meta({ description: "When the next update comes, in words (“in 30 minutes”)." }),
    share: z.boolean().default(false).meta({ description: "Also post it in the announcement channel." }),
  })
  .strict()
  .meta({ id: "PostUpdate", description: "The internal status update: impact, current action, next update by." });

export const resolveBodySchema = z
  .object({
    summary: requiredText(RESOLUTION_MAX, "the resolution summary").meta({ description: "What fixed it, and how you know." }),
    rootCause: z.string().trim().max(RESOLUTION_MAX, { error: `keep it under ${RESOLUTION_MAX} characters` }).optional(),
  })
  .strict()
  .meta({ id: "ResolveIncident" });

// ---- Answers ----

export const actorSchema = z
  .union([
    z.object({ type: z.literal("person"), slackUserId: z.string() }),
    z.object({ type: z.literal("warroom") }),
    z.object({ type: z.string().meta({ description: "The kind of integration: `api_token`, `alert_source`." }), name: z.string() }),
  ])
  .meta({ id: "Actor", description: "Who did something: a person in Slack, Warroom itself, or an integration (an API token, an alert source)." });

const personSchema = z.string().nullable();
const at = timestamp.nullable();

export const incidentSchema = z
  .object({
    number: z.number().int(),
    title: z.string(),
    description: z.string(),
    severity: severitySchema,
    status: statusSchema,
    drill: z.boolean().meta({ description: "A practice incident (`/incident drill`): nobody paged, nothing told outside Slack, left out of metrics." }),
    services: z.array(z.string()),
    declaredBy: actorSchema,
    declaredAt: timestamp,
    commander: z.string().meta({ description: "The Incident Commander's Slack user ID." }),
    roles: z.object({ techLead: personSchema, commsLead: personSchema, scribe: personSchema }).meta({ description: "Slack user IDs of the other role holders." }),
    acknowledgedAt: at,
    acknowledgedBy: actorSchema.nullable(),
    identifiedAt: at,
    mitigatedAt: at,
    resolvedAt: at,
    resolvedBy: actorSchema.nullable(),
    closedAt: at,
    resolution: z.object({ summary: z.string(), rootCause: z.string().nullable() }).nullable(),
    warRoom: z.object({ channelId: z.string(), channelName: z.string().nullable() }).nullable().meta({ description: "Null until Slack has created the channel (seconds after declaring)." }),
    slaBreaches: z.object({ acknowledge: at, resolve: at }),
    lastUpdateAt: at,
    updatedAt: timestamp,
  })
  .meta({ id: "Incident" });

export const timelineEntrySchema = z
  .object({
    id: z.number().int(),
    type: z.string().meta({ description: "What happened: declared, acknowledged, status_changed, update_posted, resolved, paged, …" }),
    at: timestamp,
    actor: actorSchema,
    summary: z.string().meta({ description: "The fact in plain words (people as Slack user IDs)." }),
    data: z.record(z.string(), z.unknown()).meta({ description: "The fact as recorded, structured; its fields depend on `type`." }),
  })
  .meta({ id: "TimelineEntry", description: "One fact on an incident's timeline." });

export const incidentAnswerSchema = z.object({ incident: incidentSchema }).meta({ id: "IncidentAnswer" });

export const incidentWithTimelineSchema = z
  .object({ incident: incidentSchema, timeline: z.array(timelineEntrySchema) })
  .meta({ id: "IncidentWithTimeline", description: "An incident and its whole timeline, oldest first." });

export const incidentPageSchema = z
  .object({
    incidents: z.array(incidentSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "IncidentPage", description: "Incidents, newest first." });

export const acknowledgementSchema = z
  .object({
    incident: incidentSchema,
    acknowledgement: z.enum(["acknowledged", "already_acknowledged_by_you", "also_responding"]).meta({
      description: "acknowledged: you were first (escalation stops); already_acknowledged_by_you: nothing changed; also_responding: someone was first, you are recorded as responding too.",
    }),
  })
  .meta({ id: "Acknowledgement" });

export const sweepReportSchema = z
  .object({
    handled: z.number().int().meta({ description: "Due jobs handled in this pass." }),
    byKind: z.record(z.string(), z.number().int()).meta({ description: "Handled jobs by kind, e.g. incident.escalate, incident.update_reminder." }),
    deferred: z.number().int().meta({ description: "Due jobs whose incident was being changed at that moment; they run on the next pass." }),
    failed: z.number().int().meta({ description: "Due jobs that failed this time; they are retried with backoff." }),
  })
  .meta({ id: "SweepReport", description: "What one pass over the scheduler's due work did." });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable and machine-readable, e.g. invalid_body, unauthorized, not_found, transition_not_allowed." }),
      message: z.string().meta({ description: "A sentence for a person: what went wrong and what to do." }),
      field: z.string().optional().meta({ description: "The field that failed validation (`services[2]`), or the header." }),
    }),
  })
  .meta({ id: "Error" });

/** The OpenAPI document itself is only described as an object. */
export const openApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ id: "OpenApiDocument", description: "This document." });
