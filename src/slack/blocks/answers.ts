// What a person is told after asking for a change: done, or why not and what to do instead. The domain says
// why in structured refusals; the words (and the slash commands they point to) live here.
import type { Incident } from "../../db/schema.js";
import { checkTransition, humanDuration, isOpen, severityLabel, statusLabels, type Status } from "../../incidents/lifecycle.js";
import { whoMay } from "../../incidents/permissions.js";
import type { IncidentAction, MissingText, Refusal } from "../../incidents/refusals.js";
import { roleDefinitions, type Role } from "../../incidents/roles.js";
import { escaped, mentionUser } from "./text.js";

const actionWords: Record<IncidentAction, string> = {
  change_status: "change the status",
  change_severity: "change the severity",
  assign_roles: "assign roles",
  post_update: "post updates",
  resolve: "resolve the incident",
  close: "close the incident",
  reopen: "reopen the incident",
  edit_postmortem: "edit the postmortem",
  publish_postmortem: "publish the postmortem",
  waive_postmortem: "waive the postmortem",
  change_action_item: "change its action items",
};

const missingWords: Record<MissingText, string> = {
  note: "Add the note's text: `/incident note Rolled back deploy 4512`.",
  waive_reason: "Say why: `/incident postmortem waive Known flaky test, fixed in the same hour`.",
  wont_do_reason: "Say why it won't be done: `/incident action wontdo 7 Replaced by the new deploy pipeline`.",
  resolution_summary: "Add a resolution summary: what fixed it, and how you know.",
  comms_text: "Please fill in every required field of the update before posting it.",
};

const lower = (s: Status) => statusLabels[s].toLowerCase();
const orList = (words: string[]) => words.join(", ").replace(/, ([^,]*)$/, " or $1");

/** "the Incident Commander @alice, the declarer @bob or an incident admin" */
function whoMayText(incident: Incident, action: IncidentAction): string {
  const who = whoMay(incident, action === "post_update" || action === "edit_postmortem" ? "post_update" : "manage");
  const names = [`the Incident Commander ${mentionUser(who.commander)}`];
  if (who.declarer) names.push(`the declarer ${mentionUser(who.declarer)}`);
  if (who.roleHolders) names.push(action === "edit_postmortem" ? "the incident's role holders, the postmortem's author" : "the incident's role holders");
  if (action === "change_action_item") names.unshift("the item's owner or creator");
  names.push("an incident admin");
  return orList(names);
}

function transitionText(incident: Incident, to: Status, route: Parameters<typeof checkTransition>[2]): string {
  if (route === "close_in_error") return `Incident #${incident.number} is already closed as declared in error.`;
  const check = checkTransition(incident.status, to, route);
  if (check.ok) return "That move is allowed; please try again.";
  const canMoveTo = orList(check.canMoveTo.map(lower));
  switch (check.why) {
    case "already":
      return `The incident is already ${lower(to)}.${isOpen(incident.status) && canMoveTo ? ` It can move to ${canMoveTo}.` : ""}`;
    case "reopen_first":
      return `The incident is ${lower(incident.status)}; reopen it first (\`/incident reopen\`).`;
    case "resolve_route":
      return "Resolve with the Resolve button or `/incident resolve`: it asks for a resolution summary.";
    case "resolve_first":
      return "Only a resolved incident can be closed; resolve it first.";
    case "elsewhere":
      return `From ${lower(incident.status)} the incident can move to ${canMoveTo}.`;
  }
}

