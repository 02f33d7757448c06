// How long each severity may wait: to be acknowledged, between escalations, between status updates, to be
// resolved; and when the war room's nudges are due. Pure: the deadlines of an incident follow from its declaration
// time, its severity, its last progress, what it was already nudged about and this table.
import { z } from "zod";
import type { Config } from "../config.js";
import { addLocalDays, localParts, zonedToUtc } from "../oncall/zoned-time.js";
import { severities, type Severity } from "./lifecycle.js";
import { roleHolder, type Role } from "./roles.js";

interface SeverityTimers {
  /** null: the next business morning. */
  ackMinutes: number | null;
  /** 0: no escalation beyond the first level. */
  escalateMinutes: number;
  /** 0: no update reminders. */
  updateMinutes: number;
  resolveMinutes: number;
}

export interface ClockSettings {
  timers: Record<Severity, SeverityTimers>;
  staleDays: number;
  /** Minutes; 0 turns a nudge off. */
  nudges: { unclaimedRolesMinutes: number; noProgressMinutes: number };
  business: { timeZone: string; dayStart: string };
}

export function clockSettings(config: Config): ClockSettings {
  const n = (s: Severity) => s.slice(3) as "1" | "2" | "3" | "4";
  const timers = Object.fromEntries(
    severities.map((s) => [
      s,
      {
        ackMinutes: config[`ACK_MINUTES_SEV${n(s)}`] ?? null,
        escalateMinutes: config[`ESCALATE_MINUTES_SEV${n(s)}`] ?? 0,
        updateMinutes: config[`UPDATE_MINUTES_SEV${n(s)}`] ?? 0,
        resolveMinutes: config[`RESOLVE_MINUTES_SEV${n(s)}`] ?? 0,
      },
    ]),
  ) as Record<Severity, SeverityTimers>;
  return {
    timers,
    staleDays: config.STALE_DAYS,
    nudges: { unclaimedRolesMinutes: config.NUDGE_UNCLAIMED_ROLES_MINUTES, noProgressMinutes: config.NUDGE_NO_PROGRESS_MINUTES },
    business: { timeZone: config.BUSINESS_TIMEZONE, dayStart: config.BUSINESS_DAY_START },
  };
}

const MINUTE = 60_000;
const plusMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * MINUTE);

/** The start of the next working day (Monday to Friday) after `at`, in the business time zone. */
export function nextBusinessMorning(at: Date, business: ClockSettings["business"]): Date {
  const [hour, minute] = business.dayStart.split(":").map(Number) as [number, number];
  const today = localParts(at, business.timeZone);
  let day = { year: today.year, month: today.month, day: today.day };
  for (let i = 1; i <= 7; i++) {
    day = addLocalDays(day, 1);
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return zonedToUtc({ ...day, hour, minute }, business.timeZone);
  }
  throw new Error("unreachable: a week has working days");
}

export function ackDeadline(declaredAt: Date, severity: Severity, settings: ClockSettings): Date {
  const minutes = settings.timers[severity].ackMinutes;
  return minutes === null ? nextBusinessMorning(declaredAt, settings.business) : plusMinutes(declaredAt, minutes);
}

export function resolveDeadline(declaredAt: Date, severity: Severity, settings: ClockSettings): Date {
  return plusMinutes(declaredAt, settings.timers[severity].resolveMinutes);
}

/** "5m", "next business day": how a target reads in a message. */
export function ackTargetLabel(severity: Severity, settings: ClockSettings): string {
  const minutes = settings.timers[severity].ackMinutes;
  return minutes === null ? "the next business day" : minutesLabel(minutes);
}

export function minutesLabel(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return minutes > 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
}

// --- Nudges: once per window, each can be snoozed. ---

export const nudgeKinds = ["unclaimed_roles", "no_progress"] as const;
export const nudgeKindSchema = z.enum(nudgeKinds);
export type NudgeKind = z.infer<typeof nudgeKindSchema>;

/** How long "Snooze" keeps a nudge quiet. */
export const NUDGE_SNOOZE_MINUTES = 30;

/** What an incident was last nudged about (ISO times): kept on the incident, so each nudge is said once per window. */
export type NudgeState = Partial<Record<NudgeKind, { at?: string; asked?: Role[]; snoozedUntil?: string }>>;

/** The roles the guide wants filled early, by severity: a Comms Lead for SEV1–2, a Scribe for SEV1–3. */
const rolesWantedBySeverity: Record<Severity, Role[]> = {
  sev1: ["comms_lead", "scribe"],
  sev2: ["comms_lead", "scribe"],
  sev3: ["scribe"],
  sev4: [],
};

