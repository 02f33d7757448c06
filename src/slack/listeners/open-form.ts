// Opening a form with an interaction's trigger (it lives 3 seconds): when Slack refuses, the person is told why,
// in words that say whether trying again helps, and the reason goes to the log.
import type { View } from "@slack/types";
import { ErrorCode, type WebAPICallError, type WebClient } from "@slack/web-api";
import { formRefusedText, type FormRefusal } from "../blocks/answers.js";
import type { ListenerDeps } from "./deps.js";

/** What went wrong, from WebClient's error: Slack's error code, an HTTP status, rate limiting, or no answer in time. */
function formRefusal(error: unknown): FormRefusal {
  const e = error as Partial<WebAPICallError> & { data?: { error?: string }; statusCode?: number };
  switch (e?.code) {
    case ErrorCode.PlatformError:
      return { kind: "refused", code: String(e.data?.error ?? "unknown_error") };
    case ErrorCode.HTTPError:
      return { kind: "trouble", status: Number(e.statusCode) };
    case ErrorCode.RateLimitedError:
      return { kind: "busy" };
    default:
      return { kind: "timeout" };
  }
}

/** Opens `view`; on refusal tells the person (`tellPerson`) and returns false. */
export async function openForm(
  deps: Pick<ListenerDeps, "logger" | "gateway">,
  client: WebClient,
  triggerId: string,
  view: View,
  tellPerson: (text: string) => Promise<unknown>,
  retry: string,
): Promise<boolean> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
    // Made with Bolt's client (a trigger lives 3 s, too short for the outbox), counted with the gateway's calls.
    deps.gateway.noteCall("views.open");
    return true;
  } catch (error) {
    deps.gateway.noteCall("views.open", error);
    const refusal = formRefusal(error);
    const details = (error as { data?: { response_metadata?: unknown } })?.data?.response_metadata;
    deps.logger.warn({ err: error, refusal, details, callbackId: view.callback_id }, "could not open a form");
    await tellPerson(formRefusedText(refusal, retry));
    return false;
  }
}
