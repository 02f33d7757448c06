// Everything people do to a running incident: acknowledge, status, severity, roles, updates, resolve, close,
// reopen, notes and captured messages. Each change locks the incident row, checks who may do it and whether
// the lifecycle allows it, and commits the change, its timeline entry and its Slack side effects together.
import { and, eq } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { incidents, timelineEntries, type Incident, type TimelineEntry } from "../db/schema.js";
import { enqueue, type NewOutboxItem } from "../outbox/outbox.js";
import {
  acknowledgedLine,
  alsoRespondingLine,
  closingSummary,
  reopenedLine,
  resolvedLine,
  roleAssignedDm,
  roleLine,
  severityLine,
  sharedStatusMessage,
  statusLine,
  updateMessage,
  type UpdateContent,
} from "../slack/blocks/war-room-lines.js";
import { defuseBroadcasts, escapeText, mentionUser, truncate } from "../slack/blocks/text.js";
import { appendTimeline } from "../timeline/append.js";
import { checkTransition, humanDuration, severityLabel, statusLabels, type Severity, type Status } from "./lifecycle.js";
import { incidentById, lockIncident, type IncidentRef } from "./queries.js";

export type { IncidentRef };
import { roleDefinitions, roleHolder, roles, type Role } from "./roles.js";
import { outboxItemsFor, type Effect } from "./effects.js";
import { appendToSearch } from "./search.js";

export interface WarRoomContext {
  db: Db;
  clock: Clock;
  /** INCIDENT_ADMINS: may manage every incident. */
  admins: ReadonlySet<string>;
  /** Moves the incident's deadlines after a change (escalation, reminders, SLA); see clockwork.ts. */
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
}

/** What to tell the person who asked: done (perhaps already done by someone else), or refused and why. */
export type Outcome =
  | { ok: true; incident: Incident; reply?: string }
  | { ok: false; reason: string; refused?: "permission" | "transition" | "not_found" | "invalid" };

const refuse = (reason: string, refused: NonNullable<Extract<Outcome, { ok: false }>["refused"]>): Outcome => ({ ok: false, reason, refused });

// ---- who may do what ----

export type Permission = "manage" | "post_update";

export function mayDo(incident: Incident, userId: string, admins: ReadonlySet<string>, permission: Permission): boolean {
  if (admins.has(userId) || userId === incident.commanderId || userId === incident.declaredBy) return true;
  return permission === "post_update" && [incident.techLeadId, incident.commsLeadId, incident.scribeId].includes(userId);
}

export function whoMay(incident: Incident, permission: Permission): string {
  const names = [`the Incident Commander ${mentionUser(incident.commanderId)}`];
  if (incident.declaredBy !== incident.commanderId) names.push(`the declarer ${mentionUser(incident.declaredBy)}`);
  if (permission === "post_update") names.push("the incident's role holders");
  names.push("an incident admin");
  return names.join(", ").replace(/, ([^,]*)$/, " or $1");
}

const refusal = (incident: Incident, permission: Permission, what: string) =>
  refuse(`Sorry, only ${whoMay(incident, permission)} can ${what} for incident #${incident.number}.`, "permission");

// ---- the one way to change an incident ----

interface Change {
  values?: Partial<Incident> | Record<string, unknown>;
  /** sourceKey: what asked for the change (a modal submission); the same source changes the incident once. */
  entry: { type: string; text: string; data?: Record<string, unknown>; sourceKey?: string };
  effects?: (incident: Incident, entry: TimelineEntry) => NewOutboxItem[];
  reply?: string;
}

async function changeIncident(
  ctx: WarRoomContext,
  ref: IncidentRef,
  actorId: string,
  decide: (incident: Incident, now: Date) => Change | Outcome,
): Promise<Outcome> {
  return ctx.db.transaction(async (tx) => {
    const locked = await lockIncident(tx, ref);
    if (!locked) return refuse("I can't find that incident any more.", "not_found");
    const now = ctx.clock.now();
    const decision = decide(locked, now);
    if ("ok" in decision) return decision;
    if (decision.entry.sourceKey && (await timelineHasSource(tx, locked, decision.entry.sourceKey))) {
      return { ok: true, incident: locked, reply: "That was already done." };
    }
    const incident = await applyValues(tx, locked, { ...decision.values, updatedAt: now });
    const entry = await appendTimeline(tx, {
      teamId: incident.teamId,
      incidentId: incident.id,
      actor: actorId,
      occurredAt: now,
      ...decision.entry,
    });
    await enqueue(tx, ctx.clock, decision.effects?.(incident, entry!) ?? []);
    await ctx.replanClock?.(tx, incident);
    return { ok: true, incident, reply: decision.reply };
  });
}

