// What every button handler gets, and the polite answer it gives in the clicker's own view (or on their Home).
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { homeRefusalModal } from "../../blocks/app-home.js";
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

/** A click on the person's App Home: Slack gives it no response_url and no channel to answer in. */
export const clickedInHome = (body: BlockAction): boolean => body.container?.type === "view" && body.view?.type === "home";

/**
 * Tells the clicker something that went wrong: ephemerally where they clicked, or, from the Home (which has no
 * thread), in a small modal opened with the click's trigger. What went right shows on the Home itself once it is
 * published again.
 */
export async function tellClicker(deps: Pick<ListenerDeps, "logger">, args: ActionArgs, text: string): Promise<void> {
  if (!clickedInHome(args.body)) return tell(args, text);
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: homeRefusalModal(text) });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not tell someone on their Home why their click did nothing");
  }
}
