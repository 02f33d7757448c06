// Recording alerts as they arrive: one insert for a whole notification, before the sender is answered. A
// delivery that repeats an alert (same fingerprint, state and start) inserts nothing. Turning them into
// incidents happens right after, group by group (intake.ts), so a burst is answered as fast as it is stored.
// The insert itself confirms that the source still holds the token the sender presented, so the source a token
// opened can be remembered between deliveries (sources.ts) and a rotated token still stops working at once.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { databaseRefusal } from "../db/errors.js";
import { alerts, alertSources, type AlertSource } from "../db/schema.js";
import type { IncomingAlert } from "./formats.js";

export interface Recorded {
  /** Alerts in the delivery. */
  received: number;
  /** Of those, new to us (the rest repeat what was already recorded). */
  recorded: number;
}

/** The source as its sender's token opened it: the insert checks that it still holds that token. */
export type OpenedSource = Pick<AlertSource, "id" | "teamId" | "tokenHash">;

/** What was recorded; undefined when the source no longer holds the token (rotated since it opened it): nothing is. */
export async function recordAlerts(db: Db, clock: Clock, source: OpenedSource, incoming: IncomingAlert[]): Promise<Recorded | undefined> {
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
  if (rows.length === 1) return recordOneAlert(db, source, rows[0]!);
  // One order for every delivery: two deliveries sharing alerts wait for each other on the same row first,
  // never on each other's rows crosswise (a deadlock).
  rows.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.startsAt.getTime() - b.startsAt.getTime() || (a.status < b.status ? -1 : 1)));
  return db.transaction(async (tx) => {
    // Held until the alerts are in: a rotation waits for them, or they for it and are refused.
    const [held] = await tx
      .select({ id: alertSources.id })
      .from(alertSources)
      .where(and(eq(alertSources.id, source.id), eq(alertSources.teamId, source.teamId), eq(alertSources.tokenHash, source.tokenHash ?? "")))
      .for("share");
    if (!held) return undefined;
    const inserted = await tx.insert(alerts).values(rows).onConflictDoNothing().returning({ id: alerts.id });
    return { received: incoming.length, recorded: inserted.length };
  });
}

/** Most deliveries (every generic one) carry one alert: one prepared statement, the token's check included. */
async function recordOneAlert(db: Db, source: OpenedSource, row: AlertRowValues): Promise<Recorded | undefined> {
  try {
    const result = await oneAlertInsert(db).execute({ ...encoded(row), tokenHash: source.tokenHash ?? "" });
    return { received: 1, recorded: rowsInserted(result) };
  } catch (error) {
    if (sourceNoLongerHeld(error)) return undefined;
    throw error;
  }
}

type AlertRowValues = Omit<typeof alerts.$inferInsert, "id" | "incidentId" | "processedAt">;
const alertColumns = ["teamId", "sourceId", "fingerprint", "status", "startsAt", "endsAt", "groupKey", "labels", "annotations", "generatorUrl", "raw", "receivedAt"] as const satisfies ReadonlyArray<keyof AlertRowValues>;
/** What the driver says of an insert without RETURNING: node-postgres counts rows in rowCount, PGlite in affectedRows. */
type InsertOutcome = { rowCount?: number | null; affectedRows?: number };
type PreparedInsert = { execute(values: Record<string, unknown>): Promise<InsertOutcome> };
const rowsInserted = (outcome: InsertOutcome): number => outcome.rowCount ?? outcome.affectedRows ?? 0;
const preparedInserts = new WeakMap<Db, PreparedInsert>();

/**
 * The one-alert insert, prepared once per database rather than built each time (building it cost more of the answer
 * than the database did); its values go as the driver takes them (see encoded). Its source is read from the sources
 * by id and token hash: when the token was rotated, that finds nothing and the not-null source column refuses the
 * row (sourceNoLongerHeld), in the same statement and without a lookup of its own.
 */
function oneAlertInsert(db: Db): PreparedInsert {
  let statement = preparedInserts.get(db);
  if (!statement) {
    const values = Object.fromEntries(alertColumns.map((c) => [c, sql`${sql.placeholder(c)}`])) as unknown as AlertRowValues;
    values.sourceId = sql`(select ${alertSources.id} from ${alertSources} where ${alertSources.id} = ${sql.placeholder("sourceId")} and ${alertSources.teamId} = ${sql.placeholder("teamId")} and ${alertSources.tokenHash} = ${sql.placeholder("tokenHash")})` as unknown as number;
    // No RETURNING: the count of rows inserted says whether it was new, and a returned row costs a parse per alert.
    statement = db.insert(alerts).values(values).onConflictDoNothing().prepare("record_one_alert") as unknown as PreparedInsert;
    preparedInserts.set(db, statement);
  }
  return statement;
}

/** The one-alert insert refused its row for want of a source: the source no longer holds the token. */
function sourceNoLongerHeld(error: unknown): boolean {
  return databaseRefusal(error, "23502")?.column === "source_id";
}

/** What the columns' own mapping would send: times as ISO text, JSON as its text. */
function encoded(row: AlertRowValues): Record<string, unknown> {
  return {
    ...row,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt ? row.endsAt.toISOString() : null,
    receivedAt: row.receivedAt.toISOString(),
    labels: JSON.stringify(row.labels),
    annotations: JSON.stringify(row.annotations),
    raw: JSON.stringify(row.raw),
  };
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
