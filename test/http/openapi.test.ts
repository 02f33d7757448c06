// The OpenAPI document: every route is in it, it is a structurally valid OpenAPI 3.1 document (objects with only the
// fields the specification defines, JSON Schema 2020-12 without OpenAPI 3.0's dialect, every $ref resolving, every
// path parameter declared), and what it says a route accepts is the schema the route validates with.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ManualClock } from "../../src/clock.js";
import type { Db } from "../../src/db/client.js";
import { openApiDocument, openApiPath } from "../../src/http/api/openapi.js";
import { restApiRoutes, type ApiRoute } from "../../src/http/api/routes.js";
import { createLogger } from "../../src/log.js";

let sweeps = 0;
const routes = restApiRoutes({
  // Writing the document touches no database: a route that did would fail this test loudly.
  db: undefined as unknown as Db,
  clock: new ManualClock(),
  logger: createLogger("silent"),
  admins: new Set(),
  deliverNow: () => undefined,
  sweep: async () => {
    sweeps += 1;
    return { handled: 0, byKind: {}, deferred: 0, failed: 0 };
  },
});
const document = openApiDocument(routes) as OpenApi;

// ---- OpenAPI 3.1, as the specification defines its objects (https://spec.openapis.org/oas/v3.1.0) ----

/** Keywords of JSON Schema 2020-12 (core, applicator, validation, meta-data, format, content) and OpenAPI's own. */
const jsonSchemaKeywords = new Set([
  "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor",
  "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
  "items", "prefixItems", "contains", "minItems", "maxItems", "uniqueItems", "minContains", "maxContains",
  "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependentRequired",
  "unevaluatedItems", "unevaluatedProperties",
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType", "contentSchema",
  "minProperties", "maxProperties",
  "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
  "discriminator", "xml", "externalDocs", "example",
]);
const jsonTypes = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** Problems in a JSON Schema, by where they are: unknown keywords (OpenAPI 3.0's `nullable` among them), bad types. */
function jsonSchemaProblems(schema: unknown, at: string): string[] {
  if (typeof schema === "boolean") return [];
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return [`${at}: not a schema`];
  const s = schema as Record<string, unknown>;
  const problems = Object.keys(s).filter((k) => !jsonSchemaKeywords.has(k) && !k.startsWith("x-")).map((k) => `${at}: unknown keyword ${k}`);
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  for (const t of types) if (!jsonTypes.has(t as string)) problems.push(`${at}: type ${String(t)}`);
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === "string"))) problems.push(`${at}: required`);
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern as string, "u");
    } catch {
      problems.push(`${at}: pattern is not a regular expression`);
    }
  }
  const sub = (key: string) => (s[key] && typeof s[key] === "object" ? Object.entries(s[key] as Record<string, unknown>) : []);
  for (const [k, v] of [...sub("properties"), ...sub("$defs"), ...sub("patternProperties")]) problems.push(...jsonSchemaProblems(v, `${at}.${k}`));
  for (const key of ["items", "additionalProperties", "propertyNames", "not", "contains", "if", "then", "else", "unevaluatedProperties"]) {
    if (s[key] !== undefined && typeof s[key] !== "boolean") problems.push(...jsonSchemaProblems(s[key], `${at}.${key}`));
  }
  for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key]) || (s[key] as unknown[]).length === 0) problems.push(`${at}.${key}: must be a non-empty array`);
    else (s[key] as unknown[]).forEach((v, i) => problems.push(...jsonSchemaProblems(v, `${at}.${key}[${i}]`)));
  }
  return problems;
}

const jsonSchema = z.custom<Record<string, unknown>>((v) => jsonSchemaProblems(v, "schema").length === 0, { error: "is not a JSON Schema 2020-12 schema" });
const mediaType = z.object({ schema: jsonSchema, example: z.unknown().optional(), examples: z.record(z.string(), z.unknown()).optional() }).strict();
const content = z.record(z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/), mediaType);
const parameter = z
  .object({
    name: z.string().min(1),
    in: z.enum(["query", "header", "path", "cookie"]),
    description: z.string().optional(),
    required: z.boolean().optional(),
    deprecated: z.boolean().optional(),
    schema: jsonSchema,
  })
  .strict()
  .refine((p) => p.in !== "path" || p.required === true, { error: "a path parameter must be required" });
