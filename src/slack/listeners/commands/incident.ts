// The /incident slash command: routes each subcommand, answering within Slack's 3 seconds.
import type { App } from "@slack/bolt";
import type { ListenerDeps } from "../deps.js";
import { helpText, unknownSubcommandText } from "../../blocks/help.js";
import { declareModal } from "../../blocks/declare-modal.js";
import { encodeDeclareOrigin } from "../views/declare.js";

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
      case "declare":
        await ack();
        try {
          await client.views.open({
            trigger_id: command.trigger_id,
            view: declareModal({
              declarerId: command.user_id,
              prefilledTitle: args,
              privateMetadata: encodeDeclareOrigin({ channelId: command.channel_id, responseUrl: command.response_url }),
            }),
          });
        } catch (error) {
          deps.logger.warn({ err: error, user: command.user_id }, "could not open the declare modal");
          await respond({
            response_type: "ephemeral",
            text: "Slack did not let me open the incident form in time. Please run `/incident declare` again.",
          });
        }
        return;
      default:
        await ack({ response_type: "ephemeral", text: unknownSubcommandText(command.command, name) });
    }
  });
}
