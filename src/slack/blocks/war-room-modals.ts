// The war-room modals: update status, assign roles, post an update, resolve, change severity.
import type { KnownBlock, PlainTextOption, View } from "@slack/types";
import type { Incident } from "../../db/schema.js";
import { allowedTransitions, severities, severityDefinitions, severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { roleDefinitions, roleHolder, roles } from "../../incidents/roles.js";
import { ResolveBlocks, RoleBlocks, SHARE_OPTION, SeverityBlocks, StatusBlocks, UpdateBlocks, Views, inputAction } from "../ids.js";
import { incidentHeadline } from "./incident-card.js";
import { roleBriefs } from "./role-briefs.js";
import { cutMrkdwn } from "./text.js";
import { plainText as plain } from "./kit.js";

interface WarRoomModalContext {
  incident: Incident;
  /** Round-tripped through Slack so the submission knows which incident it is about. */
  privateMetadata: string;
}

/** Longest text a person may type into the multiline inputs of these modals. */
export const STATUS_MESSAGE_MAX = 3000;
export const UPDATE_FIELD_MAX = 1500;
export const NEXT_UPDATE_MAX = 100;
export const RESOLUTION_MAX = 3000;
export const SEVERITY_REASON_MAX = 1000;

// Slack's limits for the plain_text objects used here.
const VIEW_TEXT_MAX = 24;
const OPTION_TEXT_MAX = 75;

const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text: cutMrkdwn(text, 3000) });

function modal(callbackId: string, title: string, submit: string | undefined, privateMetadata: string, blocks: KnownBlock[]): View {
  return {
    type: "modal",
    callback_id: callbackId,
    private_metadata: privateMetadata,
    title: plain(title, VIEW_TEXT_MAX),
    ...(submit ? { submit: plain(submit, VIEW_TEXT_MAX) } : {}),
    close: plain("Cancel", VIEW_TEXT_MAX),
    blocks: blocks.slice(0, 100),
  };
}

/** "🔴 *#12 · Checkout is down*  ·  SEV1 · Investigating", for the top of each modal. */
function headlineContext(incident: Incident): KnownBlock {
  return {
    type: "context",
    elements: [mrkdwn(`${incidentHeadline(incident)} · ${severityLabel(incident.severity)} · ${statusLabels[incident.status]}`)],
  };
}

function shareInput(blockId: string, label: string, optionText: string): KnownBlock {
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: {
      type: "checkboxes",
      action_id: inputAction(blockId),
      options: [{ text: plain(optionText, OPTION_TEXT_MAX), value: SHARE_OPTION }],
    },
  };
}

export function statusModal({ incident, privateMetadata }: WarRoomModalContext): View {
  const next = allowedTransitions(incident.status, "status");
  if (next.length === 0) {
    // A resolved or closed incident has no status to move to here; a select without options would be refused.
    return modal(Views.status, "Update status", undefined, privateMetadata, [
      headlineContext(incident),
      {
        type: "section",
        text: mrkdwn(`The incident is ${statusLabels[incident.status].toLowerCase()}; reopen it first (\`/incident reopen\`).`),
      },
    ]);
  }
  return modal(Views.status, "Update status", "Update", privateMetadata, [
    headlineContext(incident),
    {
      type: "input",
      block_id: StatusBlocks.status,
      label: plain("New status"),
      element: {
        type: "static_select",
        action_id: inputAction(StatusBlocks.status),
        placeholder: plain("Choose a status", 150),
        options: next.map((s) => ({ text: plain(statusLabels[s], OPTION_TEXT_MAX), value: s })),
      },
    },
    {
      type: "input",
      block_id: StatusBlocks.message,
      optional: true,
      label: plain("What changed?"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(StatusBlocks.message),
        multiline: true,
        max_length: STATUS_MESSAGE_MAX,
        placeholder: plain("Found the cause, rolled back the deploy, …", 150),
      },
    },
    shareInput(StatusBlocks.share, "Announcement", "Share in the announcement channel"),
  ]);
}

