// Turning recorded alerts into incidents, group by group, just after they are stored: a group's new alerts go to
// its open incident, reopen it if it was resolved within the source's re-fire window, or declare a new one through
// the same declare a person uses. Each group is handled in one transaction that holds the group's row lock, so
// concurrent deliveries (and replicas) never declare twice for one group; resolved alerts are told to the war room
// and, when the source says so, resolve the incident once all of them have.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { alertGroups, alerts, type AlertRow, type AlertSource, type Incident } from "../db/schema.js";
import { changeIncidentIn, recordFact } from "../incidents/change.js";
import { declareInTransaction } from "../incidents/declare.js";
import { isOpen } from "../incidents/lifecycle.js";
import { lockIncident } from "../incidents/queries.js";
import { reopening } from "../incidents/reopen.js";
import { resolving } from "../incidents/resolve.js";
import type { Logger } from "../log.js";
import { policyForServices, reachOfLevel } from "../oncall/directory.js";
import { storedActor } from "../timeline/actors.js";
import { severityOfAlert, sourceById } from "./sources.js";
import { alertDescription, alertName, alertServices, alertTitle, factAlerts } from "./summaries.js";
import { AlertFacts, alertTally } from "./tally.js";

/** An alert source as the actor of what its alerts did; its name is kept as it was, so the record reads as it happened. */
export const alertSourceActor = (source: { id: number; name: string }): string =>
  storedActor({ kind: "integration", integration: "alert_source", id: source.id, name: source.name });

export interface AlertIntakeContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** INCIDENT_ADMINS, in order: the first commands an alert's incident when nobody is on call and the source has no owner. */
  admins: readonly string[];
  /** The incident clock: paging at declare, deadlines after a change (as for a person's declare). */
  onDeclared?: (tx: Tx, incident: Incident) => Promise<void>;
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
  /** A group's changes committed: deliver them now rather than at the next poll. */
  onWork?: () => void;
  /** How often to look for alerts another replica recorded (default 2 s). */
  pollMs?: number;
  /**
   * How long the alerts must stop arriving before they are handled (default 200 ms; while they keep arriving, at
   * most a second): a storm's alerts are then turned into incidents a group's batch per transaction rather than one
   * alert per transaction, which leaves the database to the senders (on the embedded database, one connection
   * serves both).
   */
  settleMs?: number;
}

interface GroupRef {
  teamId: string;
  sourceId: number;
  groupKey: string;
}

/** A group's pending alerts handled per transaction; a storm's group is worked through in a few of them. */
const ALERTS_PER_TRANSACTION = 500;
const MINUTE = 60_000;

const occurrence = (a: Pick<AlertRow, "fingerprint" | "startsAt">): string => `${a.fingerprint}\u0000${a.startsAt.getTime()}`;

