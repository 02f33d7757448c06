// The one place that calls PagerDuty's Events API v2, and how its answers read: 202 is done, 400 will never work,
// 429 asks us to wait, 5xx and network trouble are worth retrying (PagerDuty's "Response Codes & Retry Logic").
import type { DeliveryFailure } from "../outbox/outbox.js";
import type { PagerDutyEvent } from "./events.js";

export class PagerDutyCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Rate-limited: PagerDuty gives no Retry-After, so the caller decides how long to wait. */
    readonly rateLimited = false,
  ) {
    super(message);
  }
}

/** What PagerDuty said about an accepted event. */
interface Accepted {
  status: string;
  message?: string;
  dedup_key?: string;
}

export async function sendEvent(url: string, event: PagerDutyEvent, timeoutMs: number): Promise<Accepted> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
  } catch (error) {
    // No answer (refused, reset, timed out): PagerDuty may or may not have the event; its dedup_key makes a retry safe.
    const why = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new PagerDutyCallError(`no answer from PagerDuty (${why})`, true);
  }
  const text = await response.text().catch(() => "");
  if (response.status === 202) return parseJson(text) as Accepted;
  if (response.status === 429) throw new PagerDutyCallError("PagerDuty is rate-limiting events for this integration (429)", true, true);
  if (response.status >= 500) throw new PagerDutyCallError(`PagerDuty answered ${response.status}`, true);
  throw new PagerDutyCallError(`PagerDuty refused the event (${response.status}${refusalOf(text)})`, false);
}

/** PagerDuty's reasons, as it gives them ({ status, message, errors: [...] }); never our own body, which holds the key. */
function refusalOf(text: string): string {
  const body = parseJson(text) as { status?: unknown; message?: unknown; errors?: unknown } | undefined;
  if (!body || typeof body !== "object") return "";
  const errors = Array.isArray(body.errors) ? body.errors.filter((e): e is string => typeof e === "string") : [];
  const head = [body.status, body.message].filter((s): s is string => typeof s === "string").join(": ");
  return [head, errors.join("; ")].filter(Boolean).map((s) => ` ${s.slice(0, 300)}`).join(" —");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * 429 is PagerDuty asking us to wait (its guidance: retry after some time, with a back off); it is not counted as a
 * failed attempt. Anything but a PagerDutyCallError is our own trouble (the database), which comes back.
 */
export function classifyPagerDutyFailure(rateLimitedWaitMs: number) {
  return (error: unknown): DeliveryFailure => {
    if (!(error instanceof PagerDutyCallError)) return { retryable: true, message: error instanceof Error ? error.message : String(error) };
    if (error.rateLimited) return { retryable: true, deferMs: rateLimitedWaitMs, message: error.message };
    return { retryable: error.retryable, message: error.message };
  };
}
