// The pure parts of the metrics: periods and their weeks, sparklines, changes, percentiles, the report's schedule.
import { describe, expect, it } from "vitest";
import { change, percent, percentile, sparkline } from "../../src/metrics/figures.js";
import { periodWindow } from "../../src/metrics/periods.js";
import { nextReportTime, parseWeeklySchedule } from "../../src/metrics/weekly-schedule.js";
import { changeText } from "../../src/slack/blocks/metrics.js";
import { parseMetricsArgs } from "../../src/slack/listeners/commands/metrics.js";

const iso = (d: Date) => d.toISOString();

describe("periodWindow", () => {
  it("compares the last N days with the N days before, with at least six weekly buckets ending now", () => {
    const w = periodWindow("30d", new Date("2026-11-30T12:00:00Z"));
    expect([iso(w.from), iso(w.previousFrom), iso(w.previousTo)]).toEqual(["2026-10-31T12:00:00.000Z", "2026-10-01T12:00:00.000Z", "2026-10-31T12:00:00.000Z"]);
    expect(w.weeks).toHaveLength(6);
    expect(iso(w.weeks.at(-1)!.to)).toBe("2026-11-30T12:00:00.000Z");
    expect(iso(w.weeks[0]!.from)).toBe("2026-10-19T12:00:00.000Z");
    expect(periodWindow("7d", new Date("2026-11-30T12:00:00Z")).weeks).toHaveLength(6);
    expect(periodWindow("90d", new Date("2026-11-30T12:00:00Z")).weeks).toHaveLength(13);
  });

  it("takes the quarter so far in the business time zone, against the previous quarter to the same day", () => {
    const w = periodWindow("quarter", new Date("2026-11-30T12:00:00Z"), "America/New_York");
    // 1 October 00:00 in New York is 04:00 UTC (daylight time); 1 July likewise.
    expect(iso(w.from)).toBe("2026-10-01T04:00:00.000Z");
    expect(iso(w.previousFrom)).toBe("2026-07-01T04:00:00.000Z");
    expect(iso(w.previousTo)).toBe(iso(new Date(Date.parse("2026-07-01T04:00:00Z") + (Date.parse("2026-11-30T12:00:00Z") - Date.parse("2026-10-01T04:00:00Z")))));
    // Late in a long quarter, the comparison stops at the shorter previous quarter's end.
    // Late in a long quarter (Q3: 92 days), the comparison stops at the shorter previous quarter's end (Q2: 91).
    const q3 = periodWindow("quarter", new Date("2026-09-30T23:00:00Z"));
    expect(iso(q3.previousFrom)).toBe("2026-04-01T00:00:00.000Z");
    expect(iso(q3.previousTo)).toBe("2026-07-01T00:00:00.000Z");
  });
});

describe("sparkline", () => {
  it("scales from zero to the highest week, dots for weeks with nothing to measure", () => {
    expect(sparkline([1, 0, 0, 0, 2, 2])).toBe("▅▁▁▁██");
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
    expect(sparkline([null, 7, 14, null])).toBe("·▅█·");
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
  });
});

describe("change", () => {
  it("says up, down or the same, and nothing when either side has nothing to measure", () => {
    expect(change({ current: 4, previous: 2 })).toEqual({ direction: "up", by: 2 });
    expect(change({ current: 300_000, previous: 600_000 })).toEqual({ direction: "down", by: 300_000 });
    expect(change({ current: 3, previous: 3 })).toEqual({ direction: "same", by: 0 });
    expect(change({ current: null, previous: 3 })).toEqual({ direction: "none" });
    expect(changeText({ current: 300_000, previous: 600_000 }, "duration")).toBe(" (↓5m)");
    expect(changeText({ current: 75, previous: 50 }, "points")).toBe(" (↑25 pts)");
    expect(changeText({ current: 1, previous: null })).toBe("");
  });
});

describe("percentile", () => {
  it("interpolates between the closest ranks, as percentile_cont does", () => {
    expect(percentile([10, 2, 6, 4], 0.5)).toBe(5);
    expect(percentile([2, 4, 6, 10], 0.9)).toBeCloseTo(8.8);
    expect(percentile([40, 60, 300], 0.9)).toBeCloseTo(252);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    expect(percent(2, 3)).toBe(67);
    expect(percent(0, 0)).toBeNull();
  });
});

describe("the weekly report's schedule", () => {
  it("reads a weekday and a time, or off", () => {
    expect(parseWeeklySchedule("mon 09:00")).toEqual({ weekday: 1, hour: 9, minute: 0 });
    expect(parseWeeklySchedule("Friday 16:30")).toEqual({ weekday: 5, hour: 16, minute: 30 });
    expect(parseWeeklySchedule("off")).toBeNull();
    for (const bad of ["09:00", "mon", "mon 25:00", "someday 09:00", "0 9 * * 1"]) expect(parseWeeklySchedule(bad)).toBeUndefined();
  });

  it("finds the next Monday 09:00 in the zone, across a change of clocks", () => {
    const monday = { weekday: 1, hour: 9, minute: 0 };
    expect(iso(nextReportTime(new Date("2026-11-29T20:00:00Z"), monday, "Europe/Paris"))).toBe("2026-11-30T08:00:00.000Z");
    // Exactly at the time: the next one is a week later.
    expect(iso(nextReportTime(new Date("2026-11-30T08:00:00Z"), monday, "Europe/Paris"))).toBe("2026-12-07T08:00:00.000Z");
    // Paris moves to summer time on 29 March 2026: 09:00 is then 07:00 UTC.
    expect(iso(nextReportTime(new Date("2026-03-28T12:00:00Z"), monday, "Europe/Paris"))).toBe("2026-03-30T07:00:00.000Z");
  });
});

describe("/incident metrics arguments", () => {
  it("takes a period, a severity and a service in any order, each once", () => {
    expect(parseMetricsArgs("")).toEqual({ ok: true, options: { period: "30d" } });
    expect(parseMetricsArgs("sev:1 90d service:checkout")).toEqual({ ok: true, options: { period: "90d", severity: "sev1", service: "checkout" } });
    expect(parseMetricsArgs("QUARTER")).toEqual({ ok: true, options: { period: "quarter" } });
    expect(parseMetricsArgs("7d 30d")).toEqual({ ok: false, word: "30d" });
    expect(parseMetricsArgs("sev:5")).toEqual({ ok: false, word: "sev:5" });
    expect(parseMetricsArgs("service:")).toEqual({ ok: false, word: "service:" });
  });
});
