// A Slack message added to the timeline (a :pushpin: reaction, the message shortcut) at its original time;
// the same message is only ever added once.
import { auditChange, incidentSubject } from "../audit/audit-log.js";
import type { Tx } from "../db/client.js";
import type { Incident } from "../db/schema.js";
import { makeStorable } from "../db/storable-text.js";
import type { IncidentContext, Outcome } from "./change.js";
import { incidentById, type IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { appendTimeline } from "../timeline/append.js";
import { cutMrkdwn } from "../timeline/phrase.js";

/** Longest message text kept on the timeline; Slack's own limit is 40,000 characters. */
export const CAPTURED_TEXT_MAX = 4000;

/** What a captured message's timeline entry is keyed by: the same message is captured once per incident. */
export const capturedSourceKey = (channelId: string, ts: string): string => `message:${channelId}:${ts}`;

export interface CapturedMessage {
  channelId: string;
  ts: string;
  authorId: string;
  /** The message's own mrkdwn, as Slack sent it. */
  text: string;
  permalink?: string;
}

export async function captureMessage(
  ctx: IncidentContext,
  ref: IncidentRef,
  capturedBy: string,
  message: CapturedMessage,
  how: "reaction" | "shortcut" | "thread",
): Promise<Outcome<{ added: boolean }>> {
  // The message comes from Slack's Web API, not from a request the receiver has already cleaned.
  message = { ...message };
  makeStorable(message);
  return ctx.db.transaction(async (tx) => {
    const incident = await incidentById(tx, ref.teamId, ref.incidentId);
    if (!incident) return refuse({ code: "not_found" });
    const entry = await appendCaptured(tx, incident, message, capturedBy, how);
    // The entry's actor is the message's author; the change is the capturer's.
    if (entry) await auditChange(tx, { teamId: incident.teamId, at: ctx.clock.now(), actor: capturedBy, action: "message_captured", subject: incidentSubject(incident), details: { entry: entry.id, how, channelId: message.channelId, ts: message.ts } });
    return { ok: true as const, incident, added: Boolean(entry) };
  });
}

/**
 * The messages of the thread an incident was declared from, onto its timeline at their original times (after it
 * was declared, by the outbox): one transaction, each message once however often the import runs.
 */
export async function captureThread(ctx: IncidentContext, ref: IncidentRef, importedBy: string, messages: CapturedMessage[]): Promise<Outcome<{ added: number }>> {
  messages = messages.map((m) => ({ ...m }));
  makeStorable(messages);
  return ctx.db.transaction(async (tx) => {
    const incident = await incidentById(tx, ref.teamId, ref.incidentId);
    if (!incident) return refuse({ code: "not_found" });
    let added = 0;
    for (const message of messages) {
      const entry = await appendCaptured(tx, incident, message, importedBy, "thread");
      if (entry) added += 1;
    }
    if (added) await auditChange(tx, { teamId: incident.teamId, at: ctx.clock.now(), actor: importedBy, action: "message_captured", subject: incidentSubject(incident), details: { how: "thread", messages: added } });
    return { ok: true as const, incident, added };
  });
}

/** The message's timeline entry, at the time it was posted and by its author; undefined when it is already there. */
function appendCaptured(tx: Tx, incident: Incident, message: CapturedMessage, capturedBy: string, how: "reaction" | "shortcut" | "thread") {
  return appendTimeline(tx, {
    teamId: incident.teamId,
    incidentId: incident.id,
    type: "message_captured",
    actor: message.authorId,
    occurredAt: new Date(Math.round(Number(message.ts) * 1000)),
    data: {
      text: cutMrkdwn(message.text, CAPTURED_TEXT_MAX),
      textFormat: "mrkdwn",
      channelId: message.channelId,
      ts: message.ts,
      permalink: message.permalink ?? null,
      capturedBy,
      how,
    },
    sourceKey: capturedSourceKey(message.channelId, message.ts),
  });
}