/** The no-progress nudge ("consider escalating") is for these severities only. */
const noProgressSeverities: ReadonlySet<Severity> = new Set(["sev1"]);

type NudgedIncident = {
  severity: Severity;
  declaredAt: Date;
  lastUpdateAt: Date | null;
  nudges: NudgeState;
  commsLeadId: string | null;
  scribeId: string | null;
  techLeadId: string | null;
  commanderId: string;
};

const later = (a: Date, b: string | undefined): Date => (b && new Date(b) > a ? new Date(b) : a);

/** The roles this incident's severity wants that nobody holds. */
export function unclaimedRoles(incident: NudgedIncident): Role[] {
  return rolesWantedBySeverity[incident.severity].filter((role) => !roleHolder(incident, role));
}

/**
 * When to ask the war room who takes its unclaimed roles: the window opens N minutes after the declaration; a role
 * is asked about once (a severity change that wants a new role asks again, about it), and a snooze asks again about
 * all of them when it ends. Null: nothing to ask.
 */
export function unclaimedRolesNudgeAt(incident: NudgedIncident, settings: ClockSettings): Date | null {
  const minutes = settings.nudges.unclaimedRolesMinutes;
  const state = incident.nudges.unclaimed_roles ?? {};
  const asked = state.asked ?? [];
  if (minutes === 0 || unclaimedRoles(incident).every((role) => asked.includes(role))) return null;
  return later(plusMinutes(incident.declaredAt, minutes), state.snoozedUntil);
}

/** When the incident last moved: its last status change or posted update (or its declaration). */
export const lastProgressAt = (incident: Pick<NudgedIncident, "lastUpdateAt" | "declaredAt">): Date => incident.lastUpdateAt ?? incident.declaredAt;

/** When the next status-update reminder is due (0 cadence: never). */
export function updateReminderAt(incident: NudgedIncident, settings: ClockSettings): Date | null {
  const cadence = settings.timers[incident.severity].updateMinutes;
  return cadence > 0 ? plusMinutes(lastProgressAt(incident), cadence) : null;
}

/**
 * When to suggest escalating a SEV1 that has not moved: N minutes after its last progress, once per quiet window
 * (progress opens a new one); a snooze asks again when it ends if there is still no progress. Null: not now.
 */
export function noProgressNudgeAt(incident: NudgedIncident, settings: ClockSettings): Date | null {
  const minutes = settings.nudges.noProgressMinutes;
  if (minutes === 0 || !noProgressSeverities.has(incident.severity)) return null;
  const since = lastProgressAt(incident);
  const state = incident.nudges.no_progress ?? {};
  const saidInThisWindow = state.at !== undefined && new Date(state.at) >= since;
  const snoozedSince = state.snoozedUntil !== undefined && (state.at === undefined || new Date(state.snoozedUntil) > new Date(state.at));
  if (saidInThisWindow && !snoozedSince) return null;
  return later(plusMinutes(since, minutes), state.snoozedUntil);
}

/**
 * The no-progress nudge is the stricter form of the update reminder (both count from the last progress): when it
 * speaks now, or spoke within this reminder's cadence, the reminder stays quiet rather than say the same twice.
 */
export function updateReminderYields(incident: NudgedIncident, settings: ClockSettings, now: Date): boolean {
  const due = noProgressNudgeAt(incident, settings);
  if (due && due <= now) return true;
  const at = incident.nudges.no_progress?.at;
  const cadence = settings.timers[incident.severity].updateMinutes;
  return at !== undefined && new Date(at) >= lastProgressAt(incident) && now.getTime() - new Date(at).getTime() < cadence * MINUTE;
}

/** The state after a nudge was said (about `asked`, for the roles nudge). */
export function nudgeSaid(state: NudgeState, kind: NudgeKind, now: Date, asked?: Role[]): NudgeState {
  const previous = state[kind] ?? {};
  const askedNow = kind === "unclaimed_roles" ? { asked: [...new Set([...(previous.asked ?? []), ...(asked ?? [])])] } : {};
  return { ...state, [kind]: { ...previous, ...askedNow, at: now.toISOString() } };
}

/** The state after someone snoozed a nudge: quiet until then, and then it asks again (about every role still open). */
export function nudgeSnoozed(state: NudgeState, kind: NudgeKind, now: Date): { state: NudgeState; until: Date } {
  const until = plusMinutes(now, NUDGE_SNOOZE_MINUTES);
  const previous = state[kind] ?? {};
  const reset = kind === "unclaimed_roles" ? { asked: [] } : {};
  return { state: { ...state, [kind]: { ...previous, ...reset, snoozedUntil: until.toISOString() } }, until };
}
