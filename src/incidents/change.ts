// The one way to change an incident: lock it, let the action decide, then commit the new state, the facts it
// adds to the timeline and the deliveries they name, in one transaction, and move the incident's clock.
import { and, eq } from "drizzle-orm";
import { auditChange, auditIncidentRefusal, incidentSubject } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { incidents, timelineEntries, type Incident } from "../db/schema.js";
import { enqueue } from "../outbox/outbox.js";
import { refreshHomesAfterFact } from "../home/refresh.js";
import { appendTimeline, BOT_ACTOR } from "../timeline/append.js";
import { deliveriesFor, outsideDelivery, reachableEffects, toldOutside, type Effect } from "./deliveries.js";
import { lockIncident, type IncidentRef } from "./queries.js";
import { refuse, type Refused } from "./refusals.js";

export interface IncidentContext {
  db: Db;
  clock: Clock;
  /** INCIDENT_ADMINS: may manage every incident. */
  admins: ReadonlySet<string>;
  /** Moves the incident's deadlines after a change (escalation, reminders, SLA); see clockwork.ts. */
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
}

/** Done (the incident as it is now, and what the action reports), or refused and why. */
export type Outcome<R extends object = object> = ({ ok: true; incident: Incident; repeated?: boolean } & R) | Refused;

export interface Fact {
  type: string;
  data: Record<string, unknown>;
  /** What asked for it (a form submission, a Slack message): the same source is recorded once. */
  sourceKey?: string;
  effects?: Effect[];
}

export interface Change<R extends object> {
  /** Column values; SQL expressions are allowed (search text is appended in SQL). */
  values?: Partial<Incident> | Record<string, unknown>;
  facts: Fact[];
  result: R;
}

export async function changeIncident<R extends object>(
  ctx: IncidentContext,
  ref: IncidentRef,
  actorId: string,
  decide: (incident: Incident, now: Date) => Change<R> | Refused | Outcome<R>,
): Promise<Outcome<R>> {
  return ctx.db.transaction((tx) => changeIncidentIn(tx, ctx, ref, actorId, decide));
}

/** The same change inside a caller's transaction (an alert group changes its incident while it holds the group's lock). */
export async function changeIncidentIn<R extends object>(
  tx: Tx,
  ctx: Omit<IncidentContext, "db">,
  ref: IncidentRef,
  actorId: string,
  decide: (incident: Incident, now: Date) => Change<R> | Refused | Outcome<R>,
): Promise<Outcome<R>> {
  const locked = await lockIncident(tx, ref);
  if (!locked) return refusedAndAudited(tx, ctx.clock, ref, actorId, refuse({ code: "not_found" }));
  const now = ctx.clock.now();
  const decision = decide(locked, now);
  if ("ok" in decision) return decision.ok ? decision : refusedAndAudited(tx, ctx.clock, ref, actorId, decision);
  const keyed = decision.facts.find((f) => f.sourceKey);
  if (keyed && (await timelineHasSource(tx, locked, keyed.sourceKey!))) return { ok: true, incident: locked, repeated: true, ...decision.result };
  const incident = await applyValues(tx, locked, { ...decision.values, updatedAt: now });
  for (const fact of decision.facts) {
    await recordFact(tx, ctx.clock, incident, actorId, fact, now);
  }
  await ctx.replanClock?.(tx, incident);
  return { ok: true, incident, ...decision.result };
}

/**
 * Appends the fact and enqueues what it names and can still reach, tells the outside world about the facts it
 * hears of (see toldOutside: never a drill's) and refreshes the App Homes it changes (home/refresh.ts); a fact already recorded
 * (same source) names nothing again.
 */
export async function recordFact(tx: Tx, clock: Clock, incident: Incident, actorId: string, fact: Fact, at = clock.now()): Promise<number | undefined> {
  const entry = await appendTimeline(tx, {
    teamId: incident.teamId,
    incidentId: incident.id,
    type: fact.type,
    actor: actorId,
    occurredAt: at,
    data: fact.data,
    sourceKey: fact.sourceKey,
  });
  if (!entry) return undefined;
  // Every change a person or an integration makes is audited with it; what Warroom does by itself is not theirs.
  if (actorId !== BOT_ACTOR) await auditChange(tx, { teamId: incident.teamId, at, actor: actorId, action: fact.type, subject: incidentSubject(incident), details: { ...fact.data, entry: entry.id } });
  const effects = reachableEffects(incident, fact.effects ?? []);
  const items = effects.length ? deliveriesFor(incident, { entryId: entry.id }, effects) : [];
  if (toldOutside(incident, fact.type)) items.push(outsideDelivery(incident, entry.id));
  if (items.length) await enqueue(tx, clock, items);
  // The App Homes the fact changes (its people's incident or action-item lists), also named here so no action forgets.
  await refreshHomesAfterFact(tx, clock, incident, fact, entry.id);
  return entry.id;
}

/** A refusal changes nothing but is audited; the transaction that decided it commits only that. */
export async function refusedAndAudited(tx: Tx, clock: Clock, ref: IncidentRef, actorId: string, refused: Refused): Promise<Refused> {
  if (actorId !== BOT_ACTOR) await auditIncidentRefusal(tx, clock, ref.teamId, actorId, { kind: "incident", id: ref.incidentId }, refused.refusal);
  return refused;
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

/** A status change (or resolution) by a person shows someone is on it: it counts as the acknowledgement if there was none. */
export function acknowledgedBy(incident: Incident, userId: string, now: Date): Partial<Incident> {
  return incident.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: userId };
}
