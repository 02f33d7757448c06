// The REST API under /api/v1: incidents listed, read with their timeline, declared, acknowledged, updated and resolved
// through the very domain actions Slack's buttons call (so the war room, card, announcement and paging follow as
// when a person clicks), the escalation sweep, and the OpenAPI document generated from the routes below.
import { createHash, randomUUID } from "node:crypto";
import type { CustomRoute } from "@slack/bolt";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { z } from "zod";
import { callerOfToken, type ApiCaller } from "../../access/api-tokens.js";
import { auditUnknownCaller } from "../../audit/audit-log.js";
import { claimIdempotencyKey, releaseIdempotencyKey, settleIdempotencyKey, type KeyRef } from "../../access/idempotency-keys.js";
import type { Clock } from "../../clock.js";
import type { Db, Tx } from "../../db/client.js";
import type { Incident } from "../../db/schema.js";
import { acknowledge } from "../../incidents/acknowledge.js";
import type { IncidentContext } from "../../incidents/change.js";
import { declareIncident } from "../../incidents/declare.js";
import { openStatuses, type Severity, type Status } from "../../incidents/lifecycle.js";
import { postUpdate } from "../../incidents/post-update.js";
import { incidentByNumber, incidentsMatching } from "../../incidents/queries.js";
import { resolve } from "../../incidents/resolve.js";
import type { Logger } from "../../log.js";
import type { SweepReport } from "../../scheduler/scheduler.js";
import { timelineOf } from "../../timeline/append.js";
import { tokenMatches } from "../bearer-tokens.js";
import { HttpRefusal, jsonEndpoint, type JsonAnswer, type JsonEndpoint } from "../json-endpoint.js";
import { openApiDocument } from "./openapi.js";
import { refusalAsHttp } from "./refusals.js";
import { incidentJson, timelineEntryJson } from "./representation.js";
import {
  acknowledgementSchema,
  declareBodySchema,
  errorSchema,
  incidentAnswerSchema,
  incidentListQuerySchema,
  incidentPageSchema,
  incidentPathSchema,
  incidentWithTimelineSchema,
  openApiDocumentSchema,
  postUpdateBodySchema,
  resolveBodySchema,
  sweepReportSchema,
} from "./schemas.js";

export interface RestApiDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** INCIDENT_ADMINS: a token whose creator is one of them manages incidents as they may. */
  admins: ReadonlySet<string>;
  onDeclared?: (tx: Tx, incident: Incident) => Promise<void>;
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
  /** Starts delivering what a committed change enqueued. */
  deliverNow: () => void;
  /** One pass over the scheduler's due work. */
  sweep: () => Promise<SweepReport>;
  /** The bot's workspace: a request whose token opens nothing is audited there (it names no workspace itself). */
  teamId?: string;
  /** ESCALATION_SWEEP_TOKEN; unset: the sweep endpoint answers 404. */
  sweepToken?: string;
}

/** How a route is entered: an API token, the sweep's own token, or no token at all (the OpenAPI document). */
export type RouteAuth = "api_token" | "sweep_token" | "none";

/** A route as the OpenAPI document describes it, and the route itself. */
export interface ApiRoute {
  method: "GET" | "POST";
  /** Bolt's form: `/api/v1/incidents/:number`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
  responses: Array<{ status: number; description: string; schema?: z.ZodType }>;
  route: CustomRoute;
}

const API = "/api/v1";
const DEFAULT_PAGE = 25;
const SMALL_BODY = 64 * 1024;

type Doc = Omit<ApiRoute, "route" | "params" | "query" | "body" | "method" | "path">;

/** Builds a route and its description from one definition, so the document names exactly what the route validates. */
function apiRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodObject = never, P extends z.ZodObject = never, C = ApiCaller>(
  logger: Logger,
  doc: Doc,
  endpoint: JsonEndpoint<B, Q, C, P> & { method: "GET" | "POST" },
): ApiRoute {
  const errors: ApiRoute["responses"] = [
    ...(endpoint.body || endpoint.query || endpoint.params || doc.idempotent ? [{ status: 400, description: "Invalid input: the error names the field.", schema: errorSchema }] : []),
    ...(doc.auth !== "none" ? [{ status: 401, description: "No valid bearer token.", schema: errorSchema }] : []),
    ...(endpoint.body ? [{ status: 413, description: "The body is too large.", schema: errorSchema }] : []),
    { status: 500, description: "Something failed on our side (logged; never a stack trace).", schema: errorSchema },
  ];
  const responses = [...doc.responses, ...errors.filter((e) => !doc.responses.some((r) => r.status === e.status))].sort((a, b) => a.status - b.status);
  return {
    ...doc,
    responses,
    method: endpoint.method,
    path: endpoint.path,
    params: endpoint.params,
    query: endpoint.query,
    body: endpoint.body,
    route: jsonEndpoint(endpoint, logger),
  };
}

const notFound = (number: number) => new HttpRefusal(404, "not_found", `There is no incident #${number} in this workspace.`);
const refusalResponses = (...statuses: Array<403 | 404 | 409 | 422>): ApiRoute["responses"] => {
  const words = { 403: "This token may not do that to this incident.", 404: "No incident with that number in this workspace.", 409: "The incident's state does not allow it now (e.g. already resolved).", 422: "The request lacks something the action needs." };
  return statuses.map((status) => ({ status, description: words[status], schema: errorSchema }));
};

/** The `Idempotency-Key` header, if sent: visible ASCII, at most 255 characters. */
function idempotencyKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers["idempotency-key"];
  if (value === undefined) return undefined;
  const key = Array.isArray(value) ? value[0] : value;
  if (!key || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpRefusal(400, "invalid_header", "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID.", "Idempotency-Key");
  }
  return key;
}

