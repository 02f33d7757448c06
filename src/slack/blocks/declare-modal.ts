// The "Declare an incident" modal.
import type { View } from "@slack/types";
import { severities, severityDefinitions } from "../../incidents/lifecycle.js";
import { TITLE_MAX, DESCRIPTION_MAX, SERVICES_MAX } from "../../incidents/declare.js";
import { DeclareBlocks, Views, inputAction } from "../ids.js";
import { truncate } from "./text.js";
import { DRILL_BANNER_BLOCK_ID, DRILL_MARK } from "./drill.js";
import { plainText as plain } from "./kit.js";

interface DeclareModalContext {
  declarerId: string;
  prefilledTitle: string;
  /** Declared from a message: its words and link. */
  prefilledDescription?: string;
  /** Round-tripped through Slack so the submission knows where it came from (and that it is a drill). */
  privateMetadata: string;
  /** Opened by `/incident drill`: the form says it declares a practice incident. */
  drill?: boolean;
}


export function declareModal(context: DeclareModalContext): View {
  const title = truncate(context.prefilledTitle.trim(), TITLE_MAX);
  const description = truncate((context.prefilledDescription ?? "").trim(), DESCRIPTION_MAX);
  return {
    type: "modal",
    callback_id: Views.declare,
    private_metadata: context.privateMetadata,
    title: plain(context.drill ? "Start a drill" : "Declare an incident"),
    submit: plain(context.drill ? "Start drill" : "Declare"),
    close: plain("Cancel"),
    blocks: [
      ...(context.drill
        ? [
            {
              type: "context" as const,
              block_id: DRILL_BANNER_BLOCK_ID,
              elements: [{ type: "mrkdwn" as const, text: `${DRILL_MARK} — a *practice incident*: its war room is \`drill-<N>-…\`, nobody is paged, nothing leaves Slack, and it is left out of the metrics and search.` }],
            },
          ]
        : []),
      {
        type: "input",
        block_id: DeclareBlocks.title,
        label: plain("Title"),
        element: {
          type: "plain_text_input",
          action_id: inputAction(DeclareBlocks.title),
          max_length: TITLE_MAX,
          placeholder: plain("Checkout is down"),
          ...(title ? { initial_value: title } : {}),
        },
      },
      {
        type: "input",
        block_id: DeclareBlocks.severity,
        label: plain("Severity"),
        element: {
          type: "static_select",
          action_id: inputAction(DeclareBlocks.severity),
          placeholder: plain("How bad is it?"),
          options: severities.map((s) => ({
            text: plain(severityDefinitions[s].label),
            description: plain(severityDefinitions[s].definition),
            value: s,
          })),
        },
      },
      {
        type: "input",
        block_id: DeclareBlocks.description,
        optional: true,
        label: plain("Description / impact"),
        element: {
          type: "plain_text_input",
          action_id: inputAction(DeclareBlocks.description),
          multiline: true,
          max_length: DESCRIPTION_MAX,
          placeholder: plain("What is broken, who is affected, since when"),
          ...(description ? { initial_value: description } : {}),
        },
      },
      {
        type: "input",
        block_id: DeclareBlocks.services,
        optional: true,
        label: plain("Affected services"),
        hint: plain(`Comma-separated, e.g. checkout, payments (up to ${SERVICES_MAX})`),
        element: {
          type: "plain_text_input",
          action_id: inputAction(DeclareBlocks.services),
          max_length: 500,
          placeholder: plain("checkout, payments"),
        },
      },
      {
        type: "input",
        block_id: DeclareBlocks.commander,
        label: plain("Incident Commander"),
        hint: plain("Coordinates the response and makes the calls. You, unless someone else takes it."),
        element: {
          type: "users_select",
          action_id: inputAction(DeclareBlocks.commander),
          initial_user: context.declarerId,
        },
      },
    ],
  };
}
