// What /incident api-token says: the new token (once), the workspace's tokens, and why not.
import type { ApiToken } from "../../db/schema.js";
import type { ApiTokenRefusal } from "../../access/api-tokens.js";
import type { SlackMessage } from "../gateway.js";
import { escaped, mentionUser, slackDate } from "./text.js";

const revokeHint = (name: string) => `\`/incident api-token revoke ${name}\``;

/** The token in clear, this once, ephemeral to the admin who asked. */
export function apiTokenCreated(row: ApiToken, token: string): SlackMessage {
  return {
    text: [
      `:key: API token *${row.name}* created for this workspace. Copy it now: it is shown only this once and stored only as a hash.`,
      "```" + token + "```",
      `Send it as \`Authorization: Bearer <token>\` to the REST API under \`/api/v1\` (the README shows each endpoint). What it does shows in Slack as API token ‘${row.name}’. ${revokeHint(row.name)} revokes it.`,
    ].join("\n"),
  };
}

export function apiTokenList(tokens: ApiToken[]): SlackMessage {
  if (tokens.length === 0) return { text: "No API tokens in this workspace. `/incident api-token create <name>` creates one." };
  const lines = tokens.map(
    (t) => `• *${t.name}*, created by ${mentionUser(t.createdBy)} ${slackDate(t.createdAt)}, ${t.lastUsedAt ? `last used ${slackDate(t.lastUsedAt)}` : "never used"}`,
  );
  return { text: [`*API tokens* (${tokens.length})`, ...lines, `${revokeHint("<name>")} revokes one.`].join("\n") };
}

export const apiTokenRevoked = (row: ApiToken): string => `Revoked API token *${row.name}*: from now on it opens nothing. What it did stays on the timelines.`;

export function apiTokenRefusalText(refusal: ApiTokenRefusal): string {
  switch (refusal.code) {
    case "no_admins":
      return "Only incident admins can manage API tokens, and none are set: ask whoever runs Warroom to put your Slack user ID in INCIDENT_ADMINS.";
    case "not_admin":
      return "Only incident admins (INCIDENT_ADMINS) can manage API tokens. Ask one of them.";
    case "bad_name":
      return `${refusal.message} For example: \`/incident api-token create deploy-bot\`.`;
    case "name_taken":
      return `There is already a live API token named *${escaped(refusal.name, 40)}*. Pick another name, or revoke it first (${revokeHint(refusal.name)}).`;
    case "no_such_token":
      return `There is no live API token named *${escaped(refusal.name, 40)}*. \`/incident api-token list\` shows them.`;
  }
}

export const apiTokenUsage =
  "`/incident api-token create <name>` creates a REST API token (shown once), `/incident api-token list` lists them, `/incident api-token revoke <name>` revokes one. Incident admins only.";
