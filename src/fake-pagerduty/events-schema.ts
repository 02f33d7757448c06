// What PagerDuty's Events API v2 accepts, checked as strictly as PagerDuty does (developer.pagerduty.com, "Send an
// Alert Event" and the events-v2 OpenAPI document). Where the docs are silent the fake is stricter, and says so.

export type EventAction = "trigger" | "acknowledge" | "resolve";

export interface ValidEvent {
  routing_key: string;
  event_action: EventAction;
  dedup_key?: string;
  payload?: {
    summary: string;
    source: string;
    severity: "critical" | "error" | "warning" | "info";
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: Array<{ href: string; text?: string }>;
  images?: Array<{ src: string; href?: string; alt?: string }>;
}

const actions = ["trigger", "acknowledge", "resolve"] as const;
const severities = ["critical", "error", "warning", "info"] as const;
// Stricter than the docs, which do not say what happens to fields they do not list: a typo (dedupe_key) is refused
// here rather than silently ignored, so a test can never pass on a field PagerDuty would not read.
const topLevel = new Set(["routing_key", "event_action", "dedup_key", "payload", "client", "client_url", "links", "images"]);
const payloadFields = new Set(["summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"]);
// ISO 8601 date-time, as the OpenAPI document's format: date-time (PagerDuty's own example: 2015-07-17T08:42:58.315+0000).
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isUrl = (v: unknown, https = false): boolean => {
  if (typeof v !== "string") return false;
  try {
    const url = new URL(v);
    return https ? url.protocol === "https:" : url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
};

/** The problems PagerDuty would list in its 400's `errors`; none means the event is valid. */
export function eventProblems(body: unknown): string[] {
  if (!isObject(body)) return ["Event object must be a JSON object"];
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!topLevel.has(key)) problems.push(`Unknown field '${key}'`);
  const { routing_key, event_action, dedup_key, payload } = body;
  if (typeof routing_key !== "string") problems.push("'routing_key' is missing or not a string");
  else if (routing_key.length !== 32) problems.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (!actions.includes(event_action as EventAction)) problems.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
  if (dedup_key !== undefined) {
    if (typeof dedup_key !== "string" || dedup_key.length === 0) problems.push("'dedup_key' must be a non-empty string");
    else if (dedup_key.length > 255) problems.push("'dedup_key' is too long (maximum is 255 characters)");
  } else if (event_action === "acknowledge" || event_action === "resolve") {
    problems.push(`'dedup_key' is required for ${event_action} events`);
  }
  if (event_action === "trigger") {
    if (!isObject(payload)) problems.push("'payload' is missing or not an object");
    else problems.push(...payloadProblems(payload));
  } else if (payload !== undefined && !isObject(payload)) {
    problems.push("'payload' must be an object");
  }
  if (body.client !== undefined && typeof body.client !== "string") problems.push("'client' must be a string");
  if (body.client_url !== undefined && !isUrl(body.client_url)) problems.push("'client_url' must be a URL");
  if (body.links !== undefined) {
    if (!Array.isArray(body.links)) problems.push("'links' must be an array");
    else body.links.forEach((l, i) => {
      if (!isObject(l) || !isUrl(l.href)) problems.push(`'links[${i}].href' must be a URL`);
      else if (l.text !== undefined && typeof l.text !== "string") problems.push(`'links[${i}].text' must be a string`);
    });
  }
  if (body.images !== undefined) {
    if (!Array.isArray(body.images)) problems.push("'images' must be an array");
    // "This image must be served via HTTPS."
    else body.images.forEach((img, i) => {
      if (!isObject(img) || !isUrl(img.src, true)) problems.push(`'images[${i}].src' must be an HTTPS URL`);
    });
  }
  return problems;
}

function payloadProblems(payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(payload)) if (!payloadFields.has(key)) problems.push(`Unknown field 'payload.${key}'`);
  const { summary, source, severity, timestamp, custom_details } = payload;
  if (typeof summary !== "string" || summary.trim() === "") problems.push("'payload.summary' is missing or empty");
  // "The maximum permitted length of this property is 1024 characters." Counted in UTF-16 units: never fewer than
  // characters, so a summary accepted here is accepted by PagerDuty however it counts.
  else if (summary.length > 1024) problems.push("'payload.summary' is too long (maximum is 1024 characters)");
  if (typeof source !== "string" || source.trim() === "") problems.push("'payload.source' is missing or empty");
  if (!severities.includes(severity as (typeof severities)[number])) problems.push("'payload.severity' is invalid (must be one of critical, error, warning, info)");
  if (timestamp !== undefined && (typeof timestamp !== "string" || !isoDateTime.test(timestamp) || Number.isNaN(Date.parse(timestamp.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"))))) {
    problems.push("'payload.timestamp' must be an ISO 8601 date-time");
  }
  for (const field of ["component", "group", "class"] as const) {
    if (payload[field] !== undefined && typeof payload[field] !== "string") problems.push(`'payload.${field}' must be a string`);
  }
  if (custom_details !== undefined && !isObject(custom_details)) problems.push("'payload.custom_details' must be an object");
  return problems;
}
