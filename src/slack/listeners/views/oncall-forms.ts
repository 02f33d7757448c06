// The on-call forms: a schedule, a cover, an escalation policy. With INCIDENT_ADMINS set, only admins may save them.
import { z } from "zod";
import type { EscalationTarget } from "../../../db/schema.js";
import { scheduleById } from "../../../oncall/directory.js";
import { addOverride, savePolicy, saveSchedule, type Saved } from "../../../oncall/manage.js";
import { onCallConfigurable } from "../../../oncall/permissions.js";
import { zonedToUtc } from "../../../oncall/zoned-time.js";
import { DEFAULT_OPTION, OverrideBlocks, POLICY_FORM_LEVELS, PolicyBlocks, ScheduleBlocks, policyLevelBlock } from "../../ids.js";
import { checked, field, safeJson, typed, valuesOf, type Values } from "../forms.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

const text = (values: Values, block: string) => typed(values, block).trim();
const numberOrNull = (values: Values, block: string) => {
  const raw = text(values, block);
  return raw === "" ? null : Number(raw);
};

const scheduleFieldBlocks: Record<string, string> = {
  name: ScheduleBlocks.name,
  members: ScheduleBlocks.members,
  timeZone: ScheduleBlocks.timeZone,
  handoffTime: ScheduleBlocks.handoff,
  lengthHours: ScheduleBlocks.customHours,
  startDate: ScheduleBlocks.startDate,
};

function errorsFor<T>(saved: Saved<T>, blocks: Record<string, string>, fallback: string): Record<string, string> | undefined {
  if (saved.ok) return undefined;
  const errors: Record<string, string> = {};
  for (const [name, message] of Object.entries(saved.problems)) errors[blocks[name] ?? fallback] ??= message;
  return errors;
}

export const scheduleSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  if (!(await onCallConfigurable(deps, { teamId: teamOf(body), userId: body.user.id }, "schedule_save"))) return showErrors(args, { [ScheduleBlocks.name]: "Only incident admins can change on-call schedules." });
  const v = valuesOf(view);
  const length = field(v, ScheduleBlocks.length)?.selected_option?.value;
  const saved = await saveSchedule(deps.db, deps.clock, teamOf(body), body.user.id, {
    name: text(v, ScheduleBlocks.name),
    members: field(v, ScheduleBlocks.members)?.selected_users ?? [],
    timeZone: text(v, ScheduleBlocks.timeZone),
    handoffTime: field(v, ScheduleBlocks.handoff)?.selected_time ?? "",
    lengthHours: length === "custom" ? numberOrNull(v, ScheduleBlocks.customHours) : Number(length),
    startDate: field(v, ScheduleBlocks.startDate)?.selected_date ?? "",
  });
  const errors = errorsFor(saved, scheduleFieldBlocks, ScheduleBlocks.name);
  await args.ack(errors ? { response_action: "errors", errors } : undefined);
  if (saved.ok) deps.deliverNow();
};

export const coverSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const teamId = teamOf(body);
  const meta = z.object({ scheduleId: z.number().int().positive() }).safeParse(safeJson(view.private_metadata));
  const v = valuesOf(view);
  const cover = field(v, OverrideBlocks.user)?.selected_user;
  if (!meta.success) return showErrors(args, { [OverrideBlocks.user]: "This form is out of date; run /incident oncall cover again." });
  if (!cover) return showErrors(args, { [OverrideBlocks.user]: "Pick who covers." });
  if (!(await onCallConfigurable(deps, { teamId: teamOf(body), userId: body.user.id }, "cover_add"))) return showErrors(args, { [OverrideBlocks.user]: "Only incident admins can add covers." });
  const schedule = await scheduleById(deps.db, teamId, meta.data.scheduleId);
  const at = (dateBlock: string, timeBlock: string) => {
    const [year, month, day] = (field(v, dateBlock)?.selected_date ?? "").split("-").map(Number);
    const [hour, minute] = (field(v, timeBlock)?.selected_time ?? "").split(":").map(Number);
    return zonedToUtc({ year: year!, month: month!, day: day!, hour: hour!, minute: minute! }, schedule?.timeZone ?? "UTC");
  };
  const startsAt = at(OverrideBlocks.startDate, OverrideBlocks.startTime);
  const endsAt = at(OverrideBlocks.endDate, OverrideBlocks.endTime);
  if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) return showErrors(args, { [OverrideBlocks.endDate]: "Pick the dates and times the cover starts and ends." });
  const saved = await addOverride(deps.db, deps.clock, teamId, body.user.id, { scheduleId: meta.data.scheduleId, coverUserId: cover, startsAt, endsAt });
  const errors = errorsFor(saved, { ends: OverrideBlocks.endDate, schedule: OverrideBlocks.user }, OverrideBlocks.user);
  await args.ack(errors ? { response_action: "errors", errors } : undefined);
  if (saved.ok) deps.deliverNow();
};

/** Empty keeps the saved key (the form never shows it), "none" removes it, anything else is the new key. */
const pagerDutyKeyTyped = (typed: string): string | null | undefined => (typed.trim() === "" ? undefined : /^none$/i.test(typed.trim()) ? null : typed.trim());

export const policySubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  if (!(await onCallConfigurable(deps, { teamId: teamOf(body), userId: body.user.id }, "escalation_policy_save"))) return showErrors(args, { [PolicyBlocks.name]: "Only incident admins can change escalation policies." });
  const v = valuesOf(view);
  const levels = [];
  for (let n = 1; n <= POLICY_FORM_LEVELS; n++) {
    const targets: EscalationTarget[] = [];
    const scheduleId = Number(field(v, policyLevelBlock(n, "schedule"))?.selected_option?.value);
    if (Number.isSafeInteger(scheduleId) && scheduleId > 0) targets.push({ type: "schedule", scheduleId });
    for (const userId of field(v, policyLevelBlock(n, "users"))?.selected_users ?? []) targets.push({ type: "user", userId });
    // Accept the bare ID or a pasted mention such as <!subteam^S0123|@oncall>.
    const group = /S[A-Z0-9]{2,}/.exec(text(v, policyLevelBlock(n, "group")))?.[0];
    if (group) targets.push({ type: "usergroup", groupId: group });
    if (targets.length) levels.push({ targets, delayMinutes: numberOrNull(v, policyLevelBlock(n, "delay")) });
  }
  const saved = await savePolicy(deps.db, deps.clock, teamOf(body), body.user.id, {
    name: text(v, PolicyBlocks.name),
    services: text(v, PolicyBlocks.services).split(",").map((s) => s.trim()).filter(Boolean),
    repeat: numberOrNull(v, PolicyBlocks.repeat) ?? 0,
    isDefault: checked(v, PolicyBlocks.isDefault, DEFAULT_OPTION),
    levels,
    pagerdutyRoutingKey: pagerDutyKeyTyped(text(v, PolicyBlocks.pagerDuty)),
  });
  const errors = errorsFor(
    saved,
    { name: PolicyBlocks.name, levels: policyLevelBlock(1, "users"), repeat: PolicyBlocks.repeat, services: PolicyBlocks.services, pagerdutyRoutingKey: PolicyBlocks.pagerDuty },
    PolicyBlocks.name,
  );
  await args.ack(errors ? { response_action: "errors", errors } : undefined);
};
