// What every form-submission handler gets, and how a problem is shown beside the field it is about.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ListenerDeps } from "../deps.js";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type ViewHandler = (deps: ListenerDeps, args: ViewArgs) => Promise<void>;

export const teamOf = (body: ViewSubmitAction): string => body.team?.id ?? body.user.team_id ?? "";

/** Keeps the form open with a message under the named input. */
export async function showErrors(args: Pick<ViewArgs, "ack">, errors: Record<string, string>): Promise<void> {
  await args.ack({ response_action: "errors", errors });
}
