// How long each severity may wait: to be acknowledged, between escalations, between status updates, to be
// resolved. Pure: the deadlines of an incident follow from its declaration time, its severity and this table.
import type { Config } from "../config.js";
import { addLocalDays, localParts, zonedToUtc } from "../oncall/zoned-time.js";
import { severities, type Severity } from "./lifecycle.js";

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
  return { timers, staleDays: config.STALE_DAYS, business: { timeZone: config.BUSINESS_TIMEZONE, dayStart: config.BUSINESS_DAY_START } };
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
