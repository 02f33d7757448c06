// The outgoing webhooks surface: every fact told outside goes to each URL in WEBHOOK_URLS as signed JSON, one
// outbox item per fact and endpoint (each endpoint in a lane of its own), retried with backoff; the delivery id is
// the same on every retry, so a receiver that got it before (its answer lost) can tell.
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import type { OutboxItem } from "../db/schema.js";
import type { Logger } from "../log.js";
import type { Deliverer, DeliveryFailure, DeliverySurface } from "../outbox/outbox.js";
import { toldFact, type OutsideListener } from "../outside/fan-out.js";
import { actionItemsOf, postmortemOf } from "../postmortems/postmortems.js";
import { timelineOf } from "../timeline/append.js";
import { webhookBody, webhookEvents } from "./body.js";
import { WebhookHeaders, webhookSignature } from "./signature.js";

export const WEBHOOK_DELIVERY = "webhook.delivery";

export interface WebhookContext {
  db: Db;
  logger: Logger;
  urls: string[];
  secret?: string;
  /** How long a receiver may take to answer (default 10 s). */
  timeoutMs?: number;
}

interface Endpoint {
  id: string;
  url: string;
  /** What people and logs are shown: the host, never a path or query that may hold a token. */
  host: string;
}

/** An endpoint's id is its URL's hash: stable across restarts and replicas, whatever the order of WEBHOOK_URLS. */
const endpointOf = (url: string): Endpoint => ({ id: createHash("sha256").update(url).digest("hex").slice(0, 12), url, host: new URL(url).host });

/** The same id for every attempt of one delivery (a fact to an endpoint), and different for every other. */
export function deliveryIdOf(item: Pick<OutboxItem, "teamId" | "idempotencyKey">): string {
  return `whd_${createHash("sha256").update(`${item.teamId}\n${item.idempotencyKey}`).digest("hex").slice(0, 32)}`;
}

export class WebhookCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function webhookListener(ctx: WebhookContext): OutsideListener {
  const endpoints = ctx.urls.map(endpointOf);
  return {
    name: "webhooks",
    deliveriesFor: ({ entry }) =>
      webhookEvents[entry.type] ? endpoints.map((e) => ({ kind: WEBHOOK_DELIVERY, key: `webhook:${e.id}`, lane: `webhook:${e.id}`, payload: { endpoint: e.id } })) : [],
  };
}

export function webhookSurface(ctx: WebhookContext): DeliverySurface {
  const endpoints = new Map(ctx.urls.map(endpointOf).map((e) => [e.id, e]));
  const timeoutMs = ctx.timeoutMs ?? 10_000;

  const deliver: Deliverer = async (item) => {
    const endpoint = endpoints.get(String(item.payload.endpoint));
    // Enqueued for a URL since taken out of WEBHOOK_URLS: nobody wants it any more.
    if (!endpoint || !ctx.secret) {
      ctx.logger.info({ outboxId: item.id }, "not sending a webhook: its URL is no longer in WEBHOOK_URLS");
      return;
    }
    const { entry, incident } = await toldFact(ctx.db, item);
    const postmortem =
      entry.type === "postmortem_published"
        ? { postmortem: await postmortemOf(ctx.db, incident), timeline: await timelineOf(ctx.db, incident.teamId, incident.id), actionItems: await actionItemsOf(ctx.db, incident.teamId, incident.id) }
        : undefined;
    const deliveryId = deliveryIdOf(item);
    const body = JSON.stringify(webhookBody({ deliveryId, entry, incident, postmortem }));
    // The receiver compares this with its own wall clock, so it is the wall clock's, not the bot's injected clock.
    const timestamp = Math.floor(Date.now() / 1000);
    await post(endpoint, body, {
      "content-type": "application/json",
      "user-agent": "Warroom-Webhooks/1",
      [WebhookHeaders.delivery]: deliveryId,
      [WebhookHeaders.event]: webhookEvents[entry.type]!,
      [WebhookHeaders.timestamp]: String(timestamp),
      [WebhookHeaders.signature]: webhookSignature(ctx.secret, timestamp, body),
    });
    ctx.logger.debug({ incident: incident.number, event: webhookEvents[entry.type], host: endpoint.host, deliveryId }, "webhook delivered");
  };

  async function post(endpoint: Endpoint, body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(endpoint.url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    } catch (error) {
      const why = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new WebhookCallError(`no answer from the webhook receiver ${endpoint.host} (${why})`, true);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return;
    throw new WebhookCallError(`the webhook receiver ${endpoint.host} answered ${response.status}`, retryableStatus(response.status), retryAfterOf(response.headers.get("retry-after")));
  }

  return { name: "webhooks", deliverers: { [WEBHOOK_DELIVERY]: deliver }, classifyFailure: classifyWebhookFailure };
}

/** A receiver that is busy, down or rate-limiting comes back; one that refuses the request (4xx) or moved (3xx) will not. */
const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429;

/** Retry-After in seconds or as an HTTP date, at most an hour. */
function retryAfterOf(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) * 1000 : undefined;
}

function classifyWebhookFailure(error: unknown): DeliveryFailure {
  if (error instanceof WebhookCallError) return { retryable: error.retryable, retryAfterMs: error.retryAfterMs, message: error.message };
  return { retryable: true, message: error instanceof Error ? error.message : String(error) };
}
