// On-call in Slack: who is on call now and next, and the forms for schedules, covers and escalation policies.
import type { View } from "@slack/types";
import type { EscalationPolicy, OncallSchedule } from "../../db/schema.js";
import type { OnCallShift } from "../../oncall/rotation.js";
import type { SlackMessage } from "../gateway.js";
import { DEFAULT_OPTION, OncallActions, OverrideBlocks, POLICY_FORM_LEVELS, PolicyBlocks, ScheduleBlocks, Views, policyLevelBlock } from "../ids.js";
import { modal } from "./modal.js";
import { escapeText, mentionUser } from "./text.js";
import { Limits, input, plainText, section } from "./kit.js";
const plain = (text: string) => plainText(text, 150);
/** Room for the most a policy may hold (20 services of 60 characters, comma-separated), so editing one always opens. */
const POLICY_SERVICES_INPUT_MAX = 20 * 60 + 19 * 2;

const when = (at: Date) => `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${at.toISOString().slice(0, 16).replace("T", " ")} UTC>`;

const lengthOptions = [
  { value: "24", label: "Daily" },
  { value: "168", label: "Weekly" },
  { value: "custom", label: "Custom (hours below)" },
] as const;

export function onCallOverview(rows: Array<{ schedule: OncallSchedule; now?: OnCallShift; next?: OnCallShift }>, policies: EscalationPolicy[], schedulesById: Map<number, string>): SlackMessage {
  if (rows.length === 0 && policies.length === 0) {
    return {
      text: "No on-call schedules yet. `/incident oncall schedule` creates one; `/incident escalation policy` sets who gets paged.",
    };
  }
  const lines = rows.map(({ schedule, now, next }) => {
    const current = now ? `${mentionUser(now.userId)} until ${when(now.endsAt)}${now.override ? " (cover)" : ""}` : "_nobody_";
    const upcoming = next ? `${mentionUser(next.userId)} from ${when(next.startsAt)}` : "_nobody scheduled_";
    return `*${escapeText(schedule.name)}* (${escapeText(schedule.timeZone)}) · now: ${current} · next: ${upcoming}`;
  });
  const policyLines = policies.map((p) => {
    const levels = p.levels
      .map((l, i) => {
        const who = l.targets
          .map((t) => (t.type === "user" ? mentionUser(t.userId) : t.type === "schedule" ? `_${escapeText(schedulesById.get(t.scheduleId) ?? "deleted schedule")}_` : `<!subteam^${t.groupId}>`))
          .join(", ");
        return `${i + 1}. ${who}${l.delayMinutes ? ` (${l.delayMinutes}m)` : ""}`;
      })
      .join(" → ");
    const scope = [p.isDefault ? "default" : "", p.services.length ? `services: ${p.services.map(escapeText).join(", ")}` : ""].filter(Boolean).join("; ");
    const pages = [levels, p.pagerdutyRoutingKey ? "PagerDuty" : ""].filter(Boolean).join(" · ");
    return `*${escapeText(p.name)}*${scope ? ` (${scope})` : ""}: ${pages}${p.repeat && levels ? ` · repeats ${p.repeat}×` : ""}`;
  });
  return {
    text: "Who is on call",
    blocks: [
      section(`:pager: *On call*\n${lines.join("\n") || "_No schedules yet: `/incident oncall schedule`._"}`),
      section(`*Escalation policies*\n${policyLines.join("\n") || "_None yet: `/incident escalation policy`._"}`),
    ],
  };
}


export function scheduleModal(existing: OncallSchedule | undefined, defaults: { timeZone: string; today: string }): View {
  const length = existing ? (existing.lengthHours === 24 ? "24" : existing.lengthHours === 168 ? "168" : "custom") : "168";
  const option = (o: (typeof lengthOptions)[number]) => ({ text: plain(o.label), value: o.value });
  return modal({
    callbackId: Views.schedule,
    title: existing ? "Edit schedule" : "New on-call schedule",
    submit: "Save",
    blocks: [
      input(ScheduleBlocks.name, "Name", { type: "plain_text_input", max_length: 80, placeholder: plain("Payments primary"), ...(existing ? { initial_value: existing.name } : {}) }),
      input(ScheduleBlocks.members, "People, in rotation order", { type: "multi_users_select", ...(existing ? { initial_users: existing.members } : {}) }),
      input(ScheduleBlocks.timeZone, "Time zone", { type: "plain_text_input", max_length: 60, initial_value: existing?.timeZone ?? defaults.timeZone }, { hint: plain("An IANA zone such as Europe/London or America/New_York; handoffs follow its clock, DST included.") }),
      input(ScheduleBlocks.handoff, "Handoff time", { type: "timepicker", initial_time: existing?.handoffTime ?? "09:00" }),
      input(ScheduleBlocks.length, "Rotation", { type: "static_select", options: lengthOptions.map(option), initial_option: option(lengthOptions.find((o) => o.value === length)!) }),
      input(ScheduleBlocks.customHours, "Custom length in hours", { type: "number_input", is_decimal_allowed: false, min_value: "1", ...(length === "custom" ? { initial_value: String(existing!.lengthHours) } : {}) }, { optional: true }),
      input(ScheduleBlocks.startDate, "First handoff on", { type: "datepicker", initial_date: existing?.startDate ?? defaults.today }),
    ],
  });
}

