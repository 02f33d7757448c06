// What the surfaces report back as they set up and keep the war room: where its channel, card and announcement
// are, recorded on the incident with a fact of the bot's own, in the transaction that finishes the delivery.
import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Tx } from "../db/client.js";
import { incidents, type Incident } from "../db/schema.js";
import { appendTimeline, BOT_ACTOR } from "../timeline/append.js";
import { recordFact } from "./change.js";
import type { Effect } from "./deliveries.js";

export interface SetupStep {
  values?: Partial<Incident>;
  /** The bot's fact about the step; none for steps nobody needs to read about. */
  fact?: { type: string; data: Record<string, unknown> };
}

export async function recordSetupStep(tx: Tx, clock: Clock, incident: Incident, step: SetupStep): Promise<void> {
  const now = clock.now();
  if (step.values) {
    await tx
      .update(incidents)
      .set({ ...step.values, updatedAt: now })
      .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
  }
  if (step.fact) await appendTimeline(tx, { teamId: incident.teamId, incidentId: incident.id, type: step.fact.type, actor: BOT_ACTOR, occurredAt: now, data: step.fact.data });
}

/**
 * A reopened incident's new war room: the archived channel joins the incident's history, the new one becomes
 * its channel, and the card, topic and announcement are made again there.
 */
export async function recordWarRoomContinued(tx: Tx, clock: Clock, incident: Incident, channel: { id: string; name: string }, reopenedBy?: string): Promise<void> {
  const previous = incident.channelId;
  await tx
    .update(incidents)
    .set({
      channelId: channel.id,
      channelName: channel.name,
      previousChannelIds: previous ? sql`${incidents.previousChannelIds} || ${JSON.stringify([previous])}::jsonb` : incidents.previousChannelIds,
      summaryTs: null,
      updatedAt: clock.now(),
    })
    .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
  const [current] = await tx.select().from(incidents).where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
  await recordFact(tx, clock, current!, BOT_ACTOR, {
    type: "war_room_continued",
    data: { channelId: channel.id, name: channel.name, previousChannelId: previous, reopenedBy: reopenedBy ?? null },
  });
}

/** A delivery that gave up for good is told to the incident's commander, and in the war room while it is open. */
export async function recordDeliveryFailed(tx: Tx, clock: Clock, incident: Incident, failed: { kind: string; error: string; attempts: number }, warRoomUsable: boolean): Promise<void> {
  const effects: Effect[] = [
    { kind: "dm", userId: incident.commanderId, about: { kind: "delivery_failed", what: failed.kind, error: failed.error } },
    { kind: warRoomUsable ? "war_room" : "announce" },
  ];
  await recordFact(tx, clock, incident, BOT_ACTOR, { type: "delivery_failed", data: failed, effects });
}
