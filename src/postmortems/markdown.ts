// The published postmortem as Markdown: summary, impact, generated timeline, root cause, reflections,
// action items and lessons, as they are when it is rendered. Pure: names of people are handed in, times are in UTC.
import { actorName, actorOf, isPerson } from "../timeline/actors.js";
import type { ActionItem, Incident, Postmortem, TimelineEntry } from "../db/schema.js";
import { humanDuration, incidentDurations, severityLabel, statusLabels } from "../incidents/lifecycle.js";
import { describeEntry } from "../timeline/describe.js";
import { phraseToPlain, type Names } from "../timeline/phrase.js";

/** Timeline entries worth reading in a postmortem; the bot's own setup steps are left out. */
const keyEventTypes = new Set([
  "declared",
  "paged",
  "escalated",
  "escalation_exhausted",
  "acknowledged",
  "responder_joined",
  "status_changed",
  "severity_changed",
  "role_assigned",
  "update_posted",
  "note",
  "message_captured",
  "sla_breached",
  "resolved",
  "reopened",
  "closed",
]);

export const isKeyEvent = (entry: TimelineEntry): boolean => keyEventTypes.has(entry.type);

export type { Names };

const utc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const person = (id: string | null | undefined, names: Names) => (id ? (isPerson(id) ? `@${names.get(id) ?? id}` : actorName(actorOf(id))) : "—");
const block = (text: string | undefined) => (text?.trim() ? text.trim() : "_Not written._");

export function postmortemMarkdown(input: {
  incident: Incident;
  postmortem: Postmortem;
  timeline: TimelineEntry[];
  actionItems: ActionItem[];
  names: Names;
}): string {
  const { incident, postmortem, timeline, actionItems, names } = input;
  const c = postmortem.content;
  const d = incidentDurations(incident);
  const dropped = new Set(c.droppedEntries ?? []);
  const events = timeline.filter((e) => isKeyEvent(e) && !dropped.has(e.id));
  const whys = (c.whys ?? []).map((w) => w.trim()).filter(Boolean);
  const lines: string[] = [
    `# Postmortem: #${incident.number} ${incident.title}`,
    "",
    `**Severity:** ${severityLabel(incident.severity)} · **Status:** ${statusLabels[incident.status]} · **Incident Commander:** ${person(incident.commanderId, names)}`,
    `**Declared:** ${utc(incident.declaredAt)}${incident.resolvedAt ? ` · **Resolved:** ${utc(incident.resolvedAt)}` : ""} · **Author:** ${person(postmortem.authorId, names)}`,
    "",
    "## Summary",
    "",
    block(c.summary),
    "",
    "## Impact",
    "",
    `- **Users affected:** ${c.usersAffected?.trim() || "—"}`,
    `- **Revenue:** ${c.revenueImpact?.trim() || "—"}`,
    `- **Services:** ${[incident.affectedServices.join(", "), c.servicesImpacted?.trim()].filter(Boolean).join("; ") || "—"}`,
    `- **Duration:** ${d.toResolve !== undefined ? humanDuration(d.toResolve) : "—"} (time to acknowledge ${d.toAcknowledge !== undefined ? humanDuration(d.toAcknowledge) : "—"}, to mitigate ${d.toMitigate !== undefined ? humanDuration(d.toMitigate) : "—"})`,
    "",
    "## Timeline (UTC)",
    "",
    ...(events.length
      ? events.map((e) => {
          const note = c.entryNotes?.[String(e.id)];
          return `- **${utc(e.occurredAt)}** ${person(e.actor, names)}: ${phraseToPlain(describeEntry(e), names)}${note ? ` _(${note.trim()})_` : ""}`;
        })
      : ["_No events._"]),
    "",
    "## Root cause",
    "",
    ...(whys.length ? whys.map((w, i) => `${i + 1}. Why? ${w}`) : ["_No 5-whys written._"]),
    ...(incident.rootCause ? ["", `**Root cause (at resolution):** ${incident.rootCause}`] : []),
    ...(incident.resolutionSummary ? [`**Resolution:** ${incident.resolutionSummary}`] : []),
    "",
    "## What went well",
    "",
    block(c.wentWell),
    "",
    "## What could be improved",
    "",
    block(c.couldImprove),
    "",
    "## Where we got lucky",
    "",
    block(c.lucky),
    "",
    "## Action items",
    "",
    ...(actionItems.length
      ? actionItems.map(
          (a) =>
            `- [${a.status === "done" ? "x" : " "}] ${a.description} — owner ${person(a.ownerId, names)}, due ${a.dueDate ?? "—"}, priority ${a.priority}${a.status === "wont_do" ? ` (won't do: ${a.wontDoReason ?? ""})` : ""}`,
        )
      : ["_None._"]),
    "",
    "## Lessons learned",
    "",
    block(c.lessons),
    "",
  ];
  return lines.join("\n");
}