/** Handles the group's pending alerts; returns how many it handled (0: another worker got there first). */
export async function handleAlertGroup(tx: Tx, ctx: AlertIntakeContext, ref: GroupRef): Promise<number> {
  const now = ctx.clock.now();
  const source = await sourceById(tx, ref.teamId, ref.sourceId);
  if (!source) throw new Error(`alert source ${ref.sourceId} not found`);
  await tx.insert(alertGroups).values({ ...ref, updatedAt: now }).onConflictDoNothing();
  const [group] = await tx
    .select()
    .from(alertGroups)
    .where(and(eq(alertGroups.teamId, ref.teamId), eq(alertGroups.sourceId, ref.sourceId), eq(alertGroups.groupKey, ref.groupKey)))
    .for("update");
  const pending = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.teamId, ref.teamId), eq(alerts.sourceId, ref.sourceId), eq(alerts.groupKey, ref.groupKey), isNull(alerts.processedAt)))
    .orderBy(asc(alerts.id))
    .limit(ALERTS_PER_TRANSACTION);
  if (!group || pending.length === 0) return 0;

  const earlier = await earlierOccurrences(tx, ref, pending);
  // A "firing" that arrives after its own "resolved" was handled is stale (a sender's retry out of order).
  const firings = pending.filter((a) => a.status === "firing" && !earlier.resolved.has(occurrence(a)));
  const resolutions = pending.filter((a) => a.status === "resolved");
  const actor = alertSourceActor(source);

  let incident = group.incidentId ? await lockIncident(tx, { teamId: ref.teamId, incidentId: group.incidentId }) : undefined;
  if (firings.length) {
    incident = await incidentForFirings(tx, ctx, source, group.id, incident, firings, now);
    await attach(tx, incident.id, firings);
  }
  const firedNow = new Set(firings.map(occurrence));
  const resolvedByIncident = new Map<number, AlertRow[]>();
  for (const alert of resolutions) {
    const incidentId = earlier.firingIncident.get(occurrence(alert)) ?? (firedNow.has(occurrence(alert)) ? incident?.id : undefined);
    // A "resolved" for an alert never seen firing is recorded, and nothing more.
    if (incidentId === undefined) continue;
    resolvedByIncident.set(incidentId, [...(resolvedByIncident.get(incidentId) ?? []), alert]);
  }
  for (const [incidentId, list] of resolvedByIncident) await attach(tx, incidentId, list);
  await tx
    .update(alerts)
    .set({ processedAt: now })
    .where(inArray(alerts.id, pending.map((a) => a.id)));

  if (firings.length && incident) {
    await recordFact(tx, ctx.clock, incident, actor, {
      type: AlertFacts.fired,
      data: { source: source.name, ...factAlerts(firings) },
      effects: [{ kind: "card" }, { kind: "alert_lines" }],
    });
  }
  for (const [incidentId, list] of resolvedByIncident) {
    const about = incidentId === incident?.id ? incident : await lockIncident(tx, { teamId: ref.teamId, incidentId });
    if (about) await reportResolved(tx, ctx, source, about, list);
  }
  return pending.length;
}

/** Which earlier occurrences of these alerts were resolved, and which incident each firing one went to. */
async function earlierOccurrences(tx: Tx, ref: GroupRef, pending: AlertRow[]) {
  const fingerprints = [...new Set(pending.map((a) => a.fingerprint))];
  const rows = await tx
    .select({ fingerprint: alerts.fingerprint, startsAt: alerts.startsAt, status: alerts.status, incidentId: alerts.incidentId })
    .from(alerts)
    .where(and(eq(alerts.teamId, ref.teamId), eq(alerts.sourceId, ref.sourceId), inArray(alerts.fingerprint, fingerprints), sql`${alerts.processedAt} is not null`));
  const resolved = new Set(rows.filter((r) => r.status === "resolved").map(occurrence));
  const firingIncident = new Map(rows.filter((r) => r.status === "firing" && r.incidentId !== null).map((r) => [occurrence(r), r.incidentId!]));
  return { resolved, firingIncident };
}

async function attach(tx: Tx, incidentId: number, list: AlertRow[]): Promise<void> {
  await tx
    .update(alerts)
    .set({ incidentId })
    .where(inArray(alerts.id, list.map((a) => a.id)));
}

