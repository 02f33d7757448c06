// What each kind of timeline entry says, in neutral words every surface can render: the fact's type and data
// are the record; these words are derived from them, so a fact never stores a Slack message.
import type { TimelineEntry } from "../db/schema.js";
import { humanDuration, severityLabel, statusLabels, type Severity, type Status } from "../incidents/lifecycle.js";
import { roleDefinitions, type Role } from "../incidents/roles.js";
import { listed, type Phrase } from "./phrase.js";

type Entry = Pick<TimelineEntry, "type" | "data" | "text">;

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const people = (v: unknown): Phrase => listed(ids(v).map((u) => [{ user: u }]), "nobody");
/** Text a person wrote: in a form (plain) or through Slack (mrkdwn, kept as Slack sent it). */
const typed = (data: Record<string, unknown>, key: string): Phrase => {
  const text = str(data[key]).trim();
  if (!text) return [];
  return data[`${key}Format`] === "mrkdwn" ? [{ mrkdwn: text }] : [text];
};
const withText = (head: Phrase, text: Phrase): Phrase => (text.length ? [...head, ": ", ...text] : head);

function levelReach(data: Record<string, unknown>): Phrase {
  const reach = [...ids(data.users).map((u) => [{ user: u }]), ...ids(data.groups).map((g) => [{ group: g }])];
  return listed(reach, "nobody");
}

