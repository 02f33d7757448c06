// What a request from Slack must be before Bolt or a listener reads it: signed with our secret within five minutes
// of our clock (either way), and shaped like something Slack sends; pure checks, used by the receiver's door.
import { createHmac, timingSafeEqual } from "node:crypto";
import { parse as parseQuery } from "node:querystring";
import { z } from "zod";
import { SIGNATURE_WINDOW_MS } from "../http/seen-requests.js";

/** Bolt parses a form body only for exactly this content type, and everything else as JSON; so do we. */
const FORM = "application/x-www-form-urlencoded";

interface SignedHeaders {
  timestamp: string | string[] | undefined;
  signature: string | string[] | undefined;
}

/** Why a request is not Slack's (undefined when it is): Slack's v0 signature, and a timestamp near our clock. */
export function signatureProblem(secret: string, headers: SignedHeaders, body: Buffer, nowMs: number): string | undefined {
  const { timestamp, signature } = headers;
  if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp)) return "no usable x-slack-request-timestamp";
  if (typeof signature !== "string" || !/^v0=[0-9a-f]{64}$/.test(signature)) return "no usable x-slack-signature";
  // Bolt refuses only the past; a timestamp from the future would let a captured request be replayed for as long.
  if (Math.abs(nowMs - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS) return "timestamp more than 5 minutes from our clock";
  const expected = createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature.slice(3), "hex")) ? undefined : "signature mismatch";
}

/** Slack's connectivity probe: unsigned, and answered by Bolt without reading anything else. */
export function isSslCheck(contentType: string | undefined, body: Buffer): boolean {
  return contentType === FORM && body.includes("ssl_check=1") && parseQuery(body.toString()).ssl_check === "1";
}

const id = z.string().min(1).max(255);
const user = z.looseObject({ id });
const team = z.looseObject({ id }).nullish();
// Bolt reads channel.id of every interaction that has a channel, before any listener runs.
const channel = z.looseObject({ id }).optional();
const option = z.looseObject({ value: z.string() });
// One input's state as Slack reports it, per element type; listeners read these fields without further checks.
const inputState = z.looseObject({
  type: z.string().optional(),
  value: z.string().nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).optional(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).optional(),
  selected_date: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
});

// Bolt decides what a request is by the first of these keys it finds (event, command, name, actions); a key
// that Slack never sends on a kind would send it down another kind's path, where its fields are missing.
const absent = z.never().optional();
const notAnEvent = { event: absent };
const notACommand = { ...notAnEvent, command: absent, name: absent };
const notAnAction = { ...notACommand, actions: absent };

const slashCommand = z.looseObject({
  ...notAnEvent,
  command: z.string().min(1),
  text: z.string(),
  team_id: id,
  user_id: id,
  channel_id: id,
  trigger_id: z.string(),
  response_url: z.string(),
});

const blockActions = z.looseObject({
  ...notACommand,
  type: z.literal("block_actions"),
  user,
  team,
  channel,
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional(), selected_option: option.nullish() })).min(1),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
});

const viewSubmission = z.looseObject({
  ...notAnAction,
  type: z.literal("view_submission"),
  user,
  team,
  response_urls: z.array(z.looseObject({ response_url: z.string() })).optional(),
  view: z.looseObject({
    id,
    callback_id: z.string(),
    private_metadata: z.string().optional(),
    hash: z.string().optional(),
    blocks: z.array(z.looseObject({ type: z.string(), block_id: z.string().optional() })).optional(),
    // Slack omits state on some views; when present it is a map of blocks to inputs.
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), inputState)) }).optional(),
  }),
});

const shortcut = z.looseObject({ ...notAnAction, type: z.literal("shortcut"), callback_id: z.string(), user, team, channel, trigger_id: z.string() });
const messageShortcut = z.looseObject({
  ...notAnAction,
  type: z.literal("message_action"),
  callback_id: z.string(),
  user,
  team,
  trigger_id: z.string(),
  response_url: z.string(),
  channel: z.looseObject({ id }),
  message: z.looseObject({ ts: z.string(), text: z.string().optional(), user: z.string().optional(), bot_id: z.string().optional() }),
});

const reactionAdded = z.looseObject({
  type: z.literal("reaction_added"),
  user: id,
  reaction: z.string(),
  item: z.looseObject({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() }),
});
// Bolt looks into these fields of every event, whatever its type, before any listener runs.
const anyEvent = z.looseObject({
  type: z.string().refine((t) => t !== "reaction_added"),
  item: z.looseObject({}).optional(),
  channel: z.union([z.string(), z.looseObject({})]).optional(),
  user: z.union([z.string(), z.looseObject({})]).optional(),
  subteam: z.looseObject({}).optional(),
});
const eventCallback = z.looseObject({
  type: z.literal("event_callback"),
  team_id: id,
  authorizations: z.array(z.looseObject({})).optional(),
  event: z.union([reactionAdded, anyEvent]),
});
const urlVerification = z.looseObject({ type: z.literal("url_verification"), challenge: z.string() });

/** Interaction kinds the bot listens to; Slack sends others only for features the bot does not use. */
const interactions: Record<string, z.ZodType> = {
  block_actions: blockActions,
  view_submission: viewSubmission,
  shortcut,
  message_action: messageShortcut,
};
const callbacks: Record<string, z.ZodType> = { event_callback: eventCallback, url_verification: urlVerification };

type Envelope =
  /** Hand it to Bolt. */
  | { kind: "for_bolt" }
  /** Answer 200 and do nothing: a kind of request the bot does not handle (view_closed, app_rate_limited, …). */
  | { kind: "nothing_to_do"; type: string }
  /** Answer 400: not something Slack sends. */
  | { kind: "malformed"; reason: string };

const malformed = (reason: string): Envelope => ({ kind: "malformed", reason });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads a verified body the way Bolt will, and says whether it is fit for Bolt and the listeners. */
export function classifyEnvelope(contentType: string | undefined, body: Buffer): Envelope {
  const text = body.toString();
  let parsed: unknown;
  if (contentType === FORM) {
    const form = parseQuery(text);
    if (form.payload === undefined) return slashCommand.safeParse(form).success ? { kind: "for_bolt" } : malformed("not a slash command");
    if (typeof form.payload !== "string") return malformed("more than one payload");
    parsed = parseJson(form.payload);
    if (!isObject(parsed) || typeof parsed.type !== "string") return malformed("payload is not an interaction");
    const schema = Object.hasOwn(interactions, parsed.type) ? interactions[parsed.type] : undefined;
    if (!schema) return { kind: "nothing_to_do", type: parsed.type };
    const checked = schema.safeParse(parsed);
    return checked.success ? { kind: "for_bolt" } : malformed(`${parsed.type}: ${firstIssue(checked.error)}`);
  }
  parsed = parseJson(text);
  if (!isObject(parsed) || typeof parsed.type !== "string") return malformed("body is not an Events API envelope");
  const schema = Object.hasOwn(callbacks, parsed.type) ? callbacks[parsed.type] : undefined;
  if (!schema) return { kind: "nothing_to_do", type: parsed.type };
  const checked = schema.safeParse(parsed);
  return checked.success ? { kind: "for_bolt" } : malformed(`${parsed.type}: ${firstIssue(checked.error)}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(body)"} ${issue.message}` : "invalid";
}
