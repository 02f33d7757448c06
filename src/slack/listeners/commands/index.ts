// The /incident slash command: one listener, a lookup table of subcommands, an answer within Slack's 3 seconds.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { unknownSubcommandText } from "../../blocks/help.js";
import type { ListenerDeps } from "../deps.js";
import { openForm } from "../open-form.js";
import type { Subcommand, SubcommandResult } from "../subcommand.js";
import { ack } from "./ack.js";
import { action } from "./action.js";
import { actions } from "./actions.js";
import { alerts } from "./alerts.js";
import { apiToken } from "./api-token.js";
import { audit } from "./audit.js";
import { close } from "./close.js";
import { comms } from "./comms.js";
import { declare } from "./declare.js";
import { drill } from "./drill.js";
import { escalation } from "./escalation.js";
import { help } from "./help.js";
import { list } from "./list.js";
import { metrics } from "./metrics.js";
import { note } from "./note.js";
import { oncall } from "./oncall.js";
import { playbook } from "./playbook.js";
import { postmortem } from "./postmortem.js";
import { reopen } from "./reopen.js";
import { resolve } from "./resolve.js";
import { role } from "./role.js";
import { search } from "./search.js";
import { severity } from "./severity.js";
import { status } from "./status.js";
import { task } from "./task.js";
import { timeline } from "./timeline.js";

/** Every subcommand by the words that run it (some have two: ack and acknowledge). */
export const subcommands: Record<string, Subcommand> = {
  "": help,
  help,
  declare,
  drill,
  drills: drill,
  ack,
  acknowledge: ack,
  status,
  sev: severity,
  severity,
  role,
  roles: role,
  note,
  comms,
  timeline,
  list,
  metrics,
  search,
  resolve,
  close,
  reopen,
  oncall,
  escalation,
  postmortem,
  action,
  actions,
  alerts,
  "api-token": apiToken,
  audit,
  task,
  playbook,
  playbooks: playbook,
};

/**
 * Subcommands that only answer or open a form. A replay of one changes nothing, so it goes ahead without waiting
 * for the replay check (see slack/middleware.ts onceOnly). A subcommand that writes must never be listed here.
 */
const answersOnly = new Set(["", "help", "declare", "list", "metrics", "search", "timeline", "actions", "oncall", "escalation", "alerts", "comms", "playbook", "playbooks"]);

/** True when this command text can change nothing: an answering subcommand, or one that does not exist. */
export function commandChangesNothing(text: string): boolean {
  const { name } = parseSubcommand(text);
  return answersOnly.has(name) || !Object.hasOwn(subcommands, name);
}

/** "declare Checkout is down" → { name: "declare", args: "Checkout is down" } */
function parseSubcommand(text: string): { name: string; args: string } {
  const trimmed = text.trim();
  const [first = ""] = trimmed.split(/\s+/);
  return { name: first.toLowerCase(), args: trimmed.slice(first.length).trim() };
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** The slash commands the bot answers (manifest.yml declares exactly these; see slack/self-check.ts). */
export const commandsHandled: readonly string[] = ["/incident"];

/** Every slash command; only /incident is ours (any other is left unanswered, as Bolt leaves an unmatched one). */
export function commandListener(deps: ListenerDeps): (args: CommandArgs) => Promise<void> {
  return async ({ command, ack: acknowledge, client, respond }) => {
    if (!commandsHandled.includes(command.command)) return;
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
    await openForm(deps, client, command.trigger_id, result.modal, (text) => respond({ response_type: "ephemeral", text }), "run the command again");
  };
}
