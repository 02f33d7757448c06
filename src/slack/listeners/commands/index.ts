// The /incident slash command: one listener, a lookup table of subcommands, an answer within Slack's 3 seconds.
import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { unknownSubcommandText } from "../../blocks/help.js";
import type { ListenerDeps } from "../deps.js";
import type { Subcommand, SubcommandResult } from "../subcommand.js";
import { ack } from "./ack.js";
import { action } from "./action.js";
import { actions } from "./actions.js";
import { close } from "./close.js";
import { declare } from "./declare.js";
import { escalation } from "./escalation.js";
import { help } from "./help.js";
import { list } from "./list.js";
import { note } from "./note.js";
import { oncall } from "./oncall.js";
import { postmortem } from "./postmortem.js";
import { reopen } from "./reopen.js";
import { resolve } from "./resolve.js";
import { role } from "./role.js";
import { search } from "./search.js";
import { severity } from "./severity.js";
import { status } from "./status.js";
import { timeline } from "./timeline.js";

const subcommands: Record<string, Subcommand> = {
  "": help,
  help,
  declare,
  ack,
  acknowledge: ack,
  status,
  sev: severity,
  severity,
  role,
  roles: role,
  note,
  timeline,
  list,
  search,
  resolve,
  close,
  reopen,
  oncall,
  escalation,
  postmortem,
  action,
  actions,
};

/** "declare Checkout is down" → { name: "declare", args: "Checkout is down" } */
export function parseSubcommand(text: string): { name: string; args: string } {
  const trimmed = text.trim();
  const [first = ""] = trimmed.split(/\s+/);
  return { name: first.toLowerCase(), args: trimmed.slice(first.length).trim() };
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** Every slash command; only /incident is ours (any other is left unanswered, as Bolt leaves an unmatched one). */
export function commandListener(deps: ListenerDeps): (args: CommandArgs) => Promise<void> {
  return async ({ command, ack: acknowledge, client, respond }) => {
    if (command.command !== "/incident") return;
    const { name, args } = parseSubcommand(command.text ?? "");
    const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
    if (!subcommand) {
      await acknowledge({ response_type: "ephemeral", text: unknownSubcommandText(command.command, name) });
      return;
    }
    let result: SubcommandResult;
    try {
      result = await subcommand(deps, { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id, args, responseUrl: command.response_url });
    } catch (error) {
      deps.logger.error({ err: error, subcommand: name }, "an /incident subcommand failed");
      await acknowledge({ response_type: "ephemeral", text: "Something went wrong on my side and nothing was changed. Please try again in a moment." });
      return;
    }
    if ("answer" in result) {
      await acknowledge({ response_type: "ephemeral", ...result.answer });
      return;
    }
    await acknowledge();
    await openModal(deps, client, command.trigger_id, result.modal, respond);
  };
}

/** Opens a form; when Slack refuses, the person is told why in words, not left waiting. */
async function openModal(deps: ListenerDeps, client: WebClient, triggerId: string, view: View, respond: RespondFn): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    const code = (error as { data?: { error?: string } })?.data?.error;
    deps.logger.warn({ err: error, slackError: code }, "could not open a modal");
    await respond({ response_type: "ephemeral", text: modalRefusedText(code) });
  }
}

/** Why Slack would not open a form, said so the person knows whether trying again helps. */
export function modalRefusedText(code: string | undefined): string {
  switch (code) {
    case "expired_trigger_id":
    case "exchanged_trigger_id":
    case undefined:
      return "Slack did not let me open the form in time. Please run the command again.";
    default:
      return `Slack refused to open the form (\`${code.replace(/[^a-z0-9_]/gi, "")}\`); that is a bug on my side and has been logged. Please try again, or use the command's text form.`;
  }
}