export function overrideModal(schedule: OncallSchedule, today: string): View {
  return modal({
    callbackId: Views.override,
    privateMetadata: { scheduleId: schedule.id },
    title: "Cover a shift",
    submit: "Save",
    blocks: [
      section(`Who covers *${escapeText(schedule.name)}*, and when (times in ${escapeText(schedule.timeZone)}).`),
      input(OverrideBlocks.user, "Covered by", { type: "users_select" }),
      input(OverrideBlocks.startDate, "From (date)", { type: "datepicker", initial_date: today }),
      input(OverrideBlocks.startTime, "From (time)", { type: "timepicker", initial_time: "09:00" }),
      input(OverrideBlocks.endDate, "Until (date)", { type: "datepicker", initial_date: today }),
      input(OverrideBlocks.endTime, "Until (time)", { type: "timepicker", initial_time: "18:00" }),
    ],
  });
}

export function policyModal(existing: EscalationPolicy | undefined, schedules: OncallSchedule[]): View {
  const scheduleOptions = schedules.slice(0, 100).map((s) => ({ text: plainText(s.name, Limits.option), value: String(s.id) }));
  const levelBlocks = Array.from({ length: POLICY_FORM_LEVELS }, (_, i) => {
    const n = i + 1;
    const level = existing?.levels[i];
    const users = level?.targets.flatMap((t) => (t.type === "user" ? [t.userId] : [])) ?? [];
    const scheduleId = level?.targets.find((t) => t.type === "schedule");
    const initialSchedule = scheduleId && scheduleId.type === "schedule" ? scheduleOptions.find((o) => o.value === String(scheduleId.scheduleId)) : undefined;
    const group = level?.targets.find((t) => t.type === "usergroup");
    return [
      { type: "header", text: plain(`Level ${n}${n === 1 ? " (paged at once)" : ""}`) },
      input(policyLevelBlock(n, "schedule"), "Whoever is on call in", scheduleOptions.length ? { type: "static_select", options: scheduleOptions, ...(initialSchedule ? { initial_option: initialSchedule } : {}) } : { type: "plain_text_input", placeholder: plain("No schedules yet") }, { optional: true }),
      input(policyLevelBlock(n, "users"), "And/or these people", { type: "multi_users_select", ...(users.length ? { initial_users: users } : {}) }, { optional: true }),
      input(
        policyLevelBlock(n, "group"),
        "And/or a user group",
        { type: "plain_text_input", max_length: 100, placeholder: plain("S0123ABCD"), ...(group && group.type === "usergroup" ? { initial_value: group.groupId } : {}) },
        { optional: true, hint: plain("The group's ID (S…). It is mentioned in the war room when its level is paged; people are DMed.") },
      ),
      input(
        policyLevelBlock(n, "delay"),
        "Minutes before the next level",
        { type: "number_input", is_decimal_allowed: false, min_value: "1", ...(level?.delayMinutes ? { initial_value: String(level.delayMinutes) } : {}) },
        { optional: true, hint: plain("Empty: the severity's own pace (SEV1: 5 minutes to acknowledge, then every 10).") },
      ),
    ];
  }).flat();
  return modal({
    callbackId: Views.policy,
    title: existing ? "Edit policy" : "Escalation policy",
    submit: "Save",
    blocks: [
      input(PolicyBlocks.name, "Name", { type: "plain_text_input", max_length: 80, ...(existing ? { initial_value: existing.name } : {}) }),
      input(PolicyBlocks.services, "Services it covers", { type: "plain_text_input", max_length: POLICY_SERVICES_INPUT_MAX, placeholder: plain("checkout, payments"), ...(existing?.services.length ? { initial_value: existing.services.join(", ") } : {}) }, { optional: true }),
      input(
        PolicyBlocks.isDefault,
        "Default",
        { type: "checkboxes", options: [{ text: plain("Use for incidents of any other service"), value: DEFAULT_OPTION }], ...(existing?.isDefault ? { initial_options: [{ text: plain("Use for incidents of any other service"), value: DEFAULT_OPTION }] } : {}) },
        { optional: true },
      ),
      input(PolicyBlocks.repeat, "Repeat the whole policy", { type: "number_input", is_decimal_allowed: false, min_value: "0", max_value: "5", initial_value: String(existing?.repeat ?? 0) }, { hint: plain("Times to start again from level 1 when nobody acknowledged.") }),
      input(
        PolicyBlocks.pagerDuty,
        "PagerDuty integration key",
        { type: "plain_text_input", max_length: 100, placeholder: plain(existing?.pagerdutyRoutingKey ? "Leave empty to keep the saved key" : "32 characters, from the service's Integrations tab") },
        {
          optional: true,
          // The saved key is never shown back, only its end, so the form cannot leak it to whoever opens it.
          hint: plain(
            existing?.pagerdutyRoutingKey
              ? `Incidents this policy pages also page PagerDuty, through the key ending …${existing.pagerdutyRoutingKey.slice(-4)}. Leave empty to keep it, type none to stop, or paste another.`
              : "An Events API v2 integration key: incidents this policy pages also trigger, acknowledge and resolve an alert on that PagerDuty service.",
          ),
        },
      ),
      ...levelBlocks,
    ],
  });
}

/** Upcoming covers of one schedule, each with a Remove button. */
export function coverList(schedule: OncallSchedule, covers: Array<{ id: number; userId: string; startsAt: Date; endsAt: Date }>): SlackMessage {
  if (covers.length === 0) return { text: `No upcoming covers for ${escapeText(schedule.name)}. \`/incident oncall cover ${escapeText(schedule.name)}\` adds one.` };
  return {
    text: `Upcoming covers for ${escapeText(schedule.name)}`,
    blocks: [
      section(`*Upcoming covers for ${escapeText(schedule.name)}*`),
      ...covers.slice(0, 40).map((c) => ({
        type: "section",
        text: { type: "mrkdwn", text: `${mentionUser(c.userId)} from ${when(c.startsAt)} until ${when(c.endsAt)}` },
        accessory: { type: "button", text: plain("Remove"), action_id: OncallActions.removeCover, value: String(c.id) },
      })),
    ],
  };
}
