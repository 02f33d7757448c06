// The on-call forms (schedule, cover, escalation policy) and the Remove button of the cover list.
import type { App, BlockButtonAction, ViewOutput } from "@slack/bolt";
import { z } from "zod";
import type { EscalationTarget } from "../../../db/schema.js";
import { addOverride, removeOverride, savePolicy, saveSchedule, type Saved } from "../../../oncall/manage.js";
import { zonedToUtc } from "../../../oncall/zoned-time.js";
import { scheduleById } from "../../../oncall/directory.js";
import { DEFAULT_OPTION, OncallActions, OverrideBlocks, POLICY_FORM_LEVELS, PolicyBlocks, ScheduleBlocks, Views, inputAction, policyLevelBlock } from "../../ids.js";
import { mayConfigureOnCall } from "../commands/oncall-commands.js";
import type { ListenerDeps } from "../deps.js";

type Values = ViewOutput["state"]["values"];
const field = (values: Values, block: string) => values[block]?.[inputAction(block)];
const text = (values: Values, block: string) => (field(values, block)?.value ?? "").trim();
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
  for (const [fieldName, message] of Object.entries(saved.problems)) errors[blocks[fieldName] ?? fallback] ??= message;
  return errors;
}

export function registerOncallViews(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(OncallActions.removeCover, async ({ ack, body, action, respond }) => {
    await ack();
    if (!mayConfigureOnCall(deps, body.user.id)) {
      await respond({ response_type: "ephemeral", replace_original: false, text: "Sorry, only incident admins can remove covers." });
      return;
    }
    const removed = await removeOverride(deps.db, body.team?.id ?? "", Number(action.value));
    await respond({ response_type: "ephemeral", replace_original: false, text: removed ? "Cover removed." : "That cover was already removed." });
  });

  app.view(Views.schedule, async ({ ack, body, view }) => {
    if (!mayConfigureOnCall(deps, body.user.id)) {
      await ack({ response_action: "errors", errors: { [ScheduleBlocks.name]: "Only incident admins can change on-call schedules." } });
      return;
    }
    const v = view.state.values;
    const length = field(v, ScheduleBlocks.length)?.selected_option?.value;
    const saved = await saveSchedule(deps.db, deps.clock, body.team?.id ?? "", body.user.id, {
      name: text(v, ScheduleBlocks.name),
      members: field(v, ScheduleBlocks.members)?.selected_users ?? [],
      timeZone: text(v, ScheduleBlocks.timeZone),
      handoffTime: field(v, ScheduleBlocks.handoff)?.selected_time ?? "",
      lengthHours: length === "custom" ? numberOrNull(v, ScheduleBlocks.customHours) : Number(length),
      startDate: field(v, ScheduleBlocks.startDate)?.selected_date ?? "",
    });
    const errors = errorsFor(saved, scheduleFieldBlocks, ScheduleBlocks.name);
    await ack(errors ? { response_action: "errors", errors } : undefined);
  });

  app.view(Views.override, async ({ ack, body, view }) => {
    const teamId = body.team?.id ?? "";
    const meta = z.object({ scheduleId: z.number() }).safeParse(JSON.parse(view.private_metadata || "{}"));
    const v = view.state.values;
    const cover = field(v, OverrideBlocks.user)?.selected_user;
    if (!meta.success || !cover || !mayConfigureOnCall(deps, body.user.id)) {
      await ack({ response_action: "errors", errors: { [OverrideBlocks.user]: cover ? "Only incident admins can add covers." : "Pick who covers." } });
      return;
    }
    const schedule = await scheduleById(deps.db, teamId, meta.data.scheduleId);
    const at = (dateBlock: string, timeBlock: string) => {
      const [year, month, day] = (field(v, dateBlock)?.selected_date ?? "").split("-").map(Number);
      const [hour, minute] = (field(v, timeBlock)?.selected_time ?? "").split(":").map(Number);
      return zonedToUtc({ year: year!, month: month!, day: day!, hour: hour!, minute: minute! }, schedule?.timeZone ?? "UTC");
    };
    const saved = await addOverride(deps.db, teamId, body.user.id, {
      scheduleId: meta.data.scheduleId,
      coverUserId: cover,
      startsAt: at(OverrideBlocks.startDate, OverrideBlocks.startTime),
      endsAt: at(OverrideBlocks.endDate, OverrideBlocks.endTime),
    });
    const errors = errorsFor(saved, { ends: OverrideBlocks.endDate, schedule: OverrideBlocks.user }, OverrideBlocks.user);
    await ack(errors ? { response_action: "errors", errors } : undefined);
  });

  app.view(Views.policy, async ({ ack, body, view }) => {
    if (!mayConfigureOnCall(deps, body.user.id)) {
      await ack({ response_action: "errors", errors: { [PolicyBlocks.name]: "Only incident admins can change escalation policies." } });
      return;
    }
    const v = view.state.values;
    const levels = [];
    for (let n = 1; n <= POLICY_FORM_LEVELS; n++) {
      const targets: EscalationTarget[] = [];
      const scheduleId = Number(field(v, policyLevelBlock(n, "schedule"))?.selected_option?.value);
      if (scheduleId) targets.push({ type: "schedule", scheduleId });
      for (const userId of field(v, policyLevelBlock(n, "users"))?.selected_users ?? []) targets.push({ type: "user", userId });
      // Accept the bare ID or a pasted mention such as <!subteam^S0123|@oncall>.
      const group = /S[A-Z0-9]{2,}/.exec(text(v, policyLevelBlock(n, "group")))?.[0];
      if (group) targets.push({ type: "usergroup", groupId: group });
      if (targets.length) levels.push({ targets, delayMinutes: numberOrNull(v, policyLevelBlock(n, "delay")) });
    }
    const saved = await savePolicy(deps.db, deps.clock, body.team?.id ?? "", body.user.id, {
      name: text(v, PolicyBlocks.name),
      services: text(v, PolicyBlocks.services).split(",").map((s) => s.trim()).filter(Boolean),
      repeat: numberOrNull(v, PolicyBlocks.repeat) ?? 0,
      isDefault: Boolean(field(v, PolicyBlocks.isDefault)?.selected_options?.some((o) => o.value === DEFAULT_OPTION)),
      levels,
    });
    const errors = errorsFor(saved, { name: PolicyBlocks.name, levels: policyLevelBlock(1, "users"), repeat: PolicyBlocks.repeat, services: PolicyBlocks.services }, PolicyBlocks.name);
    await ack(errors ? { response_action: "errors", errors } : undefined);
  });
}
