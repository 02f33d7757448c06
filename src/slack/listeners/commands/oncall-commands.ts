// /incident oncall and /incident escalation: who is on call, and the forms that set schedules, covers and policies.
import { onCallFor, policiesOf, scheduleNamed, schedulesOf, upcomingCovers } from "../../../oncall/directory.js";
import { localParts } from "../../../oncall/zoned-time.js";
import { coverList, onCallOverview, overrideModal, policyModal, scheduleModal } from "../../blocks/oncall.js";
import { echoTyped } from "../../blocks/text.js";
import type { ListenerDeps } from "../deps.js";
import type { SubcommandRequest, SubcommandResult } from "./war-room-commands.js";

const say = (text: string): SubcommandResult => ({ answer: { text } });

/** With INCIDENT_ADMINS set, only they may change who gets paged. */
export const mayConfigureOnCall = (deps: ListenerDeps, userId: string): boolean => deps.admins.size === 0 || deps.admins.has(userId);
const notAllowed = () => say("Sorry, only incident admins (INCIDENT_ADMINS) can change on-call schedules and escalation policies.");

export function todayIn(timeZone: string, at: Date): string {
  const p = localParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

async function overview(deps: ListenerDeps, teamId: string): Promise<SubcommandResult> {
  const now = deps.clock.now();
  const schedules = await schedulesOf(deps.db, teamId);
  const rows = await Promise.all(schedules.map(async (schedule) => ({ schedule, ...(await onCallFor(deps.db, schedule, now)) })));
  const policies = await policiesOf(deps.db, teamId);
  return { answer: onCallOverview(rows, policies, new Map(schedules.map((s) => [s.id, s.name]))) };
}

export async function oncall(deps: ListenerDeps, request: SubcommandRequest): Promise<SubcommandResult> {
  const [what = "", ...rest] = request.args.trim().split(/\s+/);
  const name = rest.join(" ").trim();
  switch (what.toLowerCase()) {
    case "":
      return overview(deps, request.teamId);
    case "schedule": {
      if (!mayConfigureOnCall(deps, request.userId)) return notAllowed();
      const existing = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (name && !existing) return say(`There is no schedule called "${echoTyped(name)}". \`/incident oncall\` lists them; \`/incident oncall schedule\` creates one.`);
      return { modal: scheduleModal(existing, { timeZone: deps.businessTimeZone ?? "UTC", today: todayIn(deps.businessTimeZone ?? "UTC", deps.clock.now()) }) };
    }
    case "cover":
    case "override": {
      if (!mayConfigureOnCall(deps, request.userId)) return notAllowed();
      const schedule = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (!schedule) return say("Name the schedule to cover: `/incident oncall cover Payments primary`.");
      return { modal: overrideModal(schedule, todayIn(schedule.timeZone, deps.clock.now())) };
    }
    case "covers": {
      const schedule = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (!schedule) return say("Name the schedule: `/incident oncall covers Payments primary`.");
      return { answer: coverList(schedule, await upcomingCovers(deps.db, request.teamId, schedule.id, deps.clock.now())) };
    }
    default:
      return say(
        "`/incident oncall` shows who is on call. `/incident oncall schedule [name]` creates or edits a schedule; `/incident oncall cover <schedule>` adds a cover; `/incident oncall covers <schedule>` lists and removes them.",
      );
  }
}

export async function escalation(deps: ListenerDeps, request: SubcommandRequest): Promise<SubcommandResult> {
  const [what = "", ...rest] = request.args.trim().split(/\s+/);
  if (what.toLowerCase() !== "policy") return overview(deps, request.teamId);
  if (!mayConfigureOnCall(deps, request.userId)) return notAllowed();
  const name = rest.join(" ").trim();
  const policies = await policiesOf(deps.db, request.teamId);
  const existing = name ? policies.find((p) => p.name === name) : undefined;
  if (name && !existing) return say(`There is no policy called "${echoTyped(name)}". \`/incident escalation policy\` creates one.`);
  return { modal: policyModal(existing, await schedulesOf(deps.db, request.teamId)) };
}