async function timelineHasSource(tx: Tx, incident: Incident, sourceKey: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: timelineEntries.id })
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, incident.teamId), eq(timelineEntries.incidentId, incident.id), eq(timelineEntries.sourceKey, sourceKey)));
  return Boolean(row);
}

async function applyValues(tx: Tx, incident: Incident, values: Partial<Incident> | Record<string, unknown>): Promise<Incident> {
  const [updated] = await tx
    .update(incidents)
    .set(values)
    .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)))
    .returning();
  return updated!;
}

const line = (text: string): Effect => ({ kind: "line", message: { text } });

// ---- the changes ----

export function acknowledge(ctx: WarRoomContext, ref: IncidentRef, userId: string): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!incident.acknowledgedAt) {
      const after = now.getTime() - incident.declaredAt.getTime();
      return {
        values: { acknowledgedAt: now, acknowledgedBy: userId },
        entry: { type: "acknowledged", text: `Acknowledged the incident after ${humanDuration(after)}`, data: { afterMs: after } },
        effects: (i, e) => outboxItemsFor(i, e, [{ kind: "invite", userId }, { kind: "card" }, line(acknowledgedLine(userId, after))]),
        reply: `You acknowledged incident #${incident.number}: the war room knows you are on it.`,
      };
    }
    const first = incident.acknowledgedBy!;
    const ago = humanDuration(now.getTime() - incident.acknowledgedAt.getTime());
    if (first === userId) return { ok: true, incident, reply: `You already acknowledged incident #${incident.number} ${ago} ago.` };
    return {
      entry: { type: "responder_joined", text: `Responding too (acknowledged first by ${mentionUser(first)})`, data: { acknowledgedBy: first } },
      effects: (i, e) => outboxItemsFor(i, e, [{ kind: "invite", userId }, line(alsoRespondingLine(userId, first))]),
      reply: `Already acknowledged by ${mentionUser(first)} ${ago} ago. You're recorded as responding too.`,
    };
  });
}

/** A status change by a person shows someone is on it: it counts as the acknowledgement if there was none. */
function acknowledgedBy(incident: Incident, userId: string, now: Date): Partial<Incident> {
  return incident.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: userId };
}

function milestones(incident: Incident, to: Status, now: Date): Partial<Incident> {
  return {
    ...(to === "identified" && !incident.identifiedAt ? { identifiedAt: now } : {}),
    ...(to === "monitoring" && !incident.mitigatedAt ? { mitigatedAt: now } : {}),
  };
}

export function changeStatus(
  ctx: WarRoomContext,
  ref: IncidentRef,
  userId: string,
  change: { to: Status; message?: string; share?: boolean },
): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "change the status");
    const check = checkTransition(incident.status, change.to, "status");
    if (!check.ok) return refuse(check.reason, "transition");
    const from = incident.status;
    const message = change.message?.trim() || undefined;
    return {
      values: {
        status: change.to,
        lastUpdateAt: now,
        ...milestones(incident, change.to, now),
        ...acknowledgedBy(incident, userId, now),
        ...(message ? { searchExtra: appendToSearch(message) } : {}),
      },
      entry: {
        type: "status_changed",
        text: `Status ${statusLabels[from]} → ${statusLabels[change.to]}${message ? `: ${escapeText(truncate(message, 500))}` : ""}`,
        data: { from, to: change.to, message: message ?? null, shared: Boolean(change.share) },
      },
      effects: (i, e) =>
        outboxItemsFor(i, e, [
          { kind: "card" },
          { kind: "topic" },
          line(statusLine(userId, from, change.to, message)),
          ...(change.share ? [{ kind: "share" as const, message: sharedStatusMessage(i, userId, message) }] : []),
        ]),
      reply: `Incident #${incident.number} is now ${statusLabels[change.to].toLowerCase()}.`,
    };
  });
}

export function changeSeverity(ctx: WarRoomContext, ref: IncidentRef, userId: string, change: { to: Severity; reason: string }): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "change the severity");
    if (incident.status === "closed") return refuse(`Incident #${incident.number} is closed; reopen it first (\`/incident reopen\`).`, "transition");
    if (incident.severity === change.to) return refuse(`Incident #${incident.number} is already ${severityLabel(change.to)}.`, "invalid");
    const from = incident.severity;
    const reason = change.reason.trim();
    return {
      values: { severity: change.to },
      entry: {
        type: "severity_changed",
        text: `Severity ${severityLabel(from)} → ${severityLabel(change.to)}: ${escapeText(truncate(reason, 500))}`,
        data: { from, to: change.to, reason },
      },
      effects: (i, e) => outboxItemsFor(i, e, [{ kind: "card" }, { kind: "topic" }, line(severityLine(userId, from, change.to, reason))]),
      reply: `Incident #${incident.number} is now ${severityLabel(change.to)}.`,
    };
  });
}

