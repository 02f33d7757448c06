// What /incident audit shows an admin: a page of the audit log, newest first, one line per entry (who, what, on
// what, done or refused, when), and the command that shows the entries before it.
import type { AuditEntry } from "../../db/schema.js";
import { actorOf } from "../../timeline/actors.js";
import { plainFromMrkdwn } from "../../timeline/phrase.js";
import type { SlackMessage } from "../gateway.js";
import { context, fallback, header, section } from "./kit.js";
import { escaped, mentionUser, slackDate } from "./text.js";

/** Words for the actions the log records; anything else reads as its name with spaces. */
const actionWords: Record<string, string> = {
  declared: "declared",
  acknowledged: "acknowledged",
  status_changed: "changed the status",
  severity_changed: "changed the severity",
  role_assigned: "assigned a role",
  escalated: "escalated",
  nudge_snoozed: "snoozed a nudge on",
  escalate: "escalate",
  update_posted: "posted an update",
  comms_posted: "posted comms (executive summary or status page)",
  note: "added a note",
  message_captured: "added a message to the timeline",
  captured_message_edited: "edited a message on the timeline",
  captured_message_deleted: "deleted a message on the timeline",
  alerts_fired: "reported alerts firing",
  alerts_resolved: "reported alerts resolved",
  postmortem_started: "started the postmortem",
  postmortem_saved: "saved the postmortem",
  postmortem_in_review: "put the postmortem in review",
  postmortem_published: "published the postmortem",
  postmortem_waived: "waived the postmortem",
  action_item_added: "added an action item",
  action_item_changed: "changed an action item",
  resolved: "resolved",
  closed: "closed",
  reopened: "reopened",
  change_status: "change the status",
  change_severity: "change the severity",
  assign_roles: "assign roles",
  post_update: "post an update",
  resolve: "resolve",
  close: "close",
  reopen: "reopen",
  api_request: "call the REST API",
  alert_webhook: "send alerts",
  audit_read: "read the audit log",
  schedule_created: "created",
  schedule_changed: "changed",
  cover_added: "added",
  cover_removed: "removed",
  escalation_policy_created: "created",
  escalation_policy_changed: "changed",
  api_token_created: "created",
  api_token_revoked: "revoked",
  alert_source_added: "added",
  alert_source_token_rotated: "rotated the token of",
  schedule_save: "change on-call schedules",
  cover_add: "add a cover",
  cover_remove: "remove a cover",
  escalation_policy_save: "change escalation policies",
  alert_source_add: "add an alert source",
  alert_source_rotate_token: "rotate an alert source's token",
  api_token_create: "create an API token",
  api_token_list: "list API tokens",
  api_token_revoke: "revoke an API token",
};

const words = (action: string) => actionWords[action] ?? action.replace(/_/g, " ");

function who(stored: string): string {
  const actor = actorOf(stored);
  // Id 0: a token that opens nothing (audit/audit-log.ts unknownCaller).
  if (actor.kind === "integration" && actor.id === 0) return actor.integration === "api_token" ? "An unrecognised API token" : "An unrecognised alert sender";
  return mentionUser(stored);
}

function subject(entry: AuditEntry): string {
  const name = entry.subjectName ? `‘${escaped(entry.subjectName, 80)}’` : "";
  switch (entry.subjectKind) {
    case "incident":
      return entry.incidentNumber ? `incident #${entry.incidentNumber}` : "an incident that was not found";
    case "schedule":
      return `schedule ${name}`;
    case "cover":
      return entry.subjectName ? `a cover on ${name}` : "a cover";
    case "escalation_policy":
      return `escalation policy ${name}`;
    case "api_token":
      return name ? `API token ${name}` : "API tokens";
    case "alert_source":
      return `alert source ${name}`;
    case "playbook":
      return `playbook ${name}`;
    case "action_item":
      return `action item ${entry.subjectId ?? ""}`.trim();
    case "endpoint":
    case "command":
      return `\`${escaped(entry.subjectName ?? "", 80)}\``;
    default:
      return escaped(entry.subjectKind, 40);
  }
}

/**
 * A few plain values of the details, enough to tell changes apart (`from: investigating, to: monitoring`). A value
 * kept as Slack sent it (its `<key>Format` says mrkdwn) is read back to plain words first, then escaped like the rest.
 */
function detailText(details: Record<string, unknown>): string {
  const shown = Object.entries(details)
    .filter(([key, value]) => key !== "entry" && !key.endsWith("Format") && (typeof value === "string" || typeof value === "number" || typeof value === "boolean"))
    .slice(0, 4)
    .map(([key, value]) => {
      const plain = details[`${key}Format`] === "mrkdwn" ? plainFromMrkdwn(String(value)) : String(value);
      return `${escaped(key, 30)}: ${escaped(plain, 60)}`;
    });
  return shown.length ? ` _(${shown.join(", ")})_` : "";
}

export function auditLine(entry: AuditEntry): string {
  const when = slackDate(entry.at);
  if (entry.result === "refused") {
    return `:no_entry: ${when} · ${who(entry.actor)} was refused: ${words(entry.action)} on ${subject(entry)} — ${escaped((entry.reason ?? "").replace(/_/g, " "), 60)}${detailText(entry.details)}`;
  }
  return `:white_check_mark: ${when} · ${who(entry.actor)} ${words(entry.action)} · ${subject(entry)}${detailText(entry.details)}`;
}

/** A page of the log, one section per entry (at most 50 per page keeps within Slack's 50 blocks with the header). */
export function auditPage(entries: AuditEntry[], options: { incidentNumber?: number; olderFrom?: number; continued: boolean }): SlackMessage {
  const scope = options.incidentNumber ? `incident #${options.incidentNumber}` : "this workspace";
  const title = `Audit log of ${scope}`;
  const target = options.incidentNumber ? ` #${options.incidentNumber}` : "";
  if (entries.length === 0) {
    const none = options.continued ? `No older entries in the audit log of ${scope}.` : `The audit log of ${scope} is empty.`;
    return { text: none };
  }
  const older = options.olderFrom
    ? `Older entries: \`/incident audit${target} before:${options.olderFrom}\``
    : "That is the oldest entry kept.";
  return {
    text: fallback(`${title}, newest first: ${entries.length} entries.`),
    blocks: [
      header(`${title}${options.continued ? " (older)" : ""}`),
      context("Newest first. Every change a person or an integration made, and every refusal."),
      ...entries.map((entry) => section(auditLine(entry))),
      context(older),
    ].slice(0, 50),
  };
}

export function auditRefusalText(code: "no_admins" | "not_admin"): string {
  return code === "no_admins"
    ? "Only incident admins can read the audit log, and none are set: ask whoever runs Warroom to put your Slack user ID in INCIDENT_ADMINS."
    : "Sorry, only incident admins (INCIDENT_ADMINS) can read the audit log. Ask one of them if you need to know who did what.";
}

export const auditUsage = "`/incident audit` shows the audit log, newest first; `/incident audit #12` shows one incident's. Add `before:<id>` for older entries.";
