// Recording alerts as they arrive: one insert for a whole notification, before the sender is answered. A
// delivery that repeats an alert (same fingerprint, state and start) inserts nothing. Turning them into
// incidents happens right after, group by group (intake.ts), so a burst is answered as fast as it is stored.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { alerts, type AlertSource } from "../db/schema.js";
import type { IncomingAlert } from "./formats.js";

export interface Recorded {
  /** Alerts in the delivery. */
  received: number;
  /** Of those, new to us (the rest repeat what was already recorded). */
  recorded: number;
}

export async function recordAlerts(db: Db, clock: Clock, source: Pick<AlertSource, "id" | "teamId">, incoming: IncomingAlert[]): Promise<Recorded> {
  if (incoming.length === 0) return { received: 0, recorded: 0 };
  const now = clock.now();
  const starts = await startsOfUndated(db, source, incoming, now);
  const rows = incoming.map((alert, i) => ({
    teamId: source.teamId,
    sourceId: source.id,
    fingerprint: alert.fingerprint,
    status: alert.status,
    startsAt: alert.startsAt ?? starts[i]!,
    endsAt: alert.endsAt ?? (alert.status === "resolved" ? now : null),
    groupKey: alert.groupKey,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorUrl: alert.generatorUrl,
    raw: alert.raw,
    receivedAt: now,
  }));
  // One order for every delivery: two deliveries sharing alerts wait for each other on the same row first,
  // never on each other's rows crosswise (a deadlock).
  rows.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.startsAt.getTime() - b.startsAt.getTime() || (a.status < b.status ? -1 : 1)));
  const inserted = await db.insert(alerts).values(rows).onConflictDoNothing().returning({ id: alerts.id });
  return { received: incoming.length, recorded: inserted.length };
}

/**
 * A sender that does not say when an alert started (generic JSON without started_at) means the occurrence still
 * firing, if there is one: so a repeated "firing" changes nothing and "resolved" resolves it. Otherwise it starts now.
 */
async function startsOfUndated(db: Db, source: Pick<AlertSource, "id" | "teamId">, incoming: IncomingAlert[], now: Date): Promise<Array<Date | undefined>> {
  const undated = [...new Set(incoming.filter((a) => !a.startsAt).map((a) => a.fingerprint))];
  if (undated.length === 0) return [];
  const recent = await db
    .select({ fingerprint: alerts.fingerprint, status: alerts.status, startsAt: alerts.startsAt })
    .from(alerts)
    .where(and(eq(alerts.teamId, source.teamId), eq(alerts.sourceId, source.id), inArray(alerts.fingerprint, undated)))
    .orderBy(desc(alerts.startsAt));
  const stillFiring = new Map<string, Date>();
  for (const fingerprint of undated) {
    const latest = recent.filter((r) => r.fingerprint === fingerprint && r.startsAt.getTime() === recent.find((x) => x.fingerprint === fingerprint)?.startsAt.getTime());
    if (latest.length && latest.every((r) => r.status === "firing")) stillFiring.set(fingerprint, latest[0]!.startsAt);
  }
  return incoming.map((a) => (a.startsAt ? undefined : (stillFiring.get(a.fingerprint) ?? now)));
}