/**
 * Assigns any of the four roles at once; unchanged roles are left alone. Each new holder is invited to the
 * war room and told by DM what the role expects. One timeline entry per changed role, all in one transaction.
 */
export async function assignRoles(
  ctx: WarRoomContext,
  ref: IncidentRef,
  userId: string,
  wanted: Partial<Record<Role, string | null>>,
): Promise<Outcome> {
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, ref);
    if (!incident) return refuse("I can't find that incident any more.", "not_found");
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "assign roles");
    if (incident.status === "closed") return refuse(`Incident #${incident.number} is closed; reopen it first (\`/incident reopen\`).`, "transition");
    const changed = roles.filter((role) => role in wanted && (wanted[role] ?? null) !== roleHolder(incident, role));
    if (wanted.commander === null) return refuse("An incident always needs an Incident Commander.", "invalid");
    if (changed.length === 0) return { ok: true as const, incident, reply: "Nothing changed: those people already hold those roles." };

    const now = ctx.clock.now();
    const values: Record<string, unknown> = { updatedAt: now };
    for (const role of changed) values[roleDefinitions[role].column] = wanted[role] ?? null;
    const updated = await applyValues(tx, incident, values);
    for (const role of changed) {
      const holder = wanted[role] ?? null;
      const previous = roleHolder(incident, role);
      const entry = await appendTimeline(tx, {
        teamId: incident.teamId,
        incidentId: incident.id,
        type: "role_assigned",
        actor: userId,
        occurredAt: now,
        text: holder ? `${mentionUser(holder)} is ${roleDefinitions[role].label}` : `${roleDefinitions[role].label} left open`,
        data: { role, userId: holder, previous },
      });
      const effects: Effect[] = [line(roleLine(userId, role, holder, previous))];
      if (holder) effects.unshift({ kind: "invite", userId: holder }, { kind: "dm", userId: holder, message: roleAssignedDm(updated, role, userId) });
      if (role === changed.at(-1)) effects.push({ kind: "card" }, ...(changed.includes("commander") ? [{ kind: "topic" as const }] : []));
      await enqueue(tx, ctx.clock, outboxItemsFor(updated, entry!, effects));
    }
    const summary = changed.map((r) => `${roleDefinitions[r].label}: ${wanted[r] ? mentionUser(wanted[r]!) : "open"}`).join(", ");
    return { ok: true as const, incident: updated, reply: `Roles updated for incident #${incident.number}. ${summary}.` };
  });
}

export function postUpdate(
  ctx: WarRoomContext,
  ref: IncidentRef,
  userId: string,
  update: UpdateContent & { share?: boolean; submissionKey?: string },
): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "post_update")) return refusal(incident, "post_update", "post updates");
    return {
      values: { lastUpdateAt: now, searchExtra: appendToSearch(`${update.impact} ${update.currentAction}`) },
      entry: {
        type: "update_posted",
        text: `Update: ${escapeText(truncate(update.impact.trim(), 300))} — ${escapeText(truncate(update.currentAction.trim(), 300))}`,
        data: { impact: update.impact, currentAction: update.currentAction, nextUpdate: update.nextUpdate ?? null, shared: Boolean(update.share) },
        sourceKey: update.submissionKey,
      },
      effects: (i, e) =>
        outboxItemsFor(i, e, [
          { kind: "line", message: updateMessage(i, userId, update, "war_room") },
          ...(update.share ? [{ kind: "share" as const, message: updateMessage(i, userId, update, "announcement") }] : []),
        ]),
      reply: update.share ? "Update posted here and in the announcement channel." : "Update posted.",
    };
  });
}

export function resolve(ctx: WarRoomContext, ref: IncidentRef, userId: string, resolution: { summary: string; rootCause?: string }): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "resolve the incident");
    if (incident.status === "resolved" || incident.status === "closed") {
      const by = incident.resolvedAt ? ` by ${resolverOf(incident)} ${humanDuration(now.getTime() - incident.resolvedAt.getTime())} ago` : "";
      return refuse(`Incident #${incident.number} was already resolved${by}.`, "transition");
    }
    const check = checkTransition(incident.status, "resolved", "resolve");
    if (!check.ok) return refuse(check.reason, "transition");
    const summary = resolution.summary.trim();
    const rootCause = resolution.rootCause?.trim() || null;
    return {
      values: {
        status: "resolved",
        resolvedAt: now,
        resolvedBy: userId,
        resolutionSummary: summary,
        rootCause,
        lastUpdateAt: now,
        ...(incident.mitigatedAt ? {} : { mitigatedAt: now }),
        ...acknowledgedBy(incident, userId, now),
      },
      entry: {
        type: "resolved",
        text: `Resolved: ${escapeText(truncate(summary, 500))}`,
        data: { from: incident.status, summary, rootCause },
      },
      effects: (i, e) =>
        outboxItemsFor(i, e, [
          { kind: "card" },
          { kind: "topic" },
          line(resolvedLine(i, userId)),
          { kind: "share", message: sharedStatusMessage(i, userId, summary) },
        ]),
      reply: `Incident #${incident.number} is resolved.`,
    };
  });
}

