// Chasing the learning: overdue action items DM their owner once a day in the owner's morning until done,
// commanders get a weekly list of their incidents' overdue items, a required postmortem not drafted 48 hours
// after resolution DMs the commander daily, and a draft left for 7 days DMs its author. Jobs live in the
// scheduler's table, so every reminder is sent once per window whatever restarts or replicas do.
import { and, eq, inArray, lt } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Tx } from "../db/client.js";
import { actionItems, incidents, scheduledJobs, type ActionItem, type Incident, type Postmortem } from "../db/schema.js";
import { isOpen, postmortemRequired } from "../incidents/lifecycle.js";
import { deliveriesFor, type DmSubject } from "../incidents/deliveries.js";
import { addLocalDays, localDate, localParts, zonedToUtc } from "../oncall/zoned-time.js";
import { enqueue } from "../outbox/outbox.js";
import { cancelJobs, scheduleJob, type JobHandler } from "../scheduler/scheduler.js";
import { postmortemOf } from "./postmortems.js";

const LearningJobs = {
  overdue: "action_item.overdue",
  digest: "action_items.weekly_digest",
  notDrafted: "postmortem.not_drafted",
  staleDraft: "postmortem.stale_draft",
} as const;

const HOUR = 3_600_000;
const MORNING = { hour: 9, minute: 0 };

const localDateOf = (at: Date, tz: string) => {
  const p = localParts(at, tz);
  return { year: p.year, month: p.month, day: p.day };
};

/** 09:00 in `tz` on the first morning after `at`. */
function nextMorning(at: Date, tz: string): Date {
  const today = zonedToUtc({ ...localDateOf(at, tz), ...MORNING }, tz);
  return today > at ? today : zonedToUtc({ ...addLocalDays(localDateOf(at, tz), 1), ...MORNING }, tz);
}

/** The first reminder: the morning after the due date, in the owner's time zone. */
function firstOverdueMorning(dueDate: string, tz: string): Date {
  const [year, month, day] = dueDate.split("-").map(Number) as [number, number, number];
  return zonedToUtc({ ...addLocalDays({ year, month, day }, 1), ...MORNING }, tz);
}

/** Next Monday 09:00 in the business time zone. */
function nextMondayMorning(at: Date, tz: string): Date {
  let candidate = nextMorning(at, tz);
  while (localParts(candidate, tz).weekday !== 1) candidate = nextMorning(new Date(candidate.getTime() + HOUR), tz);
  return candidate;
}

export interface LearningClock {
  handlers: Record<string, JobHandler>;
  /** After an action item is added or changed: (re)plan its overdue reminders and the weekly digest. */
  onActionItem(tx: Tx, item: ActionItem): Promise<void>;
  /** After an incident changes: the 48-hour postmortem reminder follows resolution and reopening. */
  onIncidentChanged(tx: Tx, incident: Incident): Promise<void>;
  /** When a postmortem becomes a draft. */
  onDrafted(tx: Tx, incident: Incident, postmortem: Postmortem): Promise<void>;
}

