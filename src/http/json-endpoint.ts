// JSON endpoints beside Slack's (alert webhooks, the REST API): a bounded body, JSON parsing, zod validation,
// bearer authentication and JSON errors a client can act on, so a route says only what it does with valid input.
import type { CustomRoute } from "@slack/bolt";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { makeStorable } from "../db/storable-text.js";
import type { Logger } from "../log.js";
import { bearerToken } from "./bearer-tokens.js";

/** A refusal the client caused: answered as `{ error: { code, message, field? } }` with its status. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The 401 for a caller whose token opens nothing (or no longer does). */
export const unauthorized = (): HttpRefusal => new HttpRefusal(401, "unauthorized", "Send a valid token as `Authorization: Bearer <token>`.");

export interface JsonRequest<Body, Query, Caller, Params = Record<string, string>> {
  body: Body;
  /** The body as sent (parsed, with text PostgreSQL refuses made storable), for a route that keeps what it received. */
  json: unknown;
  query: Query;
  /**
   * Path parameters (`/api/v1/incidents/:number` → { number }): validated by the endpoint's `params` schema when it
   * has one, else still strings to validate in the route.
   */
  params: Params;
  headers: IncomingHttpHeaders;
  caller: Caller;
}

export interface JsonAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface JsonEndpoint<BodySchema extends z.ZodType, QuerySchema extends z.ZodType, Caller, ParamsSchema extends z.ZodType = z.ZodType<Record<string, string>>> {
  method: Method;
  path: string;
  /** Largest body accepted (bytes); larger ones get 413 without being read into memory. Default 1 MB. */
  bodyLimitBytes?: number;
  /**
   * Who is calling, from the bearer token (undefined when there is none); undefined → 401 and nothing else happens.
   * It may also throw an HttpRefusal (e.g. 404 for a route that is switched off); the body is not read then either.
   */
  authenticate: (token: string | undefined, request: IncomingMessage) => Promise<Caller | undefined> | Caller | undefined;
  body?: BodySchema;
  query?: QuerySchema;
  /** Path parameters; a failure is a 400 naming the parameter (`invalid_path`). */
  params?: ParamsSchema;
  handle: (request: JsonRequest<z.output<BodySchema>, z.output<QuerySchema>, Caller, z.output<ParamsSchema>>) => Promise<JsonAnswer>;
}

const ONE_MEGABYTE = 1024 * 1024;

/** Turns an endpoint description into a route of Bolt's receiver. */
export function jsonEndpoint<
  BodySchema extends z.ZodType = z.ZodUndefined,
  QuerySchema extends z.ZodType = z.ZodUndefined,
  Caller = unknown,
  ParamsSchema extends z.ZodType = z.ZodType<Record<string, string>>,
>(endpoint: JsonEndpoint<BodySchema, QuerySchema, Caller, ParamsSchema>, logger: Logger): CustomRoute {
  return {
    path: endpoint.path,
    method: [endpoint.method],
    handler: (request, response) => {
      answerEndpoint(endpoint, request as IncomingMessage & { params?: Record<string, string> }, response).catch((error: unknown) => {
        if (error instanceof HttpRefusal) return sendJson(response, refusalAnswer(error));
        logger.error({ err: error, path: endpoint.path }, "an HTTP endpoint failed");
        sendJson(response, { status: 500, body: { error: { code: "internal_error", message: "Something failed on our side; it is logged. Try again." } } });
      });
    },
  };
}

async function answerEndpoint<BodySchema extends z.ZodType, QuerySchema extends z.ZodType, Caller, ParamsSchema extends z.ZodType>(
  endpoint: JsonEndpoint<BodySchema, QuerySchema, Caller, ParamsSchema>,
  request: IncomingMessage & { params?: Record<string, string> },
  response: ServerResponse,
): Promise<void> {
  // Read nothing more from a caller we do not know (or from a route that is off).
  const caller = await Promise.resolve(endpoint.authenticate(bearerToken(request.headers.authorization), request)).catch((error: unknown) => {
    request.resume();
    throw error;
  });
  if (caller === undefined) {
    request.resume();
    throw unauthorized();
  }
  const raw = await readBoundedBody(request, endpoint.bodyLimitBytes ?? ONE_MEGABYTE);
  const params = endpoint.params ? validated(endpoint.params, request.params ?? {}, "path") : (request.params ?? {});
  const json = endpoint.body ? parseJson(raw) : undefined;
  // A NUL or a lone surrogate in a string would make PostgreSQL refuse the whole row: dropped once, here.
  makeStorable(json);
  const body = endpoint.body ? validated(endpoint.body, json, "body") : undefined;
  const url = new URL(request.url ?? "/", "http://localhost");
  const query = endpoint.query ? validated(endpoint.query, Object.fromEntries(url.searchParams), "query") : undefined;
  const answer = await endpoint.handle({
    body: body as z.output<BodySchema>,
    json,
    query: query as z.output<QuerySchema>,
    params: params as z.output<ParamsSchema>,
    headers: request.headers,
    caller,
  });
  sendJson(response, answer);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new HttpRefusal(400, "invalid_json", "The body is empty; send a JSON document.");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpRefusal(400, "invalid_json", "The body is not valid JSON.");
  }
}

/** The first problem zod finds, named by its path (`alerts[0].labels.severity`), as a 400. */
export function validated<Schema extends z.ZodType>(schema: Schema, value: unknown, where: "body" | "query" | "path"): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown key (a strict object) is named as the field, so a typo like `sevrity` points at itself.
  const path = issue?.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue?.path;
  const field = path ? fieldName(path) : undefined;
  throw new HttpRefusal(400, "invalid_" + where, sentence(field ? `${field}: ${issueWords(issue)}` : issueWords(issue)), field || undefined);
}

/** zod's words, except for a field left out, which is simply required. */
function issueWords(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "invalid input";
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return "is required";
  return issue.message;
}

/** A message a person reads ends like a sentence. */
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("");
}

function refusalAnswer(refusal: HttpRefusal): JsonAnswer {
  const error: Record<string, string> = { code: refusal.code, message: refusal.message };
  if (refusal.field) error.field = refusal.field;
  return { status: refusal.status, body: { error }, headers: refusal.status === 401 ? { "www-authenticate": "Bearer" } : undefined };
}

/**
 * Bolt's answer for a request no route takes (an unknown path or method, or a path that is not valid URL encoding),
 * as JSON instead of an empty 404/500: clients of the JSON doors get an error they can read.
 */
export function unmatchedRequestAnswer(why: "no_route" | "bad_encoding" | "failed", response: ServerResponse): void {
  const answers = {
    no_route: { status: 404, body: { error: { code: "not_found", message: "There is nothing at this path for this method." } } },
    bad_encoding: { status: 400, body: { error: { code: "invalid_path", message: "The path is not valid URL encoding." } } },
    failed: { status: 500, body: { error: { code: "internal_error", message: "Something failed on our side; it is logged. Try again." } } },
  };
  sendJson(response, answers[why]);
}

function sendJson(response: ServerResponse, answer: JsonAnswer): void {
  if (response.headersSent) return void response.end();
  const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
    "cache-control": "no-store",
    ...answer.headers,
  });
  response.end(text);
}

/** The whole body, or a 413 refusal once it passes the limit (the rest is read and dropped, so the client sees the answer). */
function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on("end", () =>
      tooLarge
        ? reject(new HttpRefusal(413, "body_too_large", `The body is larger than ${Math.floor(limit / 1024)} KiB.`))
        : resolve(Buffer.concat(chunks, size)),
    );
    request.on("error", reject);
  });
}
