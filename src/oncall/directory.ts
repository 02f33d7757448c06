// Reads of on-call schedules and escalation policies, scoped to a workspace: who is on call, which policy pages.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { escalationPolicies, oncallOverrides, oncallSchedules, type EscalationLevel, type EscalationPolicy, type OncallSchedule } from "../db/schema.js";
import { onCallNowAndNext, shiftAt, type OnCallShift, type Override, type Rotation } from "./rotation.js";

const rotationOf = (s: OncallSchedule): Rotation => ({
  timeZone: s.timeZone,
  handoffTime: s.handoffTime,
  lengthHours: s.lengthHours,
  startDate: s.startDate,
  members: s.members,
});

export async function schedulesOf(db: DbOrTx, teamId: string): Promise<OncallSchedule[]> {
  return db.select().from(oncallSchedules).where(eq(oncallSchedules.teamId, teamId)).orderBy(asc(oncallSchedules.name));
}

export async function scheduleNamed(db: DbOrTx, teamId: string, name: string): Promise<OncallSchedule | undefined> {
  const [row] = await db.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.name, name)));
  return row;
}

async function overridesOf(db: DbOrTx, teamId: string, scheduleId: number, after: Date): Promise<Override[]> {
  return db
    .select({ userId: oncallOverrides.userId, startsAt: oncallOverrides.startsAt, endsAt: oncallOverrides.endsAt })
    .from(oncallOverrides)
    .where(and(eq(oncallOverrides.teamId, teamId), eq(oncallOverrides.scheduleId, scheduleId), gt(oncallOverrides.endsAt, after)));
}

export async function onCallFor(db: DbOrTx, schedule: OncallSchedule, at: Date): Promise<{ now?: OnCallShift; next?: OnCallShift }> {
  return onCallNowAndNext(rotationOf(schedule), await overridesOf(db, schedule.teamId, schedule.id, at), at);
}

/** Who is on call now and next on each of these schedules of one workspace, with one read of their covers. */
export async function onCallForEach(db: DbOrTx, teamId: string, schedules: OncallSchedule[], at: Date): Promise<Array<{ schedule: OncallSchedule; now?: OnCallShift; next?: OnCallShift }>> {
  if (schedules.length === 0) return [];
  const covers = await db
    .select({ scheduleId: oncallOverrides.scheduleId, userId: oncallOverrides.userId, startsAt: oncallOverrides.startsAt, endsAt: oncallOverrides.endsAt })
    .from(oncallOverrides)
    .where(and(eq(oncallOverrides.teamId, teamId), inArray(oncallOverrides.scheduleId, schedules.map((s) => s.id)), gt(oncallOverrides.endsAt, at)));
  return schedules.map((schedule) => ({ schedule, ...onCallNowAndNext(rotationOf(schedule), covers.filter((c) => c.scheduleId === schedule.id), at) }));
}

async function onCallUser(db: DbOrTx, teamId: string, scheduleId: number, at: Date): Promise<string | undefined> {
  const [schedule] = await db.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.id, scheduleId)));
  if (!schedule) return undefined;
  return shiftAt(rotationOf(schedule), await overridesOf(db, teamId, scheduleId, at), at)?.userId;
}

/** The people and user groups one escalation level reaches at `at`. */
export async function reachOfLevel(db: DbOrTx, teamId: string, level: EscalationLevel, at: Date): Promise<{ users: string[]; groups: string[] }> {
  const users = new Set<string>();
  const groups: string[] = [];
  for (const target of level.targets) {
    if (target.type === "user") users.add(target.userId);
    else if (target.type === "usergroup") groups.push(target.groupId);
    else {
      const onCall = await onCallUser(db, teamId, target.scheduleId, at);
      if (onCall) users.add(onCall);
    }
  }
  return { users: [...users], groups };
}

/** The policy of the first affected service that has one, else the workspace default. */
export async function policyForServices(db: DbOrTx, teamId: string, services: string[]): Promise<EscalationPolicy | undefined> {
  const policies = await db.select().from(escalationPolicies).where(eq(escalationPolicies.teamId, teamId)).orderBy(asc(escalationPolicies.id));
  const wanted = services.map((s) => s.toLowerCase());
  return (
    policies.find((p) => p.services.some((s) => wanted.includes(s.toLowerCase()))) ?? policies.find((p) => p.isDefault === 1)
  );
}

export async function policyById(db: DbOrTx, teamId: string, id: number): Promise<EscalationPolicy | undefined> {
  const [row] = await db.select().from(escalationPolicies).where(and(eq(escalationPolicies.teamId, teamId), eq(escalationPolicies.id, id)));
  return row;
}

export async function policiesOf(db: DbOrTx, teamId: string): Promise<EscalationPolicy[]> {
  return db.select().from(escalationPolicies).where(eq(escalationPolicies.teamId, teamId)).orderBy(asc(escalationPolicies.name));
}

export async function scheduleById(db: DbOrTx, teamId: string, id: number): Promise<OncallSchedule | undefined> {
  const [row] = await db.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.id, id)));
  return row;
}

/** Covers of a schedule that have not ended yet, soonest first. */
export async function upcomingCovers(db: DbOrTx, teamId: string, scheduleId: number, at: Date) {
  return db
    .select()
    .from(oncallOverrides)
    .where(and(eq(oncallOverrides.teamId, teamId), eq(oncallOverrides.scheduleId, scheduleId), gt(oncallOverrides.endsAt, at)))
    .orderBy(asc(oncallOverrides.startsAt));
}
