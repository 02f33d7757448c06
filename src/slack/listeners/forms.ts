// Reading what a person put in a modal, and what the modal carries about where it came from.
import type { ViewOutput } from "@slack/bolt";
import { z } from "zod";
import type { SlackGateway } from "../gateway.js";
import { inputAction } from "../ids.js";

export type Values = ViewOutput["state"]["values"];

/** Slack omits `state` on some views; every reader copes with it missing. */
export const valuesOf = (view: { state?: { values?: Values } }): Values => view.state?.values ?? {};

export const field = (values: Values, block: string) => values[block]?.[inputAction(block)];
export const typed = (values: Values, block: string) => field(values, block)?.value ?? "";
export const chosen = (values: Values, block: string) => field(values, block)?.selected_option?.value;
export const checked = (values: Values, block: string, option: string) => Boolean(field(values, block)?.selected_options?.some((o) => o.value === option));

const incidentMetadataSchema = z.object({ incidentId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The incident a form is about, round-tripped through Slack in private_metadata. */
export const modalMetadata = (incidentId: number): string => JSON.stringify({ incidentId });

/** The incident id a form carries; undefined when its private_metadata is missing or not ours. */
export function incidentIdOf(privateMetadata: string | undefined): number | undefined {
  const parsed = incidentMetadataSchema.safeParse(safeJson(privateMetadata));
  return parsed.success ? parsed.data.incidentId : undefined;
}

export function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}

/** A button's value as an incident or item id; undefined unless it is a positive whole number. */
export function idFromValue(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * Modal field errors are plain text: a <@U123> would show raw and an escaped &lt; literally. Name people
 * instead and unescape (plain text never pings anyone).
 */
export async function plainForModal(gateway: SlackGateway, mrkdwn: string): Promise<string> {
  const names = await gateway.namesOf([...mrkdwn.matchAll(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!));
  return mrkdwn
    .replace(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${names.get(id) ?? id}`)
    .replace(/`/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .slice(0, 2000)
    .replace(/[\uD800-\uDBFF]$/, "");
}

const originSchema = z.object({
  c: z.string().max(30).optional(),
  r: z.url().max(500).optional(),
  d: z.literal(1).optional(),
  // Declared from a message: the ts of its thread (the message itself when it is not in one), in channel c.
  t: z.string().regex(/^\d{1,12}\.\d{1,8}$/).optional(),
});

interface DeclareOrigin {
  channelId?: string;
  responseUrl?: string;
  /** The form was opened by `/incident drill`, so what it declares is a practice incident. */
  drill?: boolean;
  threadTs?: string;
}

/** Where a declare came from (channel, response_url, thread), round-tripped through the declare modal's private_metadata. */
export function encodeDeclareOrigin(origin: DeclareOrigin): string {
  return JSON.stringify({ c: origin.channelId, r: origin.responseUrl, t: origin.threadTs, ...(origin.drill ? { d: 1 } : {}) });
}

export function decodeDeclareOrigin(metadata: string | undefined): DeclareOrigin {
  const o = originSchema.safeParse(safeJson(metadata));
  return o.success ? { channelId: o.data.c, responseUrl: o.data.r, threadTs: o.data.c ? o.data.t : undefined, ...(o.data.d ? { drill: true } : {}) } : {};
}