export function rolesModal({ incident, privateMetadata }: WarRoomModalContext): View {
  const inputs: KnownBlock[] = roles.map((role) => {
    const holder = roleHolder(incident, role);
    return {
      type: "input",
      block_id: RoleBlocks[role],
      optional: role !== "commander",
      label: plain(roleDefinitions[role].label),
      hint: plain(roleBriefs[role].responsibility),
      element: {
        type: "users_select",
        action_id: inputAction(RoleBlocks[role]),
        placeholder: plain("Choose someone", 150),
        ...(holder ? { initial_user: holder } : {}),
      },
    };
  });
  return modal(Views.roles, "Assign roles", "Save", privateMetadata, [headlineContext(incident), ...inputs]);
}

export function updateModal({ incident, privateMetadata }: WarRoomModalContext): View {
  return modal(Views.update, "Post update", "Post", privateMetadata, [
    headlineContext(incident),
    {
      type: "input",
      block_id: UpdateBlocks.impact,
      label: plain("Impact"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(UpdateBlocks.impact),
        multiline: true,
        max_length: UPDATE_FIELD_MAX,
        placeholder: plain("Who is affected, what is broken", 150),
      },
    },
    {
      type: "input",
      block_id: UpdateBlocks.currentAction,
      label: plain("Current action"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(UpdateBlocks.currentAction),
        multiline: true,
        max_length: UPDATE_FIELD_MAX,
        placeholder: plain("What the responders are doing right now", 150),
      },
    },
    {
      type: "input",
      block_id: UpdateBlocks.nextUpdate,
      optional: true,
      label: plain("Next update by"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(UpdateBlocks.nextUpdate),
        max_length: NEXT_UPDATE_MAX,
        placeholder: plain("e.g. 30 minutes, or 14:30 UTC", 150),
      },
    },
    shareInput(UpdateBlocks.share, "Announcement", "Also post in the announcement channel"),
  ]);
}

export function resolveModal({ incident, privateMetadata }: WarRoomModalContext): View {
  const postmortem: KnownBlock[] =
    incident.severity === "sev1" || incident.severity === "sev2"
      ? [
          {
            type: "context",
            elements: [mrkdwn(`:memo: A postmortem will be required for this ${severityLabel(incident.severity)} incident.`)],
          },
        ]
      : [];
  return modal(Views.resolve, "Resolve incident", "Resolve", privateMetadata, [
    headlineContext(incident),
    ...postmortem,
    {
      type: "input",
      block_id: ResolveBlocks.summary,
      label: plain("Resolution summary"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(ResolveBlocks.summary),
        multiline: true,
        max_length: RESOLUTION_MAX,
        placeholder: plain("What fixed it, and how you know it is fixed", 150),
      },
    },
    {
      type: "input",
      block_id: ResolveBlocks.rootCause,
      optional: true,
      label: plain("Root cause, if known"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(ResolveBlocks.rootCause),
        multiline: true,
        max_length: RESOLUTION_MAX,
      },
    },
  ]);
}

export function severityModal({ incident, privateMetadata }: WarRoomModalContext): View {
  const options: PlainTextOption[] = severities.map((s) => ({
    text: plain(severityDefinitions[s].label, OPTION_TEXT_MAX),
    description: plain(severityDefinitions[s].definition, OPTION_TEXT_MAX),
    value: s,
  }));
  const current = options.find((o) => o.value === incident.severity);
  return modal(Views.severity, "Change severity", "Change", privateMetadata, [
    headlineContext(incident),
    {
      type: "input",
      block_id: SeverityBlocks.severity,
      label: plain("Severity"),
      element: {
        type: "static_select",
        action_id: inputAction(SeverityBlocks.severity),
        placeholder: plain("How bad is it?", 150),
        options,
        ...(current ? { initial_option: current } : {}),
      },
    },
    {
      type: "input",
      block_id: SeverityBlocks.reason,
      label: plain("Why?"),
      element: {
        type: "plain_text_input",
        action_id: inputAction(SeverityBlocks.reason),
        multiline: true,
        max_length: SEVERITY_REASON_MAX,
        placeholder: plain("What changed about the impact", 150),
      },
    },
  ]);
}
