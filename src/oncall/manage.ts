// Creating and changing on-call schedules, overrides and escalation policies. Input is checked with zod;
// a problem comes back as a message per field, never an exception. Each change is audited in its transaction.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { auditChange } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { escalationPolicies, oncallOverrides, oncallSchedules, type EscalationLevel, type EscalationPolicy, type OncallSchedule } from "../db/schema.js";
import { refreshHomesAfterScheduleChange } from "../home/refresh.js";
import { validateRotation } from "./rotation.js";

export type Saved<T> = { ok: true; value: T; created: boolean } | { ok: false; problems: Record<string, string> };

const slackUser = z.string().regex(/^[UW][A-Z0-9_]+$/);

const scheduleInputSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the schedule a name." }).max(80, { error: "Keep the name under 80 characters." }),
  timeZone: z.string().trim().min(1, { error: "Pick a time zone." }),
  handoffTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "Pick the handoff time." }),
  lengthHours: z.number({ error: "Give the rotation length in hours." }).int().min(1).max(24 * 28),
  startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Pick the date of the first handoff." }),
  members: z.array(slackUser).min(1, { error: "Add at least one person." }).max(50),
});

function problemsOf(error: z.ZodError): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const issue of error.issues) problems[String(issue.path[0] ?? "name")] ??= issue.message;
  return problems;
}

/** Creates the schedule, or replaces the one with the same name. */
export async function saveSchedule(db: Db, clock: Clock, teamId: string, userId: string, raw: unknown): Promise<Saved<OncallSchedule>> {
  const parsed = scheduleInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const input = parsed.data;
  const rotationProblems = validateRotation(input);
  if (rotationProblems.length) return { ok: false, problems: { timeZone: rotationProblems.join(" ") } };
  const now = clock.now();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.name, input.name)));
    const [row] = await tx
      .insert(oncallSchedules)
      .values({ teamId, ...input, createdBy: userId, updatedAt: now })
      .onConflictDoUpdate({ target: [oncallSchedules.teamId, oncallSchedules.name], set: { ...input, updatedAt: now } })
      .returning();
    await auditChange(tx, { teamId, at: now, actor: userId, action: existing ? "schedule_changed" : "schedule_created", subject: { kind: "schedule", id: row!.id, name: row!.name }, details: input });
    await refreshHomesAfterScheduleChange(tx, clock, row!, { previousMembers: existing?.members, userIds: [userId] }, `saved:${now.getTime()}`);
    return { ok: true as const, value: row!, created: !existing };
  });
}

export async function addOverride(
  db: Db,
  clock: Clock,
  teamId: string,
  userId: string,
  input: { scheduleId: number; coverUserId: string; startsAt: Date; endsAt: Date },
): Promise<Saved<{ id: number }>> {
  if (!(input.endsAt > input.startsAt)) return { ok: false, problems: { ends: "The cover must end after it starts." } };
  if (input.endsAt.getTime() - input.startsAt.getTime() > 90 * 24 * 3600_000) return { ok: false, problems: { ends: "Keep a cover under 90 days." } };
  return db.transaction(async (tx) => {
    const [schedule] = await tx.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.id, input.scheduleId)));
    if (!schedule) return { ok: false as const, problems: { schedule: "That schedule no longer exists." } };
    const [row] = await tx
      .insert(oncallOverrides)
      .values({ teamId, scheduleId: schedule.id, userId: input.coverUserId, startsAt: input.startsAt, endsAt: input.endsAt, createdBy: userId })
      .returning({ id: oncallOverrides.id });
    const { coverUserId, startsAt, endsAt } = input;
    await auditChange(tx, { teamId, at: clock.now(), actor: userId, action: "cover_added", subject: { kind: "cover", id: row!.id, scheduleId: schedule.id, name: schedule.name }, details: { coverUserId, startsAt, endsAt } });
    await refreshHomesAfterScheduleChange(tx, clock, schedule, { userIds: [input.coverUserId, userId] }, `cover:${row!.id}`);
    return { ok: true as const, value: row!, created: true };
  });
}