const response = z.object({ description: z.string().min(1), headers: z.record(z.string(), z.unknown()).optional(), content: content.optional() }).strict();
const operation = z
  .object({
    operationId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    summary: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
    parameters: z.array(parameter).optional(),
    requestBody: z.object({ description: z.string().optional(), required: z.boolean().optional(), content }).strict().optional(),
    responses: z.record(z.string().regex(/^([1-5]\d\d|[1-5]XX|default)$/), response).refine((r) => Object.keys(r).length > 0),
    deprecated: z.boolean().optional(),
  })
  .strict();
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const pathItem = z.object({ summary: z.string().optional(), description: z.string().optional(), ...Object.fromEntries(methods.map((m) => [m, operation.optional()])) }).strict();
const securityScheme = z.object({ type: z.literal("http"), scheme: z.string(), bearerFormat: z.string().optional(), description: z.string().optional() }).strict();
const openApi31 = z
  .object({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.object({ title: z.string().min(1), version: z.string().min(1), summary: z.string().optional(), description: z.string().optional() }).strict(),
    jsonSchemaDialect: z.url().optional(),
    servers: z.array(z.object({ url: z.string(), description: z.string().optional() }).strict()).optional(),
    paths: z.record(z.string().regex(/^\//), pathItem),
    components: z.object({ schemas: z.record(z.string().regex(/^[a-zA-Z0-9._-]+$/), jsonSchema), securitySchemes: z.record(z.string(), securityScheme) }).strict(),
    security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
    tags: z.array(z.object({ name: z.string(), description: z.string().optional() }).strict()).optional(),
  })
  .strict();
type OpenApi = z.output<typeof openApi31>;
type Operation = z.output<typeof operation>;

const operationOf = (route: ApiRoute): Operation | undefined => (document.paths[openApiPath(route.path)] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];

/** Every `$ref` in the document, wherever it is. */
function refsIn(value: unknown): string[] {
  if (!value || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap(refsIn);
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [v] : refsIn(v)));
}

describe("the OpenAPI document", () => {
  it("is an OpenAPI 3.1 document, structurally", () => {
    const parsed = openApi31.safeParse(document);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  it("would notice a broken document (a check that passes everything must not pass quietly)", () => {
    const broken = structuredClone(document) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    broken.components.schemas.Incident.properties.resolvedAt = { type: "string", nullable: true };
    broken.paths["/api/v1/incidents/{number}"].get.parameters[0].required = false;
    broken.paths["/api/v1/incidents"].get.summery = "typo";
    const issues = openApi31.safeParse(broken).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues).toEqual(
      expect.arrayContaining(["components.schemas.Incident", "paths./api/v1/incidents/{number}.get.parameters.0", "paths./api/v1/incidents.get"]),
    );
  });

  it("has every route, once, under a unique operationId", () => {
    for (const route of routes) expect(operationOf(route), `${route.method} ${route.path}`).toBeDefined();
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item as Record<string, Operation>));
    expect(operations).toHaveLength(routes.length);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        "GET /api/v1/incidents",
        "GET /api/v1/incidents/:number",
        "POST /api/v1/incidents",
        "POST /api/v1/incidents/:number/acknowledge",
        "POST /api/v1/incidents/:number/updates",
        "POST /api/v1/incidents/:number/resolve",
        "POST /api/v1/escalations/sweep",
        "GET /api/v1/openapi.json",
      ]),
    );
  });

  it("declares every path parameter, resolves every $ref and names only security schemes it defines", () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item as Record<string, Operation>)) {
        expect((op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name), path).toEqual(templated);
        for (const requirement of op.security ?? []) for (const name of Object.keys(requirement)) expect(document.components.securitySchemes).toHaveProperty(name);
      }
    }
    const unresolved = refsIn(document).filter((ref) => !(ref.startsWith("#/components/schemas/") && ref.slice("#/components/schemas/".length) in document.components.schemas));
    expect(unresolved).toEqual([]);
  });

  it("describes each request with the very schema its route validates", () => {
    for (const route of routes) {
      const op = operationOf(route)!;
      if (route.body) {
        const ref = (op.requestBody!.content["application/json"]!.schema as { $ref: string }).$ref;
        const documented = document.components.schemas[ref.split("/").at(-1)!];
        // zod writes a named schema as a $ref into its own $defs; the document keeps it among its components.
        const own = z.toJSONSchema(route.body, { io: "input", unrepresentable: "any" }) as { $ref?: string; $defs?: Record<string, unknown> };
        const validated = own.$ref ? own.$defs![own.$ref.split("/").at(-1)!] : own;
        expect(JSON.stringify(documented), `${route.method} ${route.path}`).toBe(JSON.stringify(validated).replaceAll("#/$defs/", "#/components/schemas/"));
      } else expect(op.requestBody).toBeUndefined();
      const queryNames = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      expect(queryNames).toEqual(route.query ? Object.keys(route.query.shape) : []);
      // Every route says what its errors look like.
      expect(Object.keys(op.responses)).toContain("500");
      if (route.auth !== "none") expect(op.responses["401"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
  });

  it("documents answers without OpenAPI 3.0's nullable, as JSON Schema types", () => {
    const incident = document.components.schemas.Incident as { properties: Record<string, { type?: unknown; anyOf?: unknown[] }> };
    expect(incident.properties.resolvedAt!.anyOf).toContainEqual({ type: "null" });
    expect(incident.properties.description!.type).toBe("string");
    expect(JSON.stringify(document)).not.toContain('"nullable"');
  });
});

describe("the sweep endpoint without ESCALATION_SWEEP_TOKEN", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const sweep = routes.find((r) => r.operationId === "sweepEscalations")!.route;
    server = createServer((req, res) => void sweep.handler(Object.assign(req, { params: {} }), res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/escalations/sweep`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers 404 with a sentence, whatever token is sent, and runs nothing", async () => {
    for (const authorization of [undefined, "Bearer anything-at-all"]) {
      const answer = await fetch(url, { method: "POST", headers: authorization ? { authorization } : {} });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({ error: { code: "not_found", message: "The escalation sweep is off: set ESCALATION_SWEEP_TOKEN to turn it on." } });
    }
    expect(sweeps).toBe(0);
  });
});
