// Pure: when the weekly report is due (WEEKLY_REPORT), read from its setting and found on the calendar.
import { addLocalDays, localParts, zonedToUtc } from "../oncall/zoned-time.js";

/** When the report is posted each week, in the business time zone; null: never (WEEKLY_REPORT=off). */
export type WeeklySchedule = { weekday: number; hour: number; minute: number } | null;

export const weekdayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** "mon 09:00" → Monday 09:00; "off" → null; undefined for anything else. */
export function parseWeeklySchedule(text: string): WeeklySchedule | undefined {
  const t = text.trim().toLowerCase();
  if (t === "off") return null;
  const m = /^([a-z]{3})[a-z]*\s+([01]?\d|2[0-3]):([0-5]\d)$/.exec(t);
  const weekday = m ? weekdayNames.indexOf(m[1] as (typeof weekdayNames)[number]) : -1;
  if (!m || weekday < 0) return undefined;
  return { weekday, hour: Number(m[2]), minute: Number(m[3]) };
}

/** Pure: the first report time strictly after `after`, in `timeZone` (DST-aware: 09:00 stays 09:00 local). */
export function nextReportTime(after: Date, schedule: NonNullable<WeeklySchedule>, timeZone: string): Date {
  const p = localParts(after, timeZone);
  let day = { year: p.year, month: p.month, day: p.day };
  for (let i = 0; i <= 7; i++) {
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (weekday === schedule.weekday) {
      const candidate = zonedToUtc({ ...day, hour: schedule.hour, minute: schedule.minute }, timeZone);
      if (candidate > after) return candidate;
    }
    day = addLocalDays(day, 1);
  }
  throw new Error("unreachable: every weekday comes within 8 days");
}

