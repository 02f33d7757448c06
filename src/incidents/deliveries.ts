// What the domain asks its surfaces to deliver once a change commits. Outbox items *name* the delivery and the
// fact or incident it is about; the surface that owns the kind renders it from the incident's current state at
// delivery time. Nothing here is a rendered message.
import type { NewOutboxItem } from "../outbox/outbox.js";
import { severities, type Severity } from "./lifecycle.js";

export const Deliveries = {
  // Setting up the war room, in the order Slack must see it.
  createChannel: "war_room.create_channel",
  inviteResponders: "war_room.invite_responders",
  tellDeclarer: "war_room.tell_declarer",
  setTopic: "war_room.set_topic",
  postCard: "war_room.post_card",
  pinCard: "war_room.pin_card",
  announce: "war_room.announce",
  // The incident's live views; repeated requests coalesce into one refresh.
  refreshCard: "war_room.refresh_card",
  refreshTopic: "war_room.refresh_topic",
  /** The checklist message (src/playbooks/): posted once, then edited in place like the card. */
  refreshChecklist: "war_room.refresh_checklist",
  // Alerts that fired or resolved since the war room was last told, said in one line (coalesced like a refresh).
  alertLines: "war_room.alert_lines",
  // Facts told to people.
  warRoomLine: "war_room.fact",
  announcementLine: "announcement.fact",
  /** An executive summary, told in EXEC_CHANNEL (else the announcement channel). */
  executiveLine: "executive.fact",
  invite: "war_room.invite",
  directMessage: "person.direct_message",
  // The war room's own lifecycle.
  archive: "war_room.archive",
  continueWarRoom: "war_room.continue",
  /** The thread an incident was declared from (a message shortcut): its messages onto the timeline. */
  importThread: "incident.import_thread",
  /** Tell the world outside Slack (PagerDuty, webhooks: whoever listens) about the fact. */
  tellOutside: "outside.fact",
} as const;

type DeliveryKind = (typeof Deliveries)[keyof typeof Deliveries];

/**
 * The facts of an incident's life that the outside world hears about, whatever the action that recorded them:
 * recordFact names the delivery itself, so no action can forget it. A drill's facts are never told outside
 * (no PagerDuty event, no webhook): see toldOutside.
 */
export const factsToldOutside: ReadonlySet<string> = new Set([
  "declared",
  "acknowledged",
  "status_changed",
  "severity_changed",
  "update_posted",
  "resolved",
  "closed",
  "reopened",
  "postmortem_published",
]);

/** Whether the outside world hears of this fact of this incident. */
export const toldOutside = (incident: { isDrill?: boolean }, factType: string): boolean => !incident.isDrill && factsToldOutside.has(factType);

/**
 * The lane of the outside world's deliveries: they never wait for Slack's steps, and Slack's never wait for them.
 * Each listening surface (see src/outside/) then delivers in a lane of its own.
 */
export const OUTSIDE_LANE = "outside";

/** The lane of the thread import: a thread Slack will not let the bot read never holds up the war room. */
export const IMPORT_LANE = "import";

/** One item per fact told outside; the surfaces that listen decide, when it is delivered, what it means to them. */
export function outsideDelivery(about: { teamId: string; id: number }, entryId: number): NewOutboxItem {
  return { teamId: about.teamId, incidentId: about.id, kind: Deliveries.tellOutside, idempotencyKey: `entry:${entryId}:outside`, payload: { entryId }, lane: OUTSIDE_LANE };
}

/** The setup steps a new incident's war room goes through. */
export const warRoomSetupSteps = [
  Deliveries.createChannel,
  Deliveries.inviteResponders,
  Deliveries.tellDeclarer,
  Deliveries.setTopic,
  Deliveries.postCard,
  Deliveries.pinCard,
  Deliveries.announce,
] as const;

/**
 * Setup steps nothing after them needs (the declarer's link, the topic, the pin): while Slack is slow to take one,
 * or it waits for its turn at Slack's rate limits, the card and the announcement go ahead of it after this long
 * instead of queueing behind it. Quick ones keep their order.
 */
const courtesySteps = new Set<DeliveryKind>([Deliveries.tellDeclarer, Deliveries.setTopic, Deliveries.pinCard]);
const COURTESY_HOLDS_UP_MS = 3000;

/** How long a setup step holds up the steps after it (undefined: until it is done). */
export const setupStepHoldsUpMs = (kind: DeliveryKind): number | undefined => (courtesySteps.has(kind) ? COURTESY_HOLDS_UP_MS : undefined);

