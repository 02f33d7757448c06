// What the war room and the announcement channel are told about each fact, drawn when it is delivered from the
// fact (who, what, the words they typed) and the incident as it is now. Everything a person typed is escaped here.
import type { Incident, IncidentTask, Postmortem, TimelineEntry } from "../../db/schema.js";
import { openItemsLine } from "./checklist.js";
import { humanDuration, incidentDurations, isOpen, postmortemRequired, severities, severityLabel, statusLabels, type Severity, type Status } from "../../incidents/lifecycle.js";
import { roleDefinitions, type Role } from "../../incidents/roles.js";
import { describeEntry } from "../../timeline/describe.js";
import { phraseToPlain, type Names } from "../../timeline/phrase.js";
import type { SlackMessage } from "../gateway.js";
import { NUDGE_SNOOZE_MINUTES, unclaimedRoles } from "../../incidents/timers.js";
import { CommsActions, NudgeActions, WarRoomActions } from "../ids.js";
import { missingScopeAdvice } from "../scopes.js";
import { publicStateLabels, type PublicState } from "../../status-page/page.js";
import { incidentAnnouncement, incidentHeadline } from "./incident-card.js";
import { actions, button, context, fallback, section } from "./kit.js";
import { cutMrkdwn, escaped, mentionChannel, mentionGroup, mentionUser, phraseMrkdwn, quoted } from "./text.js";

/** What a fact's message may need beyond the fact and its incident. */
export interface FactContext {
  entry: TimelineEntry;
  incident: Incident;
  /** For postmortem facts: the postmortem as it is now. */
  postmortem?: Postmortem;
  /** For a replayed fact: the names of the people it mentions, shown as names (never mentions: nobody is pinged). */
  names?: Names;
  /** For a resolution: true when the incident is on the public status page (the all-clear is offered). */
  isPublic?: boolean;
  /** For the resolution: the incident's checklist as it is now (its open items are listed). */
  checklist?: Pick<IncidentTask, "phase" | "text" | "doneAt">[];
}