/** The group's open incident; or the one resolved within the re-fire window, reopened; or a new one, declared. */
async function incidentForFirings(tx: Tx, ctx: AlertIntakeContext, source: AlertSource, groupId: number, current: Incident | undefined, firings: AlertRow[], now: Date): Promise<Incident> {
  if (current && isOpen(current.status)) return current;
  const actor = alertSourceActor(source);
  if (current?.resolvedAt && now.getTime() - current.resolvedAt.getTime() <= source.refireMinutes * MINUTE) {
    const reason = `${alertName(firings[0]!)} fired again${firings.length > 1 ? ` (and ${firings.length - 1} more)` : ""}`;
    const outcome = await changeIncidentIn(tx, incidentContext(ctx), { teamId: current.teamId, incidentId: current.id }, actor, (incident, at) =>
      isOpen(incident.status) ? { ok: true, incident, from: incident.status } : reopening(incident, at, reason, { byAlerts: true }),
    );
    if (outcome.ok) return outcome.incident;
  }
  const lead = mostSevere(firings, source);
  const services = alertServices(firings);
  const { incident } = await declareInTransaction(
    tx,
    ctx.clock,
    {
      teamId: source.teamId,
      declaredBy: actor,
      title: alertTitle(lead, source.name),
      severity: severityOfAlert(lead.labels, source),
      description: alertDescription(lead),
      affectedServices: services,
      commanderId: await commanderFor(tx, ctx, source, services, now),
      declareKey: `alert-group:${groupId}:${firings[0]!.id}`,
    },
    { onDeclared: ctx.onDeclared },
  );
  await tx.update(alertGroups).set({ incidentId: incident.id, updatedAt: now }).where(eq(alertGroups.id, groupId));
  return incident;
}

const incidentContext = (ctx: AlertIntakeContext) => ({ clock: ctx.clock, admins: new Set(ctx.admins), replanClock: ctx.replanClock });

function mostSevere(list: AlertRow[], source: AlertSource): AlertRow {
  return list.reduce((best, a) => (severityOfAlert(a.labels, source) < severityOfAlert(best.labels, source) ? a : best));
}

/**
 * Who commands an alert's incident: whoever the escalation policy pages first (on call now), else the person who
 * added the source, else the first incident admin. Anyone may take it over from the card.
 */
async function commanderFor(tx: Tx, ctx: AlertIntakeContext, source: AlertSource, services: string[], now: Date): Promise<string> {
  const policy = await policyForServices(tx, source.teamId, services);
  const first = policy?.levels[0] ? (await reachOfLevel(tx, source.teamId, policy.levels[0], now)).users[0] : undefined;
  const commander = first ?? source.ownerId ?? ctx.admins[0];
  if (!commander) throw new Error(`nobody can command incidents from alert source "${source.name}": nobody is on call, it has no owner and INCIDENT_ADMINS is empty`);
  return commander;
}

/** The war room hears which alerts resolved and how many still fire; with all resolved, the source may resolve the incident. */
async function reportResolved(tx: Tx, ctx: AlertIntakeContext, source: AlertSource, incident: Incident, list: AlertRow[]): Promise<void> {
  const actor = alertSourceActor(source);
  const tally = await alertTally(tx, incident.teamId, incident.id);
  await recordFact(tx, ctx.clock, incident, actor, {
    type: AlertFacts.resolved,
    data: { source: source.name, ...factAlerts(list), firing: tally.firing, total: tally.total },
    effects: [{ kind: "card" }, { kind: "alert_lines" }],
  });
  if (!source.autoResolve || tally.firing > 0 || !isOpen(incident.status)) return;
  const summary = `All ${tally.total} alert${tally.total === 1 ? "" : "s"} from ${source.name} resolved.`;
  await changeIncidentIn(tx, incidentContext(ctx), { teamId: incident.teamId, incidentId: incident.id }, actor, (current, at) =>
    isOpen(current.status) ? resolving(current, at, actor, summary, null, { byAlerts: true }) : { ok: true, incident: current },
  );
}

/** The groups with alerts waiting, oldest first. */
async function waitingGroups(db: Db, limit: number): Promise<GroupRef[]> {
  return db
    .select({ teamId: alerts.teamId, sourceId: alerts.sourceId, groupKey: alerts.groupKey })
    .from(alerts)
    .where(isNull(alerts.processedAt))
    .groupBy(alerts.teamId, alerts.sourceId, alerts.groupKey)
    .orderBy(sql`min(${alerts.id})`)
    .limit(limit);
}

const GROUPS_PER_ROUND = 20;
// The longest a burst's first alerts wait to be handled while more keep arriving.
const BURST_HOLD_MS = 1000;
// A group that failed waits before it is tried again, so one bad group cannot hold up the others.
const RETRY_MS = [1000, 5000, 30_000, 120_000];