/** What a direct message to a person is about; the DM is worded when it is delivered. */
export type DmSubject =
  /** The fact (a role assignment) says which role and who assigned it. */
  | { kind: "role_assigned" }
  /** The fact (paged / escalated) says which level. */
  | { kind: "paged" }
  | { kind: "action_item"; itemId: number; ownerDeactivated?: string }
  | { kind: "action_item_overdue"; itemId: number }
  | { kind: "overdue_digest"; day: string }
  | { kind: "postmortem_not_drafted" }
  | { kind: "postmortem_stale_draft" }
  /** The fact (postmortem_in_review) says who asked; the commander publishes. */
  | { kind: "postmortem_review" }
  /** A Slack step gave up for good: its failure, told to the commander. */
  | { kind: "delivery_failed"; what: string; error: string };

export type Effect =
  | { kind: "card" }
  | { kind: "topic" }
  /** Tell the war room about the fact. */
  | { kind: "war_room" }
  /** Tell the announcement channel about the fact. */
  | { kind: "announce" }
  /** Tell the executives (EXEC_CHANNEL) about the fact. */
  | { kind: "executive" }
  | { kind: "invite"; userId: string }
  | { kind: "dm"; userId: string; about: DmSubject }
  /** Refresh the card and topic one last time, then archive the channel. */
  | { kind: "archive" }
  /** A closed incident came back: its archived channel stays as history and a new one continues it. */
  | { kind: "continue_war_room" }
  /** Tell the war room about the alerts that fired or resolved since it was last told (one line for many). */
  | { kind: "alert_lines" }
  /** Show the incident's checklist as it is now (posted the first time, edited after). */
  | { kind: "checklist" };

/** Effects that reach into the war room itself: a line there, an invitation, the card, the topic. */
const inTheWarRoom = new Set<Effect["kind"]>(["war_room", "invite", "card", "topic", "checklist"]);

/**
 * What a fact can still reach. A closed incident's war room is archived and Slack lets nobody post, edit or be
 * invited there, so a fact recorded after the close (a note, a late acknowledgement, a postmortem step) stays on
 * the timeline and reaches people only other ways (DMs, the announcement channel). The close itself is the
 * exception: its closing line is the room's last word, said before the archive it asks for. A drill is never
 * announced.
 */
export function reachableEffects(incident: { status: string; isDrill?: boolean }, effects: Effect[]): Effect[] {
  // A drill stays among the people who joined it: never a word in the announcement channel.
  if (incident.isDrill) effects = effects.filter((e) => e.kind !== "announce");
  if (incident.status !== "closed" || effects.some((e) => e.kind === "archive")) return effects;
  return effects.filter((e) => !inTheWarRoom.has(e.kind));
}

const deliveryOf: Record<Effect["kind"], DeliveryKind> = {
  card: Deliveries.refreshCard,
  topic: Deliveries.refreshTopic,
  war_room: Deliveries.warRoomLine,
  announce: Deliveries.announcementLine,
  executive: Deliveries.executiveLine,
  invite: Deliveries.invite,
  dm: Deliveries.directMessage,
  archive: Deliveries.archive,
  continue_war_room: Deliveries.continueWarRoom,
  alert_lines: Deliveries.alertLines,
  checklist: Deliveries.refreshChecklist,
};


/** Refreshes render the incident as it is when they run, so one pending refresh serves any number of changes. */
const coalesced = new Set<Effect["kind"]>(["card", "topic", "alert_lines", "checklist"]);

/** An incident's deliveries go in order of its severity when more is due than the outbox takes at once (SEV1 first). */
export const priorityOf = (incident: { severity?: Severity }): number => (incident.severity ? severities.indexOf(incident.severity) + 1 : 5);

/** What caused the deliveries: a timeline entry (the usual case), or a reminder with a key of its own. */
type Origin = { entryId: number } | { key: string };

/** A continued war room is set up like a new one: its people invited, topic set, a fresh card posted and pinned. */
const continuationSteps = [Deliveries.continueWarRoom, Deliveries.inviteResponders, Deliveries.setTopic, Deliveries.postCard, Deliveries.pinCard] as const;

/** `about` is the incident the deliveries concern; without an id (a weekly digest) they are not tied to one. */
export function deliveriesFor(about: { teamId: string; id?: number; severity?: Severity }, origin: Origin, effects: Effect[]): NewOutboxItem[] {
  const base = "entryId" in origin ? `entry:${origin.entryId}` : origin.key;
  const fact = "entryId" in origin ? { entryId: origin.entryId } : {};
  return effects.flatMap((effect, i): NewOutboxItem[] => {
    const { kind, ...rest } = effect;
    const item = { teamId: about.teamId, incidentId: about.id, priority: priorityOf(about) };
    if (kind === "continue_war_room") {
      return continuationSteps.map((step) => ({ ...item, kind: step, idempotencyKey: `${base}:${i}:${step}`, payload: fact, holdsUpMs: setupStepHoldsUpMs(step) }));
    }
    return [{ ...item, kind: deliveryOf[kind], idempotencyKey: `${base}:${i}:${kind}`, payload: { ...fact, ...rest }, coalesce: coalesced.has(kind) }];
  });
}