/** A refusal in words a person can act on (mrkdwn). */
export function refusalText(refusal: Refusal, now: Date): string {
  switch (refusal.code) {
    case "not_found":
      return "I can't find that incident any more.";
    case "not_allowed":
      return `Sorry, only ${whoMayText(refusal.incident, refusal.action)} can ${actionWords[refusal.action]} for incident #${refusal.incident.number}.`;
    case "transition":
      return transitionText(refusal.incident, refusal.to, refusal.route);
    case "closed":
      return `Incident #${refusal.incident.number} is closed; reopen it first (\`/incident reopen\`).`;
    case "already_resolved": {
      const i = refusal.incident;
      const by = i.resolvedAt ? ` by ${i.resolvedBy ? mentionUser(i.resolvedBy) : "someone"} ${humanDuration(now.getTime() - i.resolvedAt.getTime())} ago` : "";
      return `Incident #${i.number} was already resolved${by}.`;
    }
    case "still_open":
      return refusal.wanted === "reopen"
        ? `Incident #${refusal.incident.number} is still open (${lower(refusal.incident.status)}); there is nothing to reopen.`
        : `Incident #${refusal.incident.number} is still open; its postmortem starts once it is resolved.`;
    case "same_severity":
      return `Incident #${refusal.incident.number} is already ${severityLabel(refusal.severity)}.`;
    case "commander_required":
      return "An incident always needs an Incident Commander.";
    case "missing_text":
      return missingWords[refusal.what];
    case "too_long":
      return `That ${refusal.what} is too long: please keep it under ${refusal.max.toLocaleString("en")} characters.`;
    case "postmortem_published":
      return `The postmortem of incident #${refusal.incident.number} is published. \`/incident postmortem export #${refusal.incident.number}\` gives you its Markdown.`;
    case "postmortem_waived":
      return `The postmortem of incident #${refusal.incident.number} was waived: ${escaped(refusal.reason, 500)}`;
    case "postmortem_locked":
      return `The postmortem of incident #${refusal.incident.number} is ${refusal.status.replace("_", " ")} and can no longer be edited.`;
    case "postmortem_not_written":
      return `Write the postmortem first: \`/incident postmortem #${refusal.incident.number}\`.`;
    case "postmortem_needs_summary":
      return refusal.wanted === "review" ? "Add a summary before asking for review." : "Add a summary before publishing.";
    case "postmortem_required":
      return `A ${severityLabel(refusal.incident.severity)} incident needs a postmortem; it cannot be waived.`;
    case "postmortem_in_state":
      return `The postmortem is ${refusal.status.replace("_", " ")}.`;
    case "no_action_item":
      return `There is no action item ${refusal.itemId}. \`/incident actions mine\` lists yours.`;
    case "role_taken":
      return `${mentionUser(refusal.holder)} is already ${roleDefinitions[refusal.role].label} of incident #${refusal.incident.number}. Ask the commander (\`/incident role\`) if it should change hands.`;
    case "no_escalation_level":
      return refusal.why === "no_policy"
        ? `No escalation policy covers incident #${refusal.incident.number}, so there is nobody to page next. An admin can add one with \`/incident escalation policy\`; meanwhile, mention the people you need here.`
        : `Every level of the escalation policy of incident #${refusal.incident.number} has been paged already (level ${refusal.level} was the last). Mention the people you need here, or ask in the announcement channel.`;
  }
}

/** Why Slack would not open a form: its own error code, an HTTP status, rate limiting, or no answer in time. */
export type FormRefusal = { kind: "refused"; code: string } | { kind: "trouble"; status: number } | { kind: "busy" } | { kind: "timeout" };

/** Said so the person knows whether trying again helps; `retry` says how ("run the command again"). */
export function formRefusedText(refusal: FormRefusal, retry: string): string {
  switch (refusal.kind) {
    case "refused":
      // A trigger is good for 3 seconds and one form: past that, Slack's refusal is about time, not the form.
      if (refusal.code === "expired_trigger_id" || refusal.code === "exchanged_trigger_id") return `Slack did not let me open the form in time. Please ${retry}.`;
      return `Slack refused to open the form (\`${escaped(refusal.code.replace(/[^a-z0-9_]/gi, ""), 60)}\`). That is a bug on my side and has been logged; please ${retry}, or use the command's text form.`;
    case "trouble":
      return `Slack had trouble opening the form (HTTP ${refusal.status}). Please ${retry} in a moment.`;
    case "busy":
      return `Slack asked me to slow down, so the form did not open. Please ${retry} in a few seconds.`;
    case "timeout":
      return `Slack did not answer in time, so the form did not open. Please ${retry}.`;
  }
}

