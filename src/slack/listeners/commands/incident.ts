// The /incident slash command: routes each subcommand, answering within Slack's 3 seconds.
import type { App, RespondFn } from "@slack/bolt";
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { ListenerDeps } from "../deps.js";
import { helpText, unknownSubcommandText } from "../../blocks/help.js";
import { declareModal } from "../../blocks/declare-modal.js";
import { encodeDeclareOrigin } from "../views/declare.js";
import { warRoomSubcommands, type SubcommandResult } from "./war-room-commands.js";

/** "declare Checkout is down" → { name: "declare", args: "Checkout is down" } */
export function parseSubcommand(text: string): { name: string; args: string } {
  const trimmed = text.trim();
  const [first = "", ...rest] = trimmed.split(/\s+/);
  const args = trimmed.slice(first.length).trim();
  return { name: first.toLowerCase(), args: rest.length ? args : "" };
}

export function registerIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command("/incident", async ({ command, ack, client, respond }) => {
    const { name, args } = parseSubcommand(command.text ?? "");
    switch (name) {
      case "":
      case "help":
        await ack({ response_type: "ephemeral", text: helpText(command.command) });
        return;
      case "declare": {
        await ack();
        const form = declareModal({
          declarerId: command.user_id,
          prefilledTitle: args,
          privateMetadata: encodeDeclareOrigin({ channelId: command.channel_id, responseUrl: command.response_url }),
        });
        await openModal(deps, client, command.trigger_id, form, respond);
        return;
      }
      default: {
        const subcommand = warRoomSubcommands[name];
        if (!subcommand) {
          await ack({ response_type: "ephemeral", text: unknownSubcommandText(command.command, name) });
          return;
        }
        let result: SubcommandResult;
        try {
          result = await subcommand(deps, { teamId: command.team_id, userId: command.user_id, channelId: command.channel_id, args, client });
        } catch (error) {
          deps.logger.error({ err: error, subcommand: name }, "an /incident subcommand failed");
          await ack({ response_type: "ephemeral", text: "Something went wrong on my side and nothing was changed. Please try again in a moment." });
          return;
        }
        if ("answer" in result) {
          await ack({ response_type: "ephemeral", ...result.answer });
          return;
        }
        await ack();
        await openModal(deps, client, command.trigger_id, result.modal, respond);
      }
    }
  });
}

async function openModal(deps: ListenerDeps, client: WebClient, triggerId: string, view: View, respond: RespondFn): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not open a modal");
    await respond({ response_type: "ephemeral", text: "Slack did not let me open the form in time. Please run the command again." });
  }
}