const levelSchema = z.object({
  targets: z
    .array(
      z.discriminatedUnion("type", [
        z.object({ type: z.literal("user"), userId: slackUser }),
        z.object({ type: z.literal("schedule"), scheduleId: z.number().int().positive() }),
        z.object({ type: z.literal("usergroup"), groupId: z.string().regex(/^S[A-Z0-9]+$/) }),
      ]),
    )
    .min(1),
  delayMinutes: z.number().int().min(1).max(24 * 60).nullable(),
});

const policyInputSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the policy a name." }).max(80),
  levels: z.array(levelSchema).max(5),
  repeat: z.number().int().min(0).max(5, { error: "Repeat at most 5 times." }),
  isDefault: z.boolean(),
  services: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(20),
  // Unset: keep the policy's key as it is (the form never shows a saved key); null: no PagerDuty service.
  pagerdutyRoutingKey: z
    .union([z.null(), z.string().trim().regex(/^[A-Za-z0-9]{32}$/, { error: "Paste the 32-character Integration Key of the PagerDuty service's Events API v2 integration, or type none." })])
    .optional(),
});

/** Creates or replaces a policy by name. Only one policy is the workspace default. */
export async function savePolicy(db: Db, clock: Clock, teamId: string, userId: string, raw: unknown): Promise<Saved<EscalationPolicy>> {
  const parsed = policyInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const input = parsed.data;
  const now = clock.now();
  return db.transaction(async (tx) => {
    for (const level of input.levels) {
      for (const target of level.targets) {
        if (target.type !== "schedule") continue;
        const [found] = await tx.select({ id: oncallSchedules.id }).from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.id, target.scheduleId)));
        if (!found) return { ok: false as const, problems: { levels: "One of the schedules no longer exists." } };
      }
    }
    const [existing] = await tx.select().from(escalationPolicies).where(and(eq(escalationPolicies.teamId, teamId), eq(escalationPolicies.name, input.name)));
    const pagerdutyRoutingKey = input.pagerdutyRoutingKey === undefined ? (existing?.pagerdutyRoutingKey ?? null) : input.pagerdutyRoutingKey;
    // A policy pages someone: people in Slack, or a PagerDuty service.
    if (input.levels.length === 0 && !pagerdutyRoutingKey) {
      return { ok: false as const, problems: { levels: "Add at least one level: a person or a schedule to page (or a PagerDuty integration key)." } };
    }
    if (input.isDefault) await tx.update(escalationPolicies).set({ isDefault: 0 }).where(eq(escalationPolicies.teamId, teamId));
    const values = { levels: input.levels as EscalationLevel[], repeat: input.repeat, isDefault: input.isDefault ? 1 : 0, services: input.services, pagerdutyRoutingKey, updatedAt: now };
    const [row] = await tx
      .insert(escalationPolicies)
      .values({ teamId, name: input.name, ...values, createdBy: userId })
      .onConflictDoUpdate({ target: [escalationPolicies.teamId, escalationPolicies.name], set: values })
      .returning();
    // The PagerDuty key is a secret of sorts: the audit says whether there is one, not what it is.
    const { pagerdutyRoutingKey: key, ...audited } = values;
    await auditChange(tx, {
      teamId,
      at: now,
      actor: userId,
      action: existing ? "escalation_policy_changed" : "escalation_policy_created",
      subject: { kind: "escalation_policy", id: row!.id, name: row!.name },
      details: { ...audited, pagerduty: Boolean(key) },
    });
    return { ok: true as const, value: row!, created: !existing };
  });
}

/** Removes a cover; false when it was already gone. */
export async function removeOverride(db: Db, clock: Clock, teamId: string, userId: string, overrideId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(oncallOverrides)
      .where(and(eq(oncallOverrides.teamId, teamId), eq(oncallOverrides.id, overrideId)))
      .returning();
    if (!removed) return false;
    const [schedule] = await tx.select().from(oncallSchedules).where(and(eq(oncallSchedules.teamId, teamId), eq(oncallSchedules.id, removed.scheduleId)));
    if (schedule) await refreshHomesAfterScheduleChange(tx, clock, schedule, { userIds: [removed.userId, userId] }, `uncover:${overrideId}`);
    const { userId: coverUserId, startsAt, endsAt } = removed;
    await auditChange(tx, { teamId, at: clock.now(), actor: userId, action: "cover_removed", subject: { kind: "cover", id: removed.id, scheduleId: removed.scheduleId }, details: { coverUserId, startsAt, endsAt } });
    return true;
  });
}