export function createLearningClock({ clock, businessTimeZone }: { clock: Clock; businessTimeZone: string }): LearningClock {
  // A reminder is not a change, so it names its DM by the reminder's own key (one per day at most) rather than a fact.
  const dm = (tx: Tx, teamId: string, incidentId: number | undefined, userId: string, about: DmSubject, key: string) =>
    enqueue(tx, clock, deliveriesFor({ teamId, id: incidentId }, { key }, [{ kind: "dm", userId, about }]));

  async function onActionItem(tx: Tx, item: ActionItem): Promise<void> {
    const key = `action_item:${item.id}:overdue`;
    if (item.dueDate && (item.status === "open" || item.status === "in_progress")) {
      const first = firstOverdueMorning(item.dueDate, item.ownerTimeZone);
      await scheduleJob(tx, clock, { teamId: item.teamId, incidentId: item.incidentId, kind: LearningJobs.overdue, jobKey: key, dueAt: first, payload: { actionItemId: item.id } });
    } else {
      await tx.update(scheduledJobs).set({ status: "cancelled", finishedAt: clock.now() }).where(and(eq(scheduledJobs.teamId, item.teamId), eq(scheduledJobs.jobKey, key), eq(scheduledJobs.status, "pending")));
    }
    // One weekly digest per workspace, planned the first time there is anything to chase.
    await tx
      .insert(scheduledJobs)
      .values({ teamId: item.teamId, kind: LearningJobs.digest, jobKey: `team:${item.teamId}:action_digest`, dueAt: nextMondayMorning(clock.now(), businessTimeZone), createdAt: clock.now() })
      .onConflictDoNothing();
  }

  async function onIncidentChanged(tx: Tx, incident: Incident): Promise<void> {
    if (isOpen(incident.status)) {
      await cancelJobs(tx, clock, incident.teamId, incident.id, [LearningJobs.notDrafted]);
      return;
    }
    // A mistake owes no postmortem, nor does a drill (practice).
    if (incident.closeReason === "declared_in_error" || incident.isDrill) {
      await cancelJobs(tx, clock, incident.teamId, incident.id, [LearningJobs.notDrafted]);
      return;
    }
    if (!postmortemRequired(incident.severity) || !incident.resolvedAt) return;
    const pm = await postmortemOf(tx, incident);
    if (pm.status !== "not_started") return;
    const [pending] = await tx
      .select({ id: scheduledJobs.id })
      .from(scheduledJobs)
      .where(and(eq(scheduledJobs.teamId, incident.teamId), eq(scheduledJobs.jobKey, `incident:${incident.id}:postmortem_not_drafted`), eq(scheduledJobs.status, "pending")));
    if (pending) return;
    await scheduleJob(tx, clock, {
      teamId: incident.teamId,
      incidentId: incident.id,
      kind: LearningJobs.notDrafted,
      jobKey: `incident:${incident.id}:postmortem_not_drafted`,
      dueAt: new Date(incident.resolvedAt.getTime() + 48 * HOUR),
    });
  }

  async function onDrafted(tx: Tx, incident: Incident, postmortem: Postmortem): Promise<void> {
    await cancelJobs(tx, clock, incident.teamId, incident.id, [LearningJobs.notDrafted]);
    await scheduleJob(tx, clock, {
      teamId: incident.teamId,
      incidentId: incident.id,
      kind: LearningJobs.staleDraft,
      jobKey: `incident:${incident.id}:postmortem_stale_draft`,
      dueAt: new Date((postmortem.startedAt ?? clock.now()).getTime() + 7 * 24 * HOUR),
    });
  }

  const loadIncident = async (tx: Tx, teamId: string, id: number | null) => {
    const [row] = await tx.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.id, id ?? -1)));
    return row;
  };

  const overdue: JobHandler = async (tx, job, now) => {
    const [item] = await tx.select().from(actionItems).where(and(eq(actionItems.teamId, job.teamId), eq(actionItems.id, Number(job.payload.actionItemId))));
    if (!item || !item.dueDate || (item.status !== "open" && item.status !== "in_progress")) return;
    const incident = await loadIncident(tx, item.teamId, item.incidentId);
    if (!incident) return;
    const day = localDate(now, item.ownerTimeZone);
    await dm(tx, item.teamId, incident.id, item.ownerId, { kind: "action_item_overdue", itemId: item.id }, `action_item:${item.id}:overdue:${day}`);
    await scheduleJob(tx, clock, { teamId: item.teamId, incidentId: item.incidentId, kind: LearningJobs.overdue, jobKey: job.jobKey, dueAt: nextMorning(now, item.ownerTimeZone), payload: job.payload });
  };

  const digest: JobHandler = async (tx, job, now) => {
    const today = localDate(now, businessTimeZone);
    const rows = await tx
      .select({ item: actionItems, incident: incidents })
      .from(actionItems)
      .innerJoin(incidents, and(eq(incidents.id, actionItems.incidentId), eq(incidents.teamId, actionItems.teamId)))
      .where(and(eq(actionItems.teamId, job.teamId), inArray(actionItems.status, ["open", "in_progress"]), lt(actionItems.dueDate, today)));
    const commanders = new Set(rows.map((row) => row.incident.commanderId));
    for (const commander of commanders) {
      await dm(tx, job.teamId, undefined, commander, { kind: "overdue_digest", day: today }, `action_digest:${job.teamId}:${commander}:${today}`);
    }
    await scheduleJob(tx, clock, { teamId: job.teamId, kind: LearningJobs.digest, jobKey: job.jobKey, dueAt: nextMondayMorning(now, businessTimeZone) });
  };

  const notDrafted: JobHandler = async (tx, job, now) => {
    const incident = await loadIncident(tx, job.teamId, job.incidentId);
    if (!incident || isOpen(incident.status)) return;
    if ((await postmortemOf(tx, incident)).status !== "not_started") return;
    const day = localDate(now, "UTC");
    await dm(tx, incident.teamId, incident.id, incident.commanderId, { kind: "postmortem_not_drafted" }, `incident:${incident.id}:postmortem_not_drafted:${day}`);
    await scheduleJob(tx, clock, { teamId: incident.teamId, incidentId: incident.id, kind: LearningJobs.notDrafted, jobKey: job.jobKey, dueAt: new Date(now.getTime() + 24 * HOUR) });
  };

  const staleDraft: JobHandler = async (tx, job) => {
    const incident = await loadIncident(tx, job.teamId, job.incidentId);
    if (!incident) return;
    const pm = await postmortemOf(tx, incident);
    if (pm.status !== "draft" || !pm.authorId) return;
    await dm(tx, incident.teamId, incident.id, pm.authorId, { kind: "postmortem_stale_draft" }, `incident:${incident.id}:postmortem_stale_draft`);
  };

  return {
    handlers: { [LearningJobs.overdue]: overdue, [LearningJobs.digest]: digest, [LearningJobs.notDrafted]: notDrafted, [LearningJobs.staleDraft]: staleDraft },
    onActionItem,
    onIncidentChanged,
    onDrafted,
  };
}