/** The worker: kicked after every recorded delivery, and on a poll for what other replicas recorded. */
export class AlertIntake {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private settling: NodeJS.Timeout | undefined;
  private settleStartedAt = 0;
  private again = false;
  private started = false;
  private stopped = false;
  private readonly failing = new Map<string, { failures: number; retryAt: number }>();

  constructor(private readonly ctx: AlertIntakeContext) {}

  start(): void {
    this.started = true;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.ctx.pollMs ?? 2000);
    this.timer.unref();
    this.kick();
  }

  /**
   * Runs once alerts stop arriving for the settle time, or at the latest BURST_HOLD_MS after the first of them: while
   * a burst lasts, senders are answered first and their alerts are handled a second's worth at a time, each group in
   * one transaction.
   */
  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = Date.now();
    const settleMs = this.ctx.settleMs ?? 200;
    if (!this.settling) this.settleStartedAt = now;
    else clearTimeout(this.settling);
    const wait = Math.min(settleMs, this.settleStartedAt + Math.max(BURST_HOLD_MS, settleMs) - now);
    this.settling = setTimeout(() => {
      this.settling = undefined;
      if (this.stopped) return;
      this.running = this.run().finally(() => {
        this.running = undefined;
        if (this.again) this.kick();
      });
    }, Math.max(0, wait));
  }

  /** Finishes the group under way; what is still waiting is handled by the next start (or another replica). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.settling) clearTimeout(this.settling);
    this.settling = undefined;
    await this.running;
  }

  /** Handles everything waiting now (tests, the benchmark); returns how many alerts it handled. */
  async handleWaiting(): Promise<number> {
    let handled = 0;
    for (;;) {
      const groups = (await waitingGroups(this.ctx.db, GROUPS_PER_ROUND)).filter((g) => !this.backingOff(g));
      let round = 0;
      for (const group of groups) {
        if (this.stopped && this.started) return handled;
        round += await this.handle(group);
      }
      // Nothing left, or only groups another worker is handling right now (they are gone by the next look).
      if (round === 0) return handled;
      handled += round;
    }
  }

  /** Resolves once no alert waits (for tests and the benchmark). */
  async waitUntilIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.running;
      await this.handleWaiting();
      const [row] = await this.ctx.db.select({ n: sql<number>`count(*)::int` }).from(alerts).where(isNull(alerts.processedAt));
      if ((row?.n ?? 0) === 0) return;
      if (Date.now() > deadline) throw new Error(`${row?.n} alerts still waiting to be turned into incidents`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.handleWaiting();
      } catch (error) {
        this.ctx.logger.error({ err: error }, "could not look for waiting alerts; will try again on the next poll");
      }
    } while (this.again && !this.stopped);
  }

  private async handle(group: GroupRef): Promise<number> {
    const key = `${group.teamId}\u0000${group.sourceId}\u0000${group.groupKey}`;
    try {
      const handled = await this.ctx.db.transaction((tx) => handleAlertGroup(tx, this.ctx, group));
      this.failing.delete(key);
      if (handled) this.ctx.onWork?.();
      return handled;
    } catch (error) {
      const failures = (this.failing.get(key)?.failures ?? 0) + 1;
      const wait = RETRY_MS[Math.min(failures, RETRY_MS.length) - 1]!;
      this.failing.set(key, { failures, retryAt: Date.now() + wait });
      this.ctx.logger.error({ err: error, source: group.sourceId, group: group.groupKey, failures }, "could not turn an alert group into an incident; will try again");
      if (wait < (this.ctx.pollMs ?? 2000)) setTimeout(() => this.kick(), wait).unref();
      return 0;
    }
  }

  private backingOff(group: GroupRef): boolean {
    const failing = this.failing.get(`${group.teamId}\u0000${group.sourceId}\u0000${group.groupKey}`);
    return Boolean(failing && failing.retryAt > Date.now());
  }
}
