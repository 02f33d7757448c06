// What every button handler gets, and the polite answer it gives in the clicker's own view.
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { ListenerDeps } from "../deps.js";

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
export type ActionHandler = (deps: ListenerDeps, args: ActionArgs) => Promise<void>;

export const teamOf = (body: BlockAction): string => body.team?.id ?? body.user.team_id ?? "";

/** A button's value (buttons carry one; menus carry the picked option's). */
export const valueOf = (action: ActionArgs["action"]): string | undefined =>
  "value" in action && typeof action.value === "string" ? action.value : "selected_option" in action ? action.selected_option?.value : undefined;

export async function tell(args: Pick<ActionArgs, "respond">, text: string): Promise<void> {
  await args.respond({ response_type: "ephemeral", replace_original: false, text });
}