/** A war-room message to be posted as a person (their name and picture), for what they wrote themselves. */
interface WarRoomMessage extends SlackMessage {
  asPerson?: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
/** What a person typed into a form, quoted under the line. */
const typedQuote = (typed: unknown, max = 2500) => quoted(escaped(str(typed).trim(), max));
const room = (i: Pick<Incident, "channelId">) => (i.channelId ? ` · ${mentionChannel(i.channelId)}` : "");
const line = (text: string): WarRoomMessage => ({ text: fallback(text), blocks: [section(text)] });

/** The war room's message for a fact; undefined when the fact has nothing to say there. */
export function warRoomMessage({ entry, incident, postmortem, names, isPublic, checklist }: FactContext): WarRoomMessage | undefined {
  const d = entry.data as Record<string, unknown>;
  const by = mentionUser(entry.actor);
  switch (entry.type) {
    case "acknowledged":
      return line(`:eyes: ${by} acknowledged the incident, ${humanDuration(Number(d.afterMs ?? 0))} after it was declared.`);
    case "responder_joined":
      return line(`:raising_hand: ${by} is responding too (acknowledged first by ${mentionUser(str(d.acknowledgedBy))}).`);
    case "status_changed":
      return line(`:arrows_counterclockwise: ${by} changed the status from *${statusLabels[d.from as Status]}* to *${statusLabels[d.to as Status]}*.${typedQuote(d.message)}`);
    case "severity_changed": {
      const from = d.from as Severity;
      const to = d.to as Severity;
      const raised = severities.indexOf(to) < severities.indexOf(from);
      return line(`${raised ? ":arrow_up:" : ":arrow_down:"} ${by} ${raised ? "raised" : "lowered"} the severity from *${severityLabel(from)}* to *${severityLabel(to)}*.${typedQuote(d.reason)}`);
    }
    case "role_assigned":
      return line(roleLine(entry.actor, d.role as Role, (d.userId as string | null) ?? null, (d.previous as string | null) ?? null));
    case "update_posted":
      return updateMessage(incident, entry, "war_room");
    case "resolved": {
      const took = typeof d.toResolveMs === "number" ? ` after ${humanDuration(d.toResolveMs)}` : "";
      const needed = postmortemRequired(incident.severity) && !incident.isDrill ? `\n:memo: This was a ${severityLabel(incident.severity)}: a postmortem is required.` : "";
      const open = checklist ? openItemsLine(checklist) : undefined;
      const resolvedLine = line(`:white_check_mark: ${by} resolved the incident${took}.${typedQuote(d.summary)}${needed}${open ? `\n${open}` : ""}`);
      return isPublic ? allClearOffered(incident, resolvedLine) : resolvedLine;
    }
    case "comms_posted":
      return commsLine(entry);
    case "closed":
      if (d.reason === "declared_in_error") return inErrorClosing(incident, entry.actor);
      return closingSummary(incident, entry.actor);
    case "reopened":
      return line(`:leftwards_arrow_with_hook: ${by} reopened the incident (it was ${statusLabels[d.from as Status]?.toLowerCase() ?? "resolved"}).${typedQuote(d.reason)}`);
    case "note":
      // Said as the person who wrote it: their mentions notify, broadcasts stay defused.
      return { ...line(noteLine(phraseMrkdwn(describeEntry(entry)))), asPerson: entry.actor };
    case "paged":
    case "escalated":
      if (d.byHand) return line(`:rotating_light: ${by} escalated to level ${Number(d.level)} of the escalation policy: ${levelNames(list(d.users), list(d.groups))}.`);
      return line(pagedLine(Number(d.level), list(d.users), list(d.groups), entry.type === "escalated"));
    case "escalation_exhausted":
      return line(":sos: Every level of the escalation policy was paged and nobody acknowledged. I have asked the announcement channel for help.");
    case "sla_breached":
      return line(
        d.sla === "acknowledge"
          ? `:alarm_clock: Acknowledgement target missed: ${severityLabel(incident.severity)} incidents should be acknowledged within ${str(d.target)}.`
          : `:alarm_clock: Resolution target missed: ${severityLabel(incident.severity)} incidents should be resolved within ${str(d.target)}.`,
      );
    case "update_reminder":
      return updateReminder(incident, str(d.cadence) || `${Number(d.cadenceMinutes)}m`);
    case "stale_nudge":
      return staleNudge(incident, Number(d.days ?? 7));
    case "unclaimed_roles_nudge":
      return unclaimedRolesNudge(incident, list(d.roles) as Role[]);
    case "no_progress_nudge":
      return noProgressNudge(incident, Number(d.minutes ?? 0));
    case "postmortem_in_review":
      return line(`:mag: ${by} asked for review of the postmortem. Read it with \`/incident postmortem export #${incident.number}\`; the commander publishes it with \`/incident postmortem publish\`.`);
    case "postmortem_published":
      return postmortem ? postmortemPublished(incident, postmortem, entry.actor, "war_room") : undefined;
    case "postmortem_waived":
      return line(`:fast_forward: ${by} waived the postmortem: ${escaped(str(d.reason), 500)}`);
    case "delivery_failed":
      return line(deliveryFailedText(incident, d));
    case "replay_started":
      return line(
        `:film_projector: Replaying incident #${Number(d.fromNumber)} at ${Number(d.speed)}×: ${Number(d.steps)} moments over ${humanDuration(Number(d.durationMs ?? 0))}, shown here as they happened (marked _replay_). ` +
          "Respond as you would for real: acknowledge, set the status, post updates, resolve. Your own actions go on this drill's timeline; the replay stops when you resolve it.",
      );
    case "replayed":
      return replayedLine(d, names);
    default:
      return undefined;
  }
}

/** A war room hears a note as one short line; a long one is cut there and read whole on the timeline. */
const NOTE_LINE_MAX = 300;
function noteLine(note: string): string {
  const oneLine = note.replace(/\s*\n\s*/g, " ");
  if (oneLine === note && note.length <= NOTE_LINE_MAX) return note;
  return `${cutMrkdwn(oneLine, NOTE_LINE_MAX)} _(shortened here; the timeline keeps the whole note)_`;
}

/** "(replay #12 · 10:42 UTC · +4m) Status Investigating → Identified: …": what happened then, people named, nobody pinged. */
function replayedLine(d: Record<string, unknown>, names: Names = new Map()): WarRoomMessage {
  const original = (d.original ?? {}) as { type?: unknown; data?: unknown; text?: unknown; occurredAt?: unknown };
  const said = describeEntry({ type: str(original.type), data: (original.data ?? {}) as Record<string, unknown>, text: str(original.text) });
  const at = new Date(str(original.occurredAt));
  const time = Number.isNaN(at.getTime()) ? "" : ` · ${at.toISOString().slice(11, 16)} UTC`;
  const head = `:film_projector: _(replay #${Number(d.fromNumber)}${time} · +${humanDuration(Number(d.offsetMs ?? 0))})_ `;
  return line(`${head}${escaped(phraseToPlain(said, names), 2800)}`);
}

/** The people a replayed fact mentions, to name them. */
export function peopleInReplayed(entry: Pick<TimelineEntry, "type" | "data">): string[] {
  if (entry.type !== "replayed") return [];
  const original = ((entry.data as Record<string, unknown>).original ?? {}) as { type?: unknown; data?: unknown; text?: unknown };
  const said = describeEntry({ type: str(original.type), data: (original.data ?? {}) as Record<string, unknown>, text: str(original.text) });
  const mentioned = said.flatMap((part) => (typeof part === "object" && "user" in part ? [part.user] : typeof part === "object" && "mrkdwn" in part ? [...part.mrkdwn.matchAll(/<@([UW][A-Z0-9_]+)/g)].map((m) => m[1]!) : []));
  return [...new Set(mentioned)];
}

/** The announcement channel's message for a fact shared there; undefined when it has none. */
export function announcementMessage({ entry, incident, postmortem }: FactContext): SlackMessage | undefined {
  const d = entry.data as Record<string, unknown>;
  switch (entry.type) {
    case "status_changed":
      return sharedStatusMessage(incident, entry.actor, statusLabels[d.to as Status], d.message);
    case "resolved":
      return sharedStatusMessage(incident, entry.actor, statusLabels.resolved, d.summary);
    case "update_posted":
      return updateMessage(incident, entry, "announcement");
    case "escalation_exhausted":
      return escalationExhausted(incident);
    case "closed":
      return d.reason === "declared_in_error" ? sharedStatusMessage(incident, entry.actor, "Closed as declared in error", undefined) : undefined;
    case "postmortem_published":
      return postmortem ? postmortemPublished(incident, postmortem, entry.actor, "announcement") : undefined;
    case "delivery_failed":
      return { text: fallback(`${incidentHeadline(incident)}: ${deliveryFailedText(incident, d)}`), blocks: [section(incidentHeadline(incident)), section(deliveryFailedText(incident, d))] };
    default:
      return undefined;
  }
}

/** An incident whose new severity is announced in another channel: the announcement, saying how it got here. */
export function severityMoveAnnouncement(incident: Incident, entry: TimelineEntry): SlackMessage {
  const d = entry.data as Record<string, unknown>;
  const from = d.from as Severity;
  const raised = severities.indexOf(incident.severity) < severities.indexOf(from);
  const announced = incidentAnnouncement(incident);
  const how = `${raised ? ":arrow_up: Raised" : ":arrow_down: Lowered"} from *${severityLabel(from)}* to *${severityLabel(incident.severity)}* by ${mentionUser(entry.actor)}${typedQuote(d.reason, 500)}`;
  return {
    text: fallback(`Incident #${incident.number} is now ${severityLabel(incident.severity)}: ${escaped(incident.title, 150)}`),
    blocks: [
      section(`:rotating_light: *${severityLabel(incident.severity)}* incident\n${incidentHeadline(incident)}`),
      section(how),
      ...(announced.blocks ?? []).slice(1),
    ],
  };
}

function roleLine(userId: string, role: Role, holder: string | null, previous: string | null): string {
  const label = roleDefinitions[role].label;
  if (!holder) return `:bust_in_silhouette: ${mentionUser(userId)} left the ${label} role open${previous ? ` (was ${mentionUser(previous)})` : ""}.`;
  const was = previous ? `, taking over from ${mentionUser(previous)}` : "";
  return `:bust_in_silhouette: ${mentionUser(holder)} is now ${label}${was} (set by ${mentionUser(userId)}).`;
}

const levelNames = (users: string[], groups: string[]) => [...users.map(mentionUser), ...groups.map(mentionGroup)].join(", ") || "nobody";

function pagedLine(level: number, users: string[], groups: string[], escalated: boolean): string {
  return escalated
    ? `:rotating_light: Not acknowledged yet: escalated to level ${level} (${levelNames(users, groups)}).`
    : `:pager: Paged level ${level} of the escalation policy: ${levelNames(users, groups)}.`;
}

/** The last word of an incident that should never have been declared: no figures, since it is left out of them. */
function inErrorClosing(incident: Incident, userId: string): SlackMessage {
  return {
    text: `Incident #${incident.number} was closed as declared in error. This channel will be archived.`,
    blocks: [
      section(
        `:wastebasket: ${mentionUser(userId)} closed incident #${incident.number} as *declared in error*. It stays on record but is left out of the metrics; this channel is archived now.`,
      ),
    ],
  };
}

/** The last word in a war room before it is archived. */
function closingSummary(incident: Incident, userId: string): SlackMessage {
  const d = incidentDurations(incident);
  const figure = (label: string, ms: number | undefined) => `*${label}:* ${ms === undefined ? "—" : humanDuration(ms)}`;
  return {
    text: `Incident #${incident.number} is closed. This channel will be archived.`,
    blocks: [
      section(`:lock: ${mentionUser(userId)} closed incident #${incident.number}. This channel is archived now; everything in it is kept.`),
      section(
        [
          incidentHeadline(incident),
          `${figure("Time to acknowledge", d.toAcknowledge)} · ${figure("Time to mitigate", d.toMitigate)} · ${figure("Time to resolve", d.toResolve)}`,
          incident.resolutionSummary ? `*Resolution:* ${escaped(incident.resolutionSummary, 1500)}` : "",
          incident.rootCause ? `*Root cause:* ${escaped(incident.rootCause, 1000)}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      ),
    ],
  };
}

/** A comms template sent to another audience, in one line (the executive summary itself goes to the exec channel). */
function commsLine(entry: TimelineEntry): WarRoomMessage | undefined {
  const d = entry.data as Record<string, unknown>;
  if (d.audience === "customer") {
    const state = publicStateLabels[d.state as PublicState] ?? "Update";
    return line(`:globe_with_meridians: Published to the status page by ${mentionUser(entry.actor)} (*${state}*): ${escaped(str(d.text).trim(), 1500)}`);
  }
  if (d.audience === "executive") return line(`:briefcase: ${mentionUser(entry.actor)} sent an executive summary (business impact, ETA, asks) to the executives.`);
  return undefined;
}

/** A public incident's resolution: the status page still says it is ongoing until someone publishes the all-clear. */
function allClearOffered(incident: Incident, resolved: WarRoomMessage): WarRoomMessage {
  return {
    ...resolved,
    blocks: [
      ...(resolved.blocks ?? []),
      section(":globe_with_meridians: This incident is on the public status page, which still shows it as ongoing. The Comms Lead can publish the all-clear:"),
      actions([button("Publish the all-clear", CommsActions.customer, String(incident.id), "primary")]),
    ],
  };
}

/** The internal update template: Impact / Current action / Next update by. */
function updateMessage(incident: Incident, entry: TimelineEntry, where: "war_room" | "announcement"): SlackMessage {
  const d = entry.data as Record<string, unknown>;
  const head = `*Update on #${incident.number}* · ${severityLabel(incident.severity)} · ${statusLabels[incident.status]}`;
  const lines = [
    `*Impact:* ${escaped(str(d.impact).trim(), 1200)}`,
    `*Current action:* ${escaped(str(d.currentAction).trim(), 1200)}`,
    str(d.nextUpdate).trim() ? `*Next update by:* ${escaped(str(d.nextUpdate).trim(), 200)}` : "",
  ].filter(Boolean);
  return {
    text: fallback(`Update on incident #${incident.number}: ${escaped(str(d.impact).trim(), 200)}`),
    blocks: [
      section(where === "announcement" ? `${incidentHeadline(incident)}\n${head}` : `:loudspeaker: ${head}`),
      section(lines.join("\n")),
      context(`Posted by ${mentionUser(entry.actor)}${where === "announcement" ? room(incident) : ""}`),
    ],
  };
}

/** A status change or resolution told to the announcement channel. */
function sharedStatusMessage(incident: Incident, userId: string, status: string, message: unknown): SlackMessage {
  return {
    text: `Incident #${incident.number} is now ${status.toLowerCase()}`,
    blocks: [section(`${incidentHeadline(incident)}\n*${status}* · ${severityLabel(incident.severity)}${typedQuote(message, 1500)}`), context(`By ${mentionUser(userId)}${room(incident)}`)],
  };
}

function escalationExhausted(incident: Incident): SlackMessage {
  const where = incident.channelId ? mentionChannel(incident.channelId) : "its war room (being created)";
  return {
    text: `Nobody acknowledged incident #${incident.number} after every escalation level`,
    blocks: [
      section(`:sos: *Nobody has acknowledged this incident* after every level of its escalation policy.\n${incidentHeadline(incident)}`),
      section(`${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · declared by ${mentionUser(incident.declaredBy)} · ${where}. Can you help?`),
    ],
  };
}

function updateReminder(incident: Incident, cadence: string): SlackMessage {
  const who = [...new Set([incident.commanderId, incident.commsLeadId].filter((u): u is string => Boolean(u)))];
  return {
    text: `Time for a status update on incident #${incident.number}`,
    blocks: [
      section(`:hourglass_flowing_sand: ${who.map(mentionUser).join(", ")}: no status update for ${cadence}. ${severityLabel(incident.severity)} incidents get one every ${cadence}; please post where things stand.`),
      actions([button("Post update", WarRoomActions.postUpdate, String(incident.id), "primary")]),
    ],
  };
}

function staleNudge(incident: Incident, days: number): SlackMessage {
  return {
    text: `Incident #${incident.number} has had no activity for ${days} days`,
    blocks: [
      section(`:cobweb: ${mentionUser(incident.commanderId)}: nothing has happened on this incident for ${days} days. Is it still ${statusLabels[incident.status].toLowerCase()}? Post an update, or resolve it.`),
      actions([button("Post update", WarRoomActions.postUpdate, String(incident.id)), button("Resolve", WarRoomActions.resolve, String(incident.id))]),
    ],
  };
}

const snoozeLabel = `Snooze ${NUDGE_SNOOZE_MINUTES} min`;
const claimButtons: Partial<Record<Role, string>> = { comms_lead: NudgeActions.claimCommsLead, scribe: NudgeActions.claimScribe };

/**
 * The roles asked about that are still open when it is delivered (one claimed meanwhile is left out; none left:
 * nothing is said), with a button for each to take it, and a snooze.
 */
function unclaimedRolesNudge(incident: Incident, asked: Role[]): SlackMessage | undefined {
  const open = unclaimedRoles(incident).filter((role) => asked.includes(role) && claimButtons[role]);
  if (!isOpen(incident.status) || open.length === 0) return undefined;
  const names = open.map((role) => roleDefinitions[role].label);
  const named = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`;
  const id = String(incident.id);
  return {
    text: `Incident #${incident.number} still has nobody as ${names.join(" or ")}`,
    blocks: [
      section(`:busts_in_silhouette: Nobody has taken ${open.length === 1 ? "the" : "these"} ${named} role${open.length === 1 ? "" : "s"} yet. Can you?`),
      actions([...open.map((role) => button(`I'll take ${roleDefinitions[role].label}`, claimButtons[role]!, id)), button(snoozeLabel, NudgeActions.snoozeUnclaimedRoles, id)]),
    ],
  };
}

/** A SEV1 that has not moved: the stricter form of the update reminder, with the way to get help. */
function noProgressNudge(incident: Incident, minutes: number): SlackMessage | undefined {
  if (!isOpen(incident.status)) return undefined;
  const quiet = minutes < 60 ? `${minutes} minutes` : humanDuration(minutes * 60_000);
  const id = String(incident.id);
  return {
    text: `No progress on incident #${incident.number} for ${quiet}: consider escalating`,
    blocks: [
      section(`:turtle: No progress for ${quiet}: consider escalating. ${mentionUser(incident.commanderId)}, no status change or update has been posted since; *Escalate* pages the next level of the escalation policy.`),
      actions([button("Escalate", NudgeActions.escalate, id, "danger"), button("Post update", WarRoomActions.postUpdate, id), button(snoozeLabel, NudgeActions.snoozeNoProgress, id)]),
    ],
  };
}

function postmortemPublished(incident: Incident, pm: Postmortem, userId: string, where: "war_room" | "announcement"): SlackMessage {
  const summary = escaped(pm.content.summary?.trim() ?? "", 1500);
  const lessons = pm.content.lessons?.trim() ? `\n*Lessons:* ${escaped(pm.content.lessons.trim(), 800)}` : "";
  return {
    text: `Postmortem published for incident #${incident.number}`,
    blocks: [
      section(`:memo: *Postmortem published* by ${mentionUser(userId)}${where === "announcement" ? room(incident) : ""}\n${incidentHeadline(incident)}`),
      section(`${summary}${lessons}`),
      context(`The whole postmortem: \`/incident postmortem export #${incident.number}\``),
    ],
  };
}

/** What a Slack step that gave up was trying to do, in words. */
const stepWords: Record<string, string> = {
  "war_room.create_channel": "create the war-room channel",
  "war_room.invite_responders": "invite the responders",
  "war_room.tell_declarer": "send the declarer the link",
  "war_room.set_topic": "set the channel topic",
  "war_room.post_card": "post the incident card",
  "war_room.pin_card": "pin the incident card",
  "war_room.announce": "announce the incident",
  "war_room.refresh_card": "update the incident card",
  "war_room.refresh_topic": "update the channel topic",
  "war_room.fact": "post an update in the war room",
  "war_room.alert_lines": "tell the war room about its alerts",
  "announcement.fact": "post in the announcement channel",
  "executive.fact": "post the executive summary",
  "war_room.invite": "invite someone to the war room",
  "person.direct_message": "send a direct message",
  "war_room.archive": "archive the war room",
  "war_room.continue": "open a new war room for the reopened incident",
  "pagerduty.event": "tell PagerDuty",
  "webhook.delivery": "send a webhook",
};

/** Steps outside Slack: who answered them, and how a give-up is headed. Everything else is a Slack step. */
const outsideSteps: Record<string, { who: string; headline: string }> = {
  "pagerduty.event": { who: "PagerDuty", headline: "Telling PagerDuty failed" },
  "webhook.delivery": { who: "the receiver", headline: "A webhook failed" },
};

/** The one-line headline of a give-up (a DM's notification text). */
export function deliveryFailedHeadline(incident: Pick<Incident, "number">, kind: string): string {
  return `${outsideSteps[kind]?.headline ?? "A Slack step failed"} for incident #${incident.number}`;
}

export function deliveryFailedText(incident: Pick<Incident, "number">, d: Record<string, unknown>): string {
  const what = stepWords[str(d.kind)] ?? "finish a Slack step";
  const who = outsideSteps[str(d.kind)]?.who ?? "Slack";
  // Slack's missing_scope (with the scope it lacked, see gateway.ts): no retry or hand can mend it, a reinstall does.
  const scope = outsideSteps[str(d.kind)] ? undefined : /^missing_scope(?:: (.+))?$/.exec(str(d.error));
  if (scope) {
    const advice = scope[1] ? missingScopeAdvice(scope[1]) : "reinstall the app with the scopes manifest.yml lists (npm run doctor names the missing ones)";
    return `:warning: I could not ${what} for incident #${incident.number}: Slack answered \`missing_scope\` and I have stopped retrying. Please ask an admin to ${escaped(advice, 500)}.`;
  }
  return `:warning: I could not ${what} for incident #${incident.number}: ${who} answered \`${escaped(str(d.error), 300)}\` and I have stopped retrying. Please do it by hand, or ask an admin to look at the bot's log.`;
}