const resolverOf = (incident: Incident): string => (incident.resolvedBy ? mentionUser(incident.resolvedBy) : "someone");

export function close(ctx: WarRoomContext, ref: IncidentRef, userId: string): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "close the incident");
    const check = checkTransition(incident.status, "closed", "close");
    if (!check.ok) return refuse(check.reason, "transition");
    return {
      values: { status: "closed", closedAt: now },
      entry: { type: "closed", text: "Closed the incident and archived the war room", data: { from: incident.status } },
      effects: (i, e) => outboxItemsFor(i, e, [{ kind: "line", message: closingSummary(i, userId) }, { kind: "card" }, { kind: "topic" }, { kind: "archive" }]),
      reply: `Incident #${incident.number} is closed; its channel is being archived.`,
    };
  });
}

export function reopen(ctx: WarRoomContext, ref: IncidentRef, userId: string, reason: string): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refusal(incident, "manage", "reopen the incident");
    const check = checkTransition(incident.status, "investigating", "reopen");
    if (!check.ok) return refuse(`Incident #${incident.number} is still open (${statusLabels[incident.status].toLowerCase()}); there is nothing to reopen.`, "transition");
    const from = incident.status;
    const why = reason.trim();
    return {
      values: { status: "investigating", resolvedAt: null, resolvedBy: null, closedAt: null, lastUpdateAt: now },
      entry: {
        type: "reopened",
        text: `Reopened (was ${statusLabels[from].toLowerCase()})${why ? `: ${escapeText(truncate(why, 500))}` : ""}`,
        data: { from, reason: why || null },
      },
      effects: (i, e) =>
        outboxItemsFor(i, e, [
          ...(from === "closed" ? [{ kind: "unarchive" as const }] : []),
          { kind: "card" },
          { kind: "topic" },
          line(reopenedLine(userId, from, why)),
        ]),
      reply: `Incident #${incident.number} is reopened and back to investigating.`,
    };
  });
}

export function addNote(ctx: WarRoomContext, ref: IncidentRef, userId: string, note: string): Promise<Outcome> {
  return changeIncident(ctx, ref, userId, (incident) => {
    const text = note.trim();
    if (!text) return refuse("Add the note's text: `/incident note Rolled back deploy 4512`.", "invalid");
    return {
      entry: { type: "note", text: escapeText(truncate(text, 3000)), data: { note: text } },
      reply: `Added to the timeline of incident #${incident.number}.`,
    };
  });
}

export interface CapturedMessage {
  channelId: string;
  ts: string;
  authorId: string;
  /** The message's own mrkdwn, as Slack sent it; broadcasts in it are defused before it is stored. */
  text: string;
  permalink?: string;
}

/** A Slack message added to the timeline at its original time; the same message is only ever added once. */
export async function captureMessage(
  ctx: WarRoomContext,
  ref: IncidentRef,
  capturedBy: string,
  message: CapturedMessage,
  how: "reaction" | "shortcut",
): Promise<Outcome & { added?: boolean }> {
  return ctx.db.transaction(async (tx) => {
    const incident = await incidentById(tx, ref.teamId, ref.incidentId);
    if (!incident) return refuse("I can't find that incident any more.", "not_found");
    const entry = await appendTimeline(tx, {
      teamId: incident.teamId,
      incidentId: incident.id,
      type: "message_captured",
      actor: message.authorId,
      occurredAt: new Date(Math.round(Number(message.ts) * 1000)),
      text: defuseBroadcasts(truncate(message.text, 3000)),
      data: { channelId: message.channelId, ts: message.ts, permalink: message.permalink ?? null, capturedBy, how },
      sourceKey: `message:${message.channelId}:${message.ts}`,
    });
    return {
      ok: true as const,
      incident,
      added: Boolean(entry),
      reply: entry ? `Added the message to the timeline of incident #${incident.number}.` : `That message is already in the timeline of incident #${incident.number}.`,
    };
  });
}