const ago = (ms: number) => `${humanDuration(ms)} ago`;

/** What a person is told when their change is done. */
export const replies = {
  acknowledged: (incident: Incident, outcome: { result: "acknowledged" } | { result: "already_yours"; agoMs: number } | { result: "also_responding"; firstBy: string; agoMs: number }) => {
    switch (outcome.result) {
      case "acknowledged":
        return `You acknowledged incident #${incident.number}: the war room knows you are on it.`;
      case "already_yours":
        return `You already acknowledged incident #${incident.number} ${ago(outcome.agoMs)}.`;
      case "also_responding":
        return `Already acknowledged by ${mentionUser(outcome.firstBy)} ${ago(outcome.agoMs)}. You're recorded as responding too.`;
    }
  },
  statusChanged: (incident: Incident) => `Incident #${incident.number} is now ${lower(incident.status)}.`,
  severityChanged: (incident: Incident) => `Incident #${incident.number} is now ${severityLabel(incident.severity)}.`,
  rolesAssigned: (incident: Incident, changed: Array<{ role: Role; holder: string | null }>) =>
    changed.length === 0
      ? "Nothing changed: those people already hold those roles."
      : `Roles updated for incident #${incident.number}. ${changed.map((c) => `${roleDefinitions[c.role].label}: ${c.holder ? mentionUser(c.holder) : "open"}`).join(", ")}.`,
  updatePosted: (shared: boolean, repeated?: boolean) => (repeated ? "That update was already posted." : shared ? "Update posted here and in the announcement channel." : "Update posted."),
  resolved: (incident: Incident) => `Incident #${incident.number} is resolved.`,
  closed: (incident: Incident) => `Incident #${incident.number} is closed; its channel is being archived.`,
  closedInError: (incident: Incident) =>
    `Incident #${incident.number} is closed as declared in error: it stays on record, left out of the metrics${incident.channelId ? ", and its channel is being archived" : ""}.`,
  reopened: (incident: Incident, from: Status) =>
    from === "closed"
      ? `Incident #${incident.number} is reopened and back to investigating. Its archived channel stays as history; the incident continues in a new channel with the same people.`
      : `Incident #${incident.number} is reopened and back to investigating.`,
  noted: (incident: Incident) => `Added to the timeline of incident #${incident.number}.`,
  captured: (incident: Incident, added: boolean) =>
    added ? `Added the message to the timeline of incident #${incident.number}.` : `That message is already in the timeline of incident #${incident.number}.`,
};

/** A click on a button the bot no longer has (an older version of a message): nothing happens, and the person is told. */
export const staleButtonText =
  "This button is from an older message and no longer does anything. Use the buttons on the incident's current card, or `/incident help` for what you can do.";

/** What a person is told when the bot takes longer than Slack waits (3 seconds) to answer them. */
export const lateAnswers = {
  /** The slash command's first answer, shown while the rest of its work goes on; the real answer follows. */
  working: "Working on it…",
  /** A form Slack closed before the bot had checked it, which it then refused: nothing was saved. */
  formRefused: (formTitle: string | undefined, problems: string[]) =>
    `Slack closed your ${formName(formTitle)} before I had finished checking it, and nothing was saved: ${problems.join(" ")} Please open the form again and submit it once more.`,
  /** A form Slack closed before the bot could show the next step (or what it made). */
  formNextStep: (formTitle: string | undefined) =>
    `Slack closed your ${formName(formTitle)} before I could show you what comes next. Open it again to see where things stand.`,
  /** A form whose handling failed after Slack had closed it. */
  formFailed: (formTitle: string | undefined, text: string) => `Slack closed your ${formName(formTitle)} before I had finished with it. ${text}`,
};

const formName = (title: string | undefined) => (title?.trim() ? `“${escaped(title.trim(), 100)}” form` : "form");
