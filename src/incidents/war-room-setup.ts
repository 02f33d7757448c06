// What the surfaces report back as they set up and keep the war room: where its channel, card and announcement
// are, recorded on the incident with a fact of the bot's own, in the transaction that finishes the delivery.
import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Tx } from "../db/client.js";
import { databaseRefusal } from "../db/errors.js";
import { incidents, type Incident } from "../db/schema.js";
import { refreshHomesAfterFact } from "../home/refresh.js";
import { appendTimeline, BOT_ACTOR } from "../timeline/append.js";
import { recordFact } from "./change.js";
import type { Effect } from "./deliveries.js";

interface SetupStep {
  values?: Partial<Incident>;
  /** The bot's fact about the step; none for steps nobody needs to read about. */
  fact?: { type: string; data: Record<string, unknown> };
}

/** The channel a war-room step wanted is already another incident's war room (in this workspace or another). */
export class ChannelHeldElsewhere extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} is already another incident's war room`);
  }
}

/**
 * The unique index on incidents.channel_id is the last word on who owns a channel: a step that lost the race to
 * it gets a ChannelHeldElsewhere (its next attempt picks another channel), never a silent success.
 */
async function ownChannel<T>(channelId: string | null | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (channelId && violates(error, "incidents_channel_key")) throw new ChannelHeldElsewhere(channelId);
    throw error;
  }
}

function violates(error: unknown, constraint: string): boolean {
  const refusal = databaseRefusal(error, "23505");
  return Boolean(refusal && (refusal.constraint === constraint || refusal.message?.includes(constraint)));
}

export async function recordSetupStep(tx: Tx, clock: Clock, incident: Incident, step: SetupStep): Promise<void> {
  const now = clock.now();
  if (step.values) {
    await ownChannel(step.values.channelId, () =>
      tx
        .update(incidents)
        .set({ ...step.values, updatedAt: now })
        .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id))),
    );
  }
  if (!step.fact) return;
  const entry = await appendTimeline(tx, { teamId: incident.teamId, incidentId: incident.id, type: step.fact.type, actor: BOT_ACTOR, occurredAt: now, data: step.fact.data });
  // The war room's link appears on the App Home of the incident's people once the channel exists.
  if (entry) await refreshHomesAfterFact(tx, clock, incident, step.fact, entry.id);
}

/**
 * A reopened incident's new war room: the archived channel joins the incident's history, the new one becomes
 * its channel, and the card, topic and announcement are made again there.
 */
export async function recordWarRoomContinued(tx: Tx, clock: Clock, incident: Incident, channel: { id: string; name: string }, reopenedBy?: string): Promise<void> {
  const previous = incident.channelId;
  await ownChannel(channel.id, () =>
    tx
      .update(incidents)
      .set({
        channelId: channel.id,
        channelName: channel.name,
        previousChannelIds: previous ? sql`${incidents.previousChannelIds} || ${JSON.stringify([previous])}::jsonb` : incidents.previousChannelIds,
        summaryTs: null,
        updatedAt: clock.now(),
      })
      .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id))),
  );
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
