// The OpenAPI 3.1 document of the REST API, generated from the routes and the zod schemas they validate with
// (zod's own JSON Schema output, which is the 2020-12 dialect OpenAPI 3.1 uses).
import { z } from "zod";
import type { ApiRoute } from "./routes.js";

type JsonSchema = Record<string, unknown>;

const COMPONENT = "#/components/schemas/";

/** Every named shape (`.meta({ id })`), as requests (input) or answers (output) need it, without per-file keywords. */
function components(io: "input" | "output"): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { io, uri: (id) => `${COMPONENT}${id}`, unrepresentable: "any" }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutDocumentKeywords(schema)]));
}

function withoutDocumentKeywords(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

const idOf = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id as string | undefined;

/** A named shape by reference; an unnamed one inline. */
function schemaRef(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const id = idOf(schema);
  return id ? { $ref: `${COMPONENT}${id}` } : withoutDocumentKeywords(z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema);
}

/** Each field of a path or query object as an OpenAPI parameter, its description lifted from the schema. */
function parameters(where: "path" | "query", object: z.ZodObject | undefined): JsonSchema[] {
  if (!object) return [];
  const whole = z.toJSONSchema(object, { io: "input", unrepresentable: "any" }) as { required?: string[] };
  return Object.entries(object.shape).map(([name, field]) => {
    const { description, ...schema } = withoutDocumentKeywords(z.toJSONSchema(field as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema);
    return {
      name,
      in: where,
      required: where === "path" || (whole.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema,
    };
  });
}

const idempotencyKeyHeader = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Any unique string (a UUID): a retry with the same key gets the first answer again (header `Idempotent-Replayed: true`) instead of acting twice. Kept per token for 24 hours; the same key with a different request is refused with 422.",
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
};

const security: Record<ApiRoute["auth"], JsonSchema[]> = {
  api_token: [{ apiToken: [] }],
  sweep_token: [{ sweepToken: [] }],
  none: [],
};

/** `/api/v1/incidents/:number` → `/api/v1/incidents/{number}` */
export const openApiPath = (boltPath: string): string => boltPath.replace(/:([A-Za-z_]\w*)/g, "{$1}");

function operation(route: ApiRoute): JsonSchema {
  const params = [...parameters("path", route.params), ...parameters("query", route.query), ...(route.idempotent ? [idempotencyKeyHeader] : [])];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.path.includes("/escalations/") ? "escalations" : route.path.includes("/incidents") ? "incidents" : "meta"],
    security: security[route.auth],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaRef(route.body, "input") } } } } : {}),
    responses: Object.fromEntries(
      route.responses.map((r) => [String(r.status), { description: r.description, ...(r.schema ? { content: { "application/json": { schema: schemaRef(r.schema, "output") } } } : {}) }]),
    ),
  };
}

export function openApiDocument(routes: ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  // Answers are documented as sent (no extra keys); request shapes as accepted.
  const requestIds = new Set(routes.flatMap((r) => (r.body && idOf(r.body) ? [idOf(r.body)!] : [])));
  const inputs = components("input");
  const outputs = components("output");
  const schemas = Object.fromEntries(Object.keys(outputs).map((id) => [id, requestIds.has(id) ? inputs[id]! : outputs[id]!]));
  return {
    openapi: "3.1.0",
    info: {
      title: "Warroom REST API",
      version: "1.0.0",
      description:
        "Incidents of one Slack workspace, declared and run through the same actions as the Slack buttons. Every route but this document needs a bearer token: an API token made in Slack with `/incident api-token create <name>` (the sweep has its own token, ESCALATION_SWEEP_TOKEN). Errors are JSON: `{ \"error\": { \"code\", \"message\", \"field\"? } }`.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "incidents", description: "Incidents and their timelines." },
      { name: "escalations", description: "The scheduler's due work." },
      { name: "meta", description: "This document." },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", description: "An API token (`wrapi_…`) from `/incident api-token create <name>`; it opens its own workspace only." },
        sweepToken: { type: "http", scheme: "bearer", description: "The value of ESCALATION_SWEEP_TOKEN." },
      },
    },
  };
}