export function describeEntry(entry: Entry): Phrase {
  const d = entry.data as Record<string, unknown>;
  // Entries written before facts carried their own words hold ready-made Slack text.
  if (d.legacyMrkdwn) return [{ mrkdwn: entry.text }];
  switch (entry.type) {
    case "declared":
      return [`Declared ${severityLabel(d.severity as Severity)} incident${d.number ? ` #${d.number}` : ""}: ${str(d.title)}`];
    case "channel_created":
      return ["Opened the war room ", { channel: str(d.channelId) }];
    case "war_room_continued":
      return ["Opened ", { channel: str(d.channelId) }, " to continue the incident; ", { channel: str(d.previousChannelId) }, " stays archived as its history"];
    case "responders_invited":
      return ["Invited ", ...people(d.users)];
    case "declarer_notified":
      // An unconfirmed link is never sent again (a response_url cannot be checked): say so rather than claim it arrived.
      return ["Sent ", { user: str(d.userId) }, d.confirmed === false ? " the link to the war room (Slack did not confirm it arrived)" : " the link to the war room"];
    case "topic_set":
      return ["Set the channel topic"];
    case "card_posted":
      return ["Posted the incident card"];
    case "card_pinned":
      return ["Pinned the incident card"];
    case "announced":
      return ["Announced the incident in ", { channel: str(d.channelId) }];
    case "announcement_failed":
      return [`Could not announce the incident in #${str(d.channel).replace(/^#/, "")} (${str(d.error)})`];
    case "delivery_failed": {
      const attempts = Number(d.attempts ?? 0);
      const step = str(d.kind ?? d.what).replace(/[._]/g, " ");
      return [`Gave up on ${step || "a Slack step"} after ${attempts} attempt${attempts === 1 ? "" : "s"} (${str(d.error)})`];
    }
    case "paged":
      return [`Paged level ${Number(d.level)} (`, ...levelReach(d), ")"];
    case "escalated":
      return [`Escalated ${d.byHand ? "by hand " : ""}to level ${Number(d.level)} (`, ...levelReach(d), ")"];
    case "escalation_exhausted":
      return ["Nobody acknowledged after every escalation level"];
    case "sla_breached":
      return [`${d.sla === "acknowledge" ? "Acknowledgement" : "Resolution"} target missed (${str(d.target)})`];
    case "update_reminder":
      return [`Reminded after ${str(d.cadence) || `${Number(d.cadenceMinutes)}m`} without a status update`];
    case "stale_nudge":
      return [`No activity for ${Number(d.days ?? 7)} days`];
    case "unclaimed_roles_nudge":
      return [`Asked who takes ${ids(d.roles).map((r) => roleDefinitions[r as Role]?.label ?? r).join(", ")}`];
    case "no_progress_nudge":
      return [`No progress for ${humanDuration(Number(d.minutes ?? 0) * 60_000)}: suggested escalating`];
    case "nudge_snoozed":
      return [`Snoozed the ${d.nudge === "no_progress" ? "no-progress" : "unclaimed-roles"} nudge for ${Number(d.minutes ?? 0)} minutes`];
    case "acknowledged":
      return [`Acknowledged the incident after ${humanDuration(Number(d.afterMs ?? 0))}`];
    case "responder_joined":
      return ["Responding too (acknowledged first by ", { user: str(d.acknowledgedBy) }, ")"];
    case "status_changed":
      return withText([`Status ${statusLabels[d.from as Status]} → ${statusLabels[d.to as Status]}`], typed(d, "message"));
    case "severity_changed":
      return withText([`Severity ${severityLabel(d.from as Severity)} → ${severityLabel(d.to as Severity)}`], typed(d, "reason"));
    case "role_assigned": {
      const label = roleDefinitions[d.role as Role]?.label ?? "A role";
      return d.userId ? [{ user: str(d.userId) }, ` is ${label}`] : [`${label} left open`];
    }
    case "update_posted":
      return ["Update: ", ...typed(d, "impact"), " — ", ...typed(d, "currentAction")];
    case "comms_posted":
      return d.audience === "customer"
        ? withText([`Published to the status page (${str(d.state)})`], typed(d, "text"))
        : withText(["Executive summary"], typed(d, "impact"));
    case "resolved":
      return withText(["Resolved"], typed(d, "summary"));
    case "closed":
      if (d.reason === "declared_in_error") return d.from === "closed" ? ["Marked the incident as declared in error"] : ["Closed the incident as declared in error and archived the war room"];
      return ["Closed the incident and archived the war room"];
    case "reopened":
      return withText([`Reopened (was ${statusLabels[d.from as Status]?.toLowerCase() ?? "resolved"})`], typed(d, "reason"));
    case "note":
      return typed(d, "note");
    case "message_captured":
      // It follows its Slack original (incidents/captured-edits.ts); the words it had before stay in d.history.
      return d.deleted === true ? [...typed(d, "text"), " (deleted)"] : d.edited === true ? [...typed(d, "text"), " (edited)"] : typed(d, "text");
    case "captured_message_edited":
      return ["Edited a message on the timeline"];
    case "captured_message_deleted":
      return ["Deleted a message on the timeline"];
    case "postmortem_started":
      return ["Started the postmortem"];
    case "postmortem_saved":
      return [`Saved the postmortem's ${str(d.step)}`];
    case "postmortem_in_review":
      return ["Asked for review of the postmortem"];
    case "postmortem_published":
      return ["Published the postmortem"];
    case "postmortem_waived":
      return withText(["Waived the postmortem"], typed(d, "reason"));
    case "action_item_added":
      return ["Action item for ", { user: str(d.ownerId) }, ": ", str(d.description)];
    case "action_item_changed":
      return describeActionItemChange(d);
    case "playbook_attached":
      return [`Attached the playbook ${str(d.playbook)} (${Number(d.items ?? 0)} checklist item${Number(d.items) === 1 ? "" : "s"})`];
    case "task_added":
      return [`Added a checklist item (${str(d.phase)}): ${str(d.text)}`];
    case "task_done":
      return [`Ticked off (${str(d.phase)}): ${str(d.text)}`];
    case "task_reopened":
      return [`Un-ticked (${str(d.phase)}): ${str(d.text)}`];
    case "alerts_fired":
      return [`${alertCount(d.count)} fired: ${alertNames(d)}`];
    case "alerts_resolved": {
      const firing = Number(d.firing ?? 0);
      const standing = firing === 0 ? `all ${alertCount(d.total)} resolved` : `${firing} still firing`;
      return [`${alertCount(d.count)} resolved: ${alertNames(d)} (${standing})`];
    }
    case "replay_started":
      return [`Started replaying #${Number(d.fromNumber)} at ${Number(d.speed)}× (${Number(d.steps)} moments over ${humanDuration(Number(d.durationMs ?? 0))})`];
    case "replayed": {
      const original = (d.original ?? {}) as { type?: unknown; data?: unknown; text?: unknown };
      const said = describeEntry({ type: str(original.type), data: (original.data ?? {}) as Record<string, unknown>, text: str(original.text) });
      return [`Replayed from #${Number(d.fromNumber)} (+${humanDuration(Number(d.offsetMs ?? 0))}): `, ...said];
    }
    default:
      return [entry.type.replace(/_/g, " ")];
  }
}

const alertCount = (n: unknown): string => `${Number(n ?? 0)} alert${Number(n) === 1 ? "" : "s"}`;

/** "HighErrorRate (checkout), DiskFull and 3 more" from an alert fact's summaries. */
function alertNames(d: Record<string, unknown>): string {
  const named = (Array.isArray(d.alerts) ? d.alerts : []) as Array<{ name?: unknown; service?: unknown }>;
  const names = named.map((a) => `${str(a.name)}${a.service ? ` (${str(a.service)})` : ""}`);
  const more = Number(d.count ?? named.length) - named.length;
  if (more > 0) return `${names.join(", ")} and ${more} more`;
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "");
}

function describeActionItemChange(d: Record<string, unknown>): Phrase {
  const what = str(d.description);
  switch (d.change) {
    case "status":
      return [`Action item ${d.status === "done" ? "done" : d.status === "in_progress" ? "in progress" : "reopened"}: ${what}`];
    case "wont_do":
      return [`Action item won't be done: ${what} (${str(d.reason)})`];
    case "snooze":
      return [`Action item snoozed to ${str(d.dueDate)}: ${what}`];
    case "reassign":
      return d.ownerDeactivated
        ? ["Action item reassigned to the commander ", { user: str(d.ownerId) }, ": ", { user: str(d.ownerDeactivated) }, " is deactivated"]
        : ["Action item reassigned from ", { user: str(d.previousOwnerId) }, " to ", { user: str(d.ownerId) }];
    default:
      return [`Action item changed: ${what}`];
  }
}