export function restApiRoutes(deps: RestApiDeps): ApiRoute[] {
  const { db, clock, logger } = deps;
  const apiToken = async (presented: string | undefined, request: IncomingMessage): Promise<ApiCaller | undefined> => {
    const caller = await callerOfToken(db, clock, presented);
    if (!caller && deps.teamId) {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      await auditUnknownCaller(db, clock, { teamId: deps.teamId, integration: "api_token", method: request.method ?? "GET", path, tokenSent: Boolean(presented) });
    }
    return caller;
  };

  /** The domain's context for a token: it manages incidents as its creator may (an incident admin, while they stay one). */
  function contextFor(caller: ApiCaller): IncidentContext {
    const admins = deps.admins.has(caller.createdBy) ? new Set([...deps.admins, caller.actor]) : deps.admins;
    return { db, clock, admins, replanClock: deps.replanClock };
  }

  /**
   * Runs a POST once per Idempotency-Key (per token): a retry gets the first answer again, the same key with another
   * request is refused (422), and one still being handled is answered 409.
   */
  async function once(caller: ApiCaller, key: string | undefined, request: string, body: unknown, act: () => Promise<JsonAnswer>): Promise<JsonAnswer> {
    if (key === undefined) return act();
    const ref: KeyRef = { teamId: caller.teamId, tokenId: caller.tokenId, key };
    const fingerprint = createHash("sha256").update(`${request}\n${JSON.stringify(body ?? null)}`).digest("hex");
    const claim = await claimIdempotencyKey(db, clock, ref, fingerprint);
    switch (claim.kind) {
      case "replay":
        return { status: claim.status, body: claim.body, headers: { ...claim.headers, "idempotent-replayed": "true" } };
      case "mismatch":
        throw new HttpRefusal(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request; use a new key for a new request.", "Idempotency-Key");
      case "in_progress":
        throw new HttpRefusal(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being handled; retry in a moment.", "Idempotency-Key");
      case "run":
        break;
    }
    try {
      const answer = await act();
      await settleIdempotencyKey(db, ref, answer);
      return answer;
    } catch (error) {
      // A refusal is an answer like any other: the retry gets it again. A failure lets the retry run again.
      if (error instanceof HttpRefusal && error.status < 500) {
        await settleIdempotencyKey(db, ref, { status: error.status, body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } } });
      } else await releaseIdempotencyKey(db, ref).catch(() => undefined);
      throw error;
    }
  }

  async function incidentNumbered(caller: ApiCaller, number: number): Promise<Incident> {
    const incident = await incidentByNumber(db, caller.teamId, number);
    if (!incident) throw notFound(number);
    return incident;
  }

  const sourceKey = (caller: ApiCaller, key: string | undefined) => (key ? `api:${caller.tokenId}:${key}` : undefined);
  const said = (caller: ApiCaller, what: string, incident: Incident) =>
    logger.info({ team: caller.teamId, token: caller.name, incident: incident.number }, what);

  const routes: ApiRoute[] = [
    apiRoute(
      logger,
      {
        operationId: "listIncidents",
        summary: "List incidents",
        description: "Newest first, filtered by status, severity, service and declaration time, a page at a time; drills only when asked for.",
        auth: "api_token",
        responses: [{ status: 200, description: "A page of incidents.", schema: incidentPageSchema }],
      },
      {
        method: "GET",
        path: `${API}/incidents`,
        authenticate: apiToken,
        query: incidentListQuerySchema,
        handle: async ({ query, caller }) => {
          const statuses = query.status?.flatMap((s): readonly Status[] => (s === "open" ? openStatuses : [s as Status]));
          const limit = query.limit ?? DEFAULT_PAGE;
          const found = await incidentsMatching(db, caller.teamId, {
            statuses,
            severities: query.severity as Severity[] | undefined,
            service: query.service,
            since: query.since ? new Date(query.since) : undefined,
            beforeNumber: query.cursor,
            drills: query.drills,
            limit: limit + 1,
          });
          const page = found.slice(0, limit);
          return { status: 200, body: { incidents: page.map(incidentJson), nextCursor: found.length > limit ? String(page.at(-1)!.number) : null } };
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "getIncident",
        summary: "Get an incident with its timeline",
        description: "The incident and every fact on its timeline, oldest first, each with its structured data.",
        auth: "api_token",
        responses: [{ status: 200, description: "The incident and its timeline.", schema: incidentWithTimelineSchema }, ...refusalResponses(404)],
      },
      {
        method: "GET",
        path: `${API}/incidents/:number`,
        authenticate: apiToken,
        params: incidentPathSchema,
        handle: async ({ params, caller }) => {
          const incident = await incidentNumbered(caller, params.number);
          const timeline = await timelineOf(db, caller.teamId, incident.id);
          return { status: 200, body: { incident: incidentJson(incident), timeline: timeline.map(timelineEntryJson) } };
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "declareIncident",
        summary: "Declare an incident",
        description:
          "Declares exactly as the Slack form does: a number, a war-room channel, the pinned card, the announcement and paging per the escalation policy, with this token shown as the declarer. The answer comes once the incident is recorded; Slack is set up within seconds (`warRoom` is null until then). Send an `Idempotency-Key` so a retried call never declares twice.",
        auth: "api_token",
        idempotent: true,
        responses: [
          { status: 201, description: "Declared.", schema: incidentAnswerSchema },
          { status: 200, description: "Already declared with this Idempotency-Key (its first answer may be replayed instead).", schema: incidentAnswerSchema },
          { status: 409, description: "A request with this Idempotency-Key is still being handled.", schema: errorSchema },
          { status: 422, description: "This Idempotency-Key was used for a different request.", schema: errorSchema },
        ],
      },
      {
        method: "POST",
        path: `${API}/incidents`,
        bodyLimitBytes: SMALL_BODY,
        authenticate: apiToken,
        body: declareBodySchema,
        handle: async ({ body, caller, headers }) => {
          const key = idempotencyKeyOf(headers);
          return once(caller, key, "POST /incidents", body, async () => {
            const { incident, created } = await declareIncident(
              db,
              clock,
              {
                teamId: caller.teamId,
                declaredBy: caller.actor,
                title: body.title,
                severity: body.severity,
                description: body.description,
                affectedServices: [...new Set(body.services)],
                commanderId: body.commander ?? caller.createdBy,
                // The domain's own key: even a retry whose remembered answer was pruned finds the incident it made.
                declareKey: sourceKey(caller, key) ?? `api:${caller.tokenId}:${randomUUID()}`,
              },
              { onDeclared: deps.onDeclared },
            );
            if (created) deps.deliverNow();
            said(caller, created ? "incident declared through the API" : "repeated API declare ignored", incident);
            return { status: created ? 201 : 200, body: { incident: incidentJson(incident) }, headers: { location: `${API}/incidents/${incident.number}` } };
          });
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "acknowledgeIncident",
        summary: "Acknowledge an incident",
        description: "As the Acknowledge button: the first acknowledgement stops escalation; a later one is recorded as responding too.",
        auth: "api_token",
        idempotent: true,
        responses: [{ status: 200, description: "Acknowledged (or already).", schema: acknowledgementSchema }, ...refusalResponses(404, 409)],
      },
      {
        method: "POST",
        path: `${API}/incidents/:number/acknowledge`,
        bodyLimitBytes: SMALL_BODY,
        authenticate: apiToken,
        params: incidentPathSchema,
        handle: async ({ params, caller, headers }) => {
          const key = idempotencyKeyOf(headers);
          return once(caller, key, `POST /incidents/${params.number}/acknowledge`, null, async () => {
            const found = await incidentNumbered(caller, params.number);
            const outcome = await acknowledge(contextFor(caller), { teamId: caller.teamId, incidentId: found.id }, caller.actor);
            if (!outcome.ok) throw refusalAsHttp(outcome.refusal, params.number);
            deps.deliverNow();
            said(caller, "incident acknowledged through the API", outcome.incident);
            const acknowledgement = { acknowledged: "acknowledged", already_yours: "already_acknowledged_by_you", also_responding: "also_responding" } as const;
            return { status: 200, body: { incident: incidentJson(outcome.incident), acknowledgement: acknowledgement[outcome.result] } };
          });
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "postIncidentUpdate",
        summary: "Post a status update",
        description: "As the Post update form: impact, current action and next update, in the war room and, with `share`, the announcement channel. It resets the update reminder.",
        auth: "api_token",
        idempotent: true,
        responses: [{ status: 201, description: "Posted.", schema: incidentAnswerSchema }, ...refusalResponses(403, 404, 409, 422)],
      },
      {
        method: "POST",
        path: `${API}/incidents/:number/updates`,
        bodyLimitBytes: SMALL_BODY,
        authenticate: apiToken,
        params: incidentPathSchema,
        body: postUpdateBodySchema,
        handle: async ({ params, body, caller, headers }) => {
          const key = idempotencyKeyOf(headers);
          return once(caller, key, `POST /incidents/${params.number}/updates`, body, async () => {
            const found = await incidentNumbered(caller, params.number);
            const outcome = await postUpdate(contextFor(caller), { teamId: caller.teamId, incidentId: found.id }, caller.actor, {
              impact: body.impact,
              currentAction: body.currentAction,
              nextUpdate: body.nextUpdate,
              share: body.share,
              submissionKey: sourceKey(caller, key),
            });
            if (!outcome.ok) throw refusalAsHttp(outcome.refusal, params.number);
            deps.deliverNow();
            said(caller, "update posted through the API", outcome.incident);
            return { status: 201, body: { incident: incidentJson(outcome.incident) } };
          });
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "resolveIncident",
        summary: "Resolve an incident",
        description: "As the Resolve form: a resolution summary (and the root cause if known); the card turns resolved, the clock stops, the announcement channel is told.",
        auth: "api_token",
        idempotent: true,
        responses: [{ status: 200, description: "Resolved.", schema: incidentAnswerSchema }, ...refusalResponses(403, 404, 409, 422)],
      },
      {
        method: "POST",
        path: `${API}/incidents/:number/resolve`,
        bodyLimitBytes: SMALL_BODY,
        authenticate: apiToken,
        params: incidentPathSchema,
        body: resolveBodySchema,
        handle: async ({ params, body, caller, headers }) => {
          const key = idempotencyKeyOf(headers);
          return once(caller, key, `POST /incidents/${params.number}/resolve`, body, async () => {
            const found = await incidentNumbered(caller, params.number);
            const outcome = await resolve(contextFor(caller), { teamId: caller.teamId, incidentId: found.id }, caller.actor, body);
            if (!outcome.ok) throw refusalAsHttp(outcome.refusal, params.number);
            deps.deliverNow();
            said(caller, "incident resolved through the API", outcome.incident);
            return { status: 200, body: { incident: incidentJson(outcome.incident) } };
          });
        },
      },
    ),
    apiRoute(
      logger,
      {
        operationId: "sweepEscalations",
        summary: "Run the scheduler's due work once",
        description:
          "The workflow engine's sweep: escalations, update reminders, SLA checks and every other job that is due, handled once (each job exactly once, even with cron ticks and several replicas running). Guarded by its own token, ESCALATION_SWEEP_TOKEN; without it the route answers 404.",
        auth: "sweep_token",
        responses: [
          { status: 200, description: "What the pass did.", schema: sweepReportSchema },
          { status: 404, description: "ESCALATION_SWEEP_TOKEN is not set: the sweep endpoint is off.", schema: errorSchema },
        ],
      },
      {
        method: "POST",
        path: `${API}/escalations/sweep`,
        bodyLimitBytes: SMALL_BODY,
        authenticate: async (presented) => {
          if (!deps.sweepToken) throw new HttpRefusal(404, "not_found", "The escalation sweep is off: set ESCALATION_SWEEP_TOKEN to turn it on.");
          if (tokenMatches(presented, { plain: deps.sweepToken })) return { sweep: true };
          if (deps.teamId) await auditUnknownCaller(db, clock, { teamId: deps.teamId, integration: "api_token", method: "POST", path: `${API}/escalations/sweep`, tokenSent: Boolean(presented) });
          return undefined;
        },
        handle: async () => {
          const report = await deps.sweep();
          logger.info(report, "escalation sweep through the API");
          return { status: 200, body: report };
        },
      },
    ),
  ];

  let document: Record<string, unknown> | undefined;
  routes.push(
    apiRoute(
      logger,
      {
        operationId: "openApiDocument",
        summary: "This API as an OpenAPI 3.1 document",
        description: "Generated from the zod schemas the routes validate with.",
        auth: "none",
        responses: [{ status: 200, description: "The OpenAPI 3.1 document.", schema: openApiDocumentSchema }],
      },
      {
        method: "GET",
        path: `${API}/openapi.json`,
        authenticate: () => ({ anyone: true }),
        handle: async () => {
          document ??= openApiDocument(routes);
          return { status: 200, body: document };
        },
      },
    ),
  );
  return routes;
}
