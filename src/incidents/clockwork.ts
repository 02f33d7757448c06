// The incident's clock: paging the escalation policy, escalating while nobody acknowledges (or when a person asks),
// reminding for status updates, recording SLA breaches, and nudging the war room about unclaimed roles, a SEV1
// without progress and stale incidents. Every deadline is a scheduled job in the
// database; each handler runs inside the scheduler's claiming transaction and only writes state, timeline and
// outbox items, so a job's effects happen exactly once.
import { and, desc, eq, ne } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Tx } from "../db/client.js";
import { incidents, scheduledJobs as scheduledJobsTable, timelineEntries, type EscalationPolicy, type Incident, type ScheduledJob } from "../db/schema.js";
import { policyById, policyForServices, reachOfLevel } from "../oncall/directory.js";
import { incidentById, lockIncident } from "./queries.js";
import { cancelJobs, JobDeferred, scheduleJob, type JobHandler } from "../scheduler/scheduler.js";
import { BOT_ACTOR } from "../timeline/append.js";
import { recordFact } from "./change.js";
import type { Effect } from "./deliveries.js";
import { isOpen } from "./lifecycle.js";
import {
  ackDeadline,
  ackTargetLabel,
  lastProgressAt,
  minutesLabel,
  noProgressNudgeAt,
  nudgeSaid,
  resolveDeadline,
  unclaimedRoles,
  unclaimedRolesNudgeAt,
  updateReminderAt,
  updateReminderYields,
  type ClockSettings,
} from "./timers.js";

const ClockJobs = {
  escalate: "incident.escalate",
  ackSla: "incident.ack_sla",
  resolveSla: "incident.resolve_sla",
  updateReminder: "incident.update_reminder",
  stale: "incident.stale_check",
  unclaimedRoles: "incident.nudge_unclaimed_roles",
  noProgress: "incident.nudge_no_progress",
} as const;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const keyOf = (incident: Incident, kind: string) => `incident:${incident.id}:${kind}`;

/** Paged the next level, or why there is none to page. */
export type EscalatedByHand = { ok: true; level: number; users: string[]; groups: string[] } | { ok: false; why: "no_policy" | "last_level"; level: number };

interface Clockwork {
  /** In the declare transaction: pick the escalation policy, page its first level, set every deadline. */
  onDeclared(tx: Tx, incident: Incident): Promise<void>;
  /** After any change: move, set or cancel the incident's deadlines to match its new state. */
  replan(tx: Tx, incident: Incident): Promise<void>;
  /** A person asked for the next level of the incident's escalation policy (the incident is locked by the caller). */
  escalateByHand(tx: Tx, incident: Incident, actorId: string): Promise<EscalatedByHand>;
  handlers: Record<string, JobHandler>;
}

