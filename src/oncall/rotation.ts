// Who is on call: a rotation of people handing over at a local wall time, with covers (overrides) on top.
// Pure; "now" is always a parameter. Daily and weekly rotations hand over at the same local time on both
// sides of a DST change (so that shift is 23 or 25 hours); custom-hour rotations keep absolute hours.
import { addLocalDays, daysBetween, isValidTimeZone, localParts, zonedToUtc, type LocalDate } from "./zoned-time.js";

export interface Rotation {
  /** IANA zone, e.g. "Europe/London". */
  timeZone: string;
  /** "09:00", local wall time in timeZone. */
  handoffTime: string;
  /** 24 = daily, 168 = weekly, or any whole number of hours >= 1. */
  lengthHours: number;
  /** "2026-11-02": the local date of the first handoff, when members[0] starts. */
  startDate: string;
  /** Slack user IDs in rotation order. */
  members: string[];
}

/** userId covers [startsAt, endsAt). */
export interface Override {
  userId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface OnCallShift {
  userId: string;
  startsAt: Date;
  endsAt: Date;
  override: boolean;
}

const HOUR = 3_600_000;
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function validateRotation(r: Rotation): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(r.timeZone)) problems.push(`"${r.timeZone}" is not a time zone; use one like Europe/London.`);
  if (!timePattern.test(r.handoffTime)) problems.push(`"${r.handoffTime}" is not a time like 09:00.`);
  if (!Number.isInteger(r.lengthHours) || r.lengthHours < 1) problems.push("The rotation length must be a whole number of hours, at least 1.");
  const d = datePattern.exec(r.startDate);
  if (!d || Number.isNaN(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])))) problems.push(`"${r.startDate}" is not a date like 2026-11-02.`);
  if (r.members.length === 0) problems.push("A rotation needs at least one person.");
  return problems;
}

const startDateOf = (r: Rotation): LocalDate => {
  const [, y, m, d] = datePattern.exec(r.startDate)!;
  return { year: Number(y), month: Number(m), day: Number(d) };
};
const handoffOf = (r: Rotation) => {
  const [, h, m] = timePattern.exec(r.handoffTime)!;
  return { hour: Number(h), minute: Number(m) };
};

/** The instant of the n-th handoff (n = 0 is the first). */
function handoffInstant(r: Rotation, n: number): Date {
  const start = startDateOf(r);
  if (r.lengthHours % 24 === 0) {
    return zonedToUtc({ ...addLocalDays(start, n * (r.lengthHours / 24)), ...handoffOf(r) }, r.timeZone);
  }
  return new Date(zonedToUtc({ ...start, ...handoffOf(r) }, r.timeZone).getTime() + n * r.lengthHours * HOUR);
}

/** The index of the regular shift running at `at`; -1 before the first handoff. */
function shiftIndex(r: Rotation, at: Date): number {
  if (at < handoffInstant(r, 0)) return -1;
  let n: number;
  if (r.lengthHours % 24 === 0) {
    const days = daysBetween(startDateOf(r), localParts(at, r.timeZone));
    n = Math.floor(days / (r.lengthHours / 24));
  } else {
    n = Math.floor((at.getTime() - handoffInstant(r, 0).getTime()) / (r.lengthHours * HOUR));
  }
  // The local date alone can be a shift off around the handoff time: settle it against the real instants.
  while (n > 0 && handoffInstant(r, n) > at) n--;
  while (handoffInstant(r, n + 1) <= at) n++;
  return n;
}

function regularShift(r: Rotation, at: Date): OnCallShift | undefined {
  const n = shiftIndex(r, at);
  if (n < 0 || r.members.length === 0) return undefined;
  return { userId: r.members[n % r.members.length]!, startsAt: handoffInstant(r, n), endsAt: handoffInstant(r, n + 1), override: false };
}

function activeOverride(overrides: Override[], at: Date): Override | undefined {
  return overrides
    .filter((o) => o.startsAt <= at && at < o.endsAt)
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())[0];
}

export function shiftAt(rotation: Rotation, overrides: Override[], at: Date): OnCallShift | undefined {
  const cover = activeOverride(overrides, at);
  if (cover) {
    // A later-starting cover that begins inside this one takes over then.
    const interrupted = overrides.filter((o) => o.startsAt > cover.startsAt && o.startsAt > at && o.startsAt < cover.endsAt).map((o) => o.startsAt.getTime());
    return { userId: cover.userId, startsAt: cover.startsAt, endsAt: new Date(Math.min(cover.endsAt.getTime(), ...interrupted)), override: true };
  }
  const regular = regularShift(rotation, at);
  const nextCover = overrides.filter((o) => o.startsAt > at).map((o) => o.startsAt.getTime());
  if (!regular) {
    return undefined;
  }
  return { ...regular, endsAt: new Date(Math.min(regular.endsAt.getTime(), ...nextCover)) };
}

/** When the on-call person can next change after `at`, if nobody is on call now. */
function nextChangeWhenNobody(rotation: Rotation, overrides: Override[], at: Date): Date | undefined {
  const first = handoffInstant(rotation, 0);
  const candidates = [...(first > at ? [first.getTime()] : []), ...overrides.filter((o) => o.startsAt > at).map((o) => o.startsAt.getTime())];
  return candidates.length ? new Date(Math.min(...candidates)) : undefined;
}

export function onCallNowAndNext(rotation: Rotation, overrides: Override[], at: Date): { now?: OnCallShift; next?: OnCallShift } {
  const now = shiftAt(rotation, overrides, at);
  let cursor = now ? now.endsAt : nextChangeWhenNobody(rotation, overrides, at);
  for (let step = 0; cursor && step < 1000; step++) {
    const shift = shiftAt(rotation, overrides, cursor);
    if (shift && shift.userId !== now?.userId) return { now, next: { ...shift, startsAt: cursor } };
    cursor = shift ? shift.endsAt : nextChangeWhenNobody(rotation, overrides, cursor);
  }
  return { now };
}
