// Who is on call, across handoffs, covers and DST changes.
import { describe, expect, it } from "vitest";
import { onCallNowAndNext, shiftAt, validateRotation, type Rotation } from "../../src/oncall/rotation.js";
import { zonedToUtc } from "../../src/oncall/zoned-time.js";

const daily = (timeZone: string, startDate = "2026-11-02"): Rotation => ({
  timeZone,
  handoffTime: "09:00",
  lengthHours: 24,
  startDate,
  members: ["U_ALICE", "U_BOB", "U_CAROL"],
});
const at = (iso: string) => new Date(iso);
const who = (r: Rotation, iso: string, overrides = []) => shiftAt(r, overrides, at(iso))?.userId;

describe("a daily rotation", () => {
  const london = daily("Europe/London");

  it("hands over at 09:00 local", () => {
    expect(who(london, "2026-11-03T08:59:00Z")).toBe("U_ALICE");
    expect(who(london, "2026-11-03T09:00:00Z")).toBe("U_BOB");
    expect(who(london, "2026-11-05T09:00:00Z")).toBe("U_ALICE");
  });

  it("names the next person and when they start", () => {
    const { now, next } = onCallNowAndNext(london, [], at("2026-11-03T12:00:00Z"));
    expect(now).toMatchObject({ userId: "U_BOB", startsAt: at("2026-11-03T09:00:00Z"), endsAt: at("2026-11-04T09:00:00Z") });
    expect(next).toMatchObject({ userId: "U_CAROL", startsAt: at("2026-11-04T09:00:00Z") });
  });

  it("has nobody before the first handoff, and says who starts", () => {
    const { now, next } = onCallNowAndNext(london, [], at("2026-11-01T12:00:00Z"));
    expect(now).toBeUndefined();
    expect(next).toMatchObject({ userId: "U_ALICE", startsAt: at("2026-11-02T09:00:00Z") });
  });
});

describe("across DST changes", () => {
  it("keeps 09:00 in New York on both sides of spring forward and fall back (23h and 25h shifts)", () => {
    const ny = daily("America/New_York", "2026-03-01");
    const spring = shiftAt(ny, [], at("2026-03-07T20:00:00Z"))!;
    expect(spring.startsAt).toEqual(at("2026-03-07T14:00:00Z"));
    expect(spring.endsAt).toEqual(at("2026-03-08T13:00:00Z"));
    expect((spring.endsAt.getTime() - spring.startsAt.getTime()) / 3_600_000).toBe(23);
    const fall = shiftAt(ny, [], at("2026-10-31T20:00:00Z"))!;
    expect(fall.startsAt).toEqual(at("2026-10-31T13:00:00Z"));
    expect(fall.endsAt).toEqual(at("2026-11-01T14:00:00Z"));
    expect((fall.endsAt.getTime() - fall.startsAt.getTime()) / 3_600_000).toBe(25);
  });

  it("keeps 09:00 in London across 2026-03-29 and 2026-10-25", () => {
    const london = daily("Europe/London", "2026-03-01");
    expect(shiftAt(london, [], at("2026-03-29T12:00:00Z"))!.startsAt).toEqual(at("2026-03-29T08:00:00Z"));
    expect(shiftAt(london, [], at("2026-03-28T12:00:00Z"))!.startsAt).toEqual(at("2026-03-28T09:00:00Z"));
    expect(shiftAt(london, [], at("2026-10-25T12:00:00Z"))!.startsAt).toEqual(at("2026-10-25T09:00:00Z"));
    expect(who(london, "2026-03-29T08:30:00Z")).not.toBe(who(london, "2026-03-29T07:30:00Z"));
  });

  it("keeps 12 absolute hours for a custom 12-hour rotation", () => {
    const twelve: Rotation = { ...daily("America/New_York", "2026-03-07"), lengthHours: 12, members: ["U_ALICE", "U_BOB"] };
    const shift = shiftAt(twelve, [], at("2026-03-08T06:00:00Z"))!;
    expect((shift.endsAt.getTime() - shift.startsAt.getTime()) / 3_600_000).toBe(12);
  });

  it("maps a wall time that does not exist to just after the gap, and a repeated one to its first occurrence", () => {
    expect(zonedToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York")).toEqual(at("2026-03-08T07:30:00Z"));
    expect(zonedToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York")).toEqual(at("2026-11-01T05:30:00Z"));
  });
});

describe("a weekly rotation", () => {
  it("hands over on Mondays at 09:00 New York time", () => {
    const weekly: Rotation = { ...daily("America/New_York", "2026-11-02"), lengthHours: 168 };
    expect(who(weekly, "2026-11-09T13:59:00Z")).toBe("U_ALICE");
    expect(who(weekly, "2026-11-09T14:00:00Z")).toBe("U_BOB");
    expect(onCallNowAndNext(weekly, [], at("2026-11-10T00:00:00Z")).next).toMatchObject({ userId: "U_CAROL", startsAt: at("2026-11-16T14:00:00Z") });
  });
});

describe("covers", () => {
  const london = daily("Europe/London");
  const cover = { userId: "U_DAN", startsAt: at("2026-11-02T12:00:00Z"), endsAt: at("2026-11-02T18:00:00Z") };

  it("win while they last, then the rotation resumes", () => {
    const { now, next } = onCallNowAndNext(london, [cover], at("2026-11-02T13:00:00Z"));
    expect(now).toMatchObject({ userId: "U_DAN", override: true, endsAt: cover.endsAt });
    expect(next).toMatchObject({ userId: "U_ALICE", startsAt: cover.endsAt });
  });

  it("show up as the next change before they start", () => {
    expect(onCallNowAndNext(london, [cover], at("2026-11-02T10:00:00Z")).next).toMatchObject({ userId: "U_DAN", startsAt: cover.startsAt });
  });

  it("let the later of two overlapping covers win", () => {
    const later = { userId: "U_EVE", startsAt: at("2026-11-02T14:00:00Z"), endsAt: at("2026-11-02T16:00:00Z") };
    expect(who(london, "2026-11-02T15:00:00Z", [cover, later] as never)).toBe("U_EVE");
    expect(who(london, "2026-11-02T17:00:00Z", [cover, later] as never)).toBe("U_DAN");
  });

  it("ending exactly at a handoff hand over to the next person in the rotation", () => {
    const toHandoff = { userId: "U_DAN", startsAt: at("2026-11-02T20:00:00Z"), endsAt: at("2026-11-03T09:00:00Z") };
    expect(onCallNowAndNext(london, [toHandoff], at("2026-11-02T21:00:00Z")).next).toMatchObject({ userId: "U_BOB", startsAt: at("2026-11-03T09:00:00Z") });
  });
});

describe("checking a rotation", () => {
  it("names what is wrong", () => {
    const problems = validateRotation({ timeZone: "Mars/Olympus", handoffTime: "25:00", lengthHours: 0, startDate: "someday", members: [] });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toContain("Mars/Olympus");
    expect(validateRotation(daily("UTC"))).toEqual([]);
  });
});