export function createClockwork({ clock, settings }: { clock: Clock; settings: ClockSettings }): Clockwork {
  const schedule = (tx: Tx, incident: Incident, kind: string, dueAt: Date, payload: Record<string, unknown> = {}) =>
    scheduleJob(tx, clock, { teamId: incident.teamId, incidentId: incident.id, kind, jobKey: keyOf(incident, kind), dueAt, payload });

  /**
   * The scheduler already holds the job's row; a person's change holds the incident and then moves its jobs.
   * Waiting for the incident here could deadlock with that change, so a busy incident defers the job a tick.
   */
  async function lock(tx: Tx, job: ScheduledJob): Promise<Incident | undefined> {
    const ref = { teamId: job.teamId, incidentId: job.incidentId ?? -1 };
    const row = await lockIncident(tx, ref, { skipLocked: true });
    if (row) return row;
    if (await incidentById(tx, ref.teamId, ref.incidentId)) throw new JobDeferred(`incident ${ref.incidentId} is being changed`);
    return undefined;
  }

  const record = (tx: Tx, incident: Incident, type: string, data: Record<string, unknown>, effects: Effect[], actor = BOT_ACTOR) =>
    recordFact(tx, clock, incident, actor, { type, data, effects });

  async function setIncident(tx: Tx, incident: Incident, values: Partial<Incident>): Promise<Incident> {
    const [row] = await tx
      .update(incidents)
      .set(values)
      .where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)))
      .returning();
    return row!;
  }

  /** Minutes to wait after paging `level` before the next one. */
  function delayAfter(incident: Incident, policy: EscalationPolicy, level: number): number | null {
    const own = policy.levels[level - 1]?.delayMinutes;
    if (own !== null && own !== undefined) return own;
    const t = settings.timers[incident.severity];
    if (level === 1) return Math.max(0, (ackDeadline(incident.declaredAt, incident.severity, settings).getTime() - incident.declaredAt.getTime()) / MINUTE);
    return t.escalateMinutes > 0 ? t.escalateMinutes : null;
  }

  async function page(tx: Tx, incident: Incident, policy: EscalationPolicy, level: number, round: number, escalated: boolean, now: Date, actor = BOT_ACTOR): Promise<{ users: string[]; groups: string[] }> {
    const reach = await reachOfLevel(tx, incident.teamId, policy.levels[level - 1]!, now);
    const updated = await setIncident(tx, incident, { escalationLevel: level });
    const effects: Effect[] = [
      ...reach.users.flatMap((userId): Effect[] => [
        { kind: "invite", userId },
        { kind: "dm", userId, about: { kind: "paged" } },
      ]),
      { kind: "war_room" },
    ];
    const byHand = actor !== BOT_ACTOR ? { byHand: true } : {};
    await record(tx, updated, escalated ? "escalated" : "paged", { level, round, users: reach.users, groups: reach.groups, policyId: policy.id, ...byHand }, effects, actor);
    // SEV4-style policies with no escalation interval stop at the level they paged; an acknowledged incident
    // (escalated by hand) escalates no further by itself.
    const delay = delayAfter(incident, policy, level);
    if (delay !== null && settings.timers[incident.severity].escalateMinutes > 0 && !incident.acknowledgedAt) {
      await schedule(tx, incident, ClockJobs.escalate, new Date(now.getTime() + delay * MINUTE), { level: level + 1, round });
    }
    return reach;
  }

  async function escalateByHand(tx: Tx, incident: Incident, actorId: string): Promise<EscalatedByHand> {
    const now = clock.now();
    let current = incident;
    let policy = incident.escalationPolicyId ? await policyById(tx, incident.teamId, incident.escalationPolicyId) : undefined;
    // Declared before any policy covered it: the policy that covers it now pages.
    if (!policy) {
      policy = await policyForServices(tx, incident.teamId, incident.affectedServices);
      if (!policy || policy.levels.length === 0) return { ok: false, why: "no_policy", level: 0 };
      current = await setIncident(tx, incident, { escalationPolicyId: policy.id, escalationLevel: 0 });
    }
    const level = current.escalationLevel + 1;
    if (level > policy.levels.length) return { ok: false, why: "last_level", level: current.escalationLevel };
    const reach = await page(tx, current, policy, level, 0, true, now, actorId);
    return { ok: true, level, ...reach };
  }

  async function onDeclared(tx: Tx, incident: Incident): Promise<void> {
    // A drill pages nobody: only the people who join it take part (its reminders and targets still run, in its room).
    const policy = incident.isDrill ? undefined : await policyForServices(tx, incident.teamId, incident.affectedServices);
    let current = incident;
    if (policy && policy.levels.length > 0) {
      current = await setIncident(tx, incident, { escalationPolicyId: policy.id });
      await page(tx, current, policy, 1, 0, false, incident.declaredAt);
    }
    await replan(tx, current);
  }

  async function replan(tx: Tx, incident: Incident): Promise<void> {
    if (!isOpen(incident.status)) {
      // Only the clock's own jobs: postmortem and action-item reminders outlive the resolution.
      await cancelJobs(tx, clock, incident.teamId, incident.id, Object.values(ClockJobs));
      return;
    }
    const now = clock.now();
    if (incident.acknowledgedAt) {
      await cancelJobs(tx, clock, incident.teamId, incident.id, [ClockJobs.escalate, ClockJobs.ackSla]);
    } else if (!incident.ackSlaBreachedAt) {
      await schedule(tx, incident, ClockJobs.ackSla, ackDeadline(incident.declaredAt, incident.severity, settings));
    }
    if (!incident.resolveSlaBreachedAt) await schedule(tx, incident, ClockJobs.resolveSla, resolveDeadline(incident.declaredAt, incident.severity, settings));
    await scheduleOrCancel(tx, incident, ClockJobs.updateReminder, updateReminderAt(incident, settings));
    await scheduleOrCancel(tx, incident, ClockJobs.unclaimedRoles, unclaimedRolesNudgeAt(incident, settings));
    await scheduleOrCancel(tx, incident, ClockJobs.noProgress, noProgressNudgeAt(incident, settings));
    await schedule(tx, incident, ClockJobs.stale, new Date(now.getTime() + settings.staleDays * DAY));
    await replanEscalation(tx, incident, now);
  }

  async function scheduleOrCancel(tx: Tx, incident: Incident, kind: string, dueAt: Date | null): Promise<void> {
    if (dueAt) await schedule(tx, incident, kind, dueAt);
    else await cancelJobs(tx, clock, incident.teamId, incident.id, [kind]);
  }

  /** A severity change moves the next escalation to the new severity's pace (never into the past). */
  async function replanEscalation(tx: Tx, incident: Incident, now: Date): Promise<void> {
    if (incident.acknowledgedAt || !incident.escalationPolicyId || incident.escalationLevel === 0) return;
    const policy = await policyById(tx, incident.teamId, incident.escalationPolicyId);
    if (!policy) return;
    if (settings.timers[incident.severity].escalateMinutes === 0) {
      await cancelJobs(tx, clock, incident.teamId, incident.id, [ClockJobs.escalate]);
      return;
    }
    const level = incident.escalationLevel;
    const delay = delayAfter(incident, policy, level) ?? 0;
    const from = level === 1 ? incident.declaredAt : now;
    const dueAt = new Date(Math.max(now.getTime(), from.getTime() + delay * MINUTE));
    const [pending] = await tx
      .select()
      .from(scheduledJobsTable)
      .where(and(eq(scheduledJobsTable.teamId, incident.teamId), eq(scheduledJobsTable.jobKey, keyOf(incident, ClockJobs.escalate)), eq(scheduledJobsTable.status, "pending")));
    const payload = pending?.payload ?? { level: level + 1, round: 0 };
    await schedule(tx, incident, ClockJobs.escalate, dueAt, payload);
  }

  const escalate: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status) || incident.acknowledgedAt || !incident.escalationPolicyId) return;
    const policy = await policyById(tx, incident.teamId, incident.escalationPolicyId);
    if (!policy || policy.levels.length === 0) return;
    let level = Number(job.payload.level ?? 2);
    let round = Number(job.payload.round ?? 0);
    if (level > policy.levels.length) {
      if (round >= policy.repeat) {
        await record(tx, incident, "escalation_exhausted", { round }, [{ kind: "war_room" }, { kind: "announce" }]);
        return;
      }
      level = 1;
      round += 1;
    }
    await page(tx, incident, policy, level, round, true, now);
  };

  const ackSla: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status) || incident.acknowledgedAt || incident.ackSlaBreachedAt) return;
    const breached = await setIncident(tx, incident, { ackSlaBreachedAt: now });
    const target = ackTargetLabel(incident.severity, settings);
    await record(tx, breached, "sla_breached", { sla: "acknowledge", target, dueAt: job.dueAt.toISOString() }, [{ kind: "card" }, { kind: "war_room" }]);
  };

  const resolveSla: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status) || incident.resolveSlaBreachedAt) return;
    const breached = await setIncident(tx, incident, { resolveSlaBreachedAt: now });
    const target = minutesLabel(settings.timers[incident.severity].resolveMinutes);
    await record(tx, breached, "sla_breached", { sla: "resolve", target, dueAt: job.dueAt.toISOString() }, [{ kind: "card" }, { kind: "war_room" }]);
  };

  const remindUpdate: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status)) return;
    const cadence = settings.timers[incident.severity].updateMinutes;
    const due = updateReminderAt(incident, settings);
    if (!due) return;
    // An update arrived since this reminder was planned: the window starts again from it.
    if (due > now) return schedule(tx, incident, ClockJobs.updateReminder, due);
    if (updateReminderYields(incident, settings, now)) return schedule(tx, incident, ClockJobs.updateReminder, new Date(now.getTime() + cadence * MINUTE));
    await record(tx, incident, "update_reminder", { cadenceMinutes: cadence, cadence: minutesLabel(cadence) }, [{ kind: "war_room" }]);
    await schedule(tx, incident, ClockJobs.updateReminder, new Date(now.getTime() + cadence * MINUTE));
  };

  const nudgeStale: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status)) return;
    const [last] = await tx
      .select({ at: timelineEntries.occurredAt })
      .from(timelineEntries)
      .where(and(eq(timelineEntries.teamId, incident.teamId), eq(timelineEntries.incidentId, incident.id), ne(timelineEntries.actor, BOT_ACTOR)))
      .orderBy(desc(timelineEntries.occurredAt))
      .limit(1);
    const quietSince = last?.at ?? incident.declaredAt;
    const due = new Date(quietSince.getTime() + settings.staleDays * DAY);
    if (due > now) return schedule(tx, incident, ClockJobs.stale, due);
    await record(tx, incident, "stale_nudge", { quietSince: quietSince.toISOString(), days: settings.staleDays }, [{ kind: "war_room" }]);
    await schedule(tx, incident, ClockJobs.stale, new Date(now.getTime() + settings.staleDays * DAY));
  };

  const nudgeUnclaimedRoles: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status)) return;
    const due = unclaimedRolesNudgeAt(incident, settings);
    if (!due) return;
    // Snoozed, or a severity change moved it, since this job was planned.
    if (due > now) return schedule(tx, incident, ClockJobs.unclaimedRoles, due);
    const roles = unclaimedRoles(incident);
    const nudged = await setIncident(tx, incident, { nudges: nudgeSaid(incident.nudges, "unclaimed_roles", now, roles) });
    await record(tx, nudged, "unclaimed_roles_nudge", { roles, minutes: settings.nudges.unclaimedRolesMinutes }, [{ kind: "war_room" }]);
  };

  const nudgeNoProgress: JobHandler = async (tx, job, now) => {
    const incident = await lock(tx, job);
    if (!incident || !isOpen(incident.status)) return;
    const due = noProgressNudgeAt(incident, settings);
    if (!due) return;
    // An update, a status change or a snooze since this job was planned: the window starts again.
    if (due > now) return schedule(tx, incident, ClockJobs.noProgress, due);
    const since = lastProgressAt(incident);
    const quietMinutes = Math.floor((now.getTime() - since.getTime()) / MINUTE);
    const nudged = await setIncident(tx, incident, { nudges: nudgeSaid(incident.nudges, "no_progress", now) });
    await record(tx, nudged, "no_progress_nudge", { since: since.toISOString(), minutes: quietMinutes }, [{ kind: "war_room" }]);
  };

  return {
    onDeclared,
    replan,
    escalateByHand,
    handlers: {
      [ClockJobs.escalate]: escalate,
      [ClockJobs.ackSla]: ackSla,
      [ClockJobs.resolveSla]: resolveSla,
      [ClockJobs.updateReminder]: remindUpdate,
      [ClockJobs.stale]: nudgeStale,
      [ClockJobs.unclaimedRoles]: nudgeUnclaimedRoles,
      [ClockJobs.noProgress]: nudgeNoProgress,
    },
  };
}
