// The tally of stored incidents into figures: what counts, what is left out, what is decided.
import { describe, expect, it } from "vitest";
import { periodWindow } from "../../src/metrics/periods.js";
import { tallyMetrics, type StoredIncident } from "../../src/metrics/tally.js";

const now = new Date("2026-11-30T12:00:00Z");
const window = periodWindow("7d", now);
const MIN = 60_000;
const DAY = 86_400_000;
const incident = (id: number, daysAgo: number, over: Partial<StoredIncident> = {}): StoredIncident => ({
  id,
  declaredAt: now.getTime() - daysAgo * DAY,
  kind: "counted",
  severity: "sev2",
  toAcknowledge: 5 * MIN,
  toMitigate: 30 * MIN,
  toResolve: 60 * MIN,
  ackBreached: false,
  resolveBreached: false,
  ...over,
});

const tally = (incidents: StoredIncident[], extra: Partial<Parameters<typeof tallyMetrics>[2]> = {}) =>
  tallyMetrics(window, {}, { incidents, postmortems: [], actionItems: [], openings: [], today: "2026-11-30", ...extra });

describe("tallyMetrics", () => {
  it("holds both ends of the period: declared this very moment or exactly a period ago; a moment earlier is the period before", () => {
    const m = tally([incident(1, 0), incident(2, 7), incident(3, 7 + 1 / DAY)]);
    expect(m.declared.current).toBe(2);
    expect(m.declared.previous).toBe(1);
    expect(m.declared.weekly.slice(-2)).toEqual([1, 2]);
  });

  it("leaves incidents declared in error out of every figure and counts them apart", () => {
    const m = tally([incident(1, 1, { toAcknowledge: 60 * MIN }), incident(2, 2, { kind: "in_error", toAcknowledge: MIN }), incident(3, 9, { kind: "in_error" })]);
    expect(m.declared.current).toBe(1);
    expect(m.timeToAcknowledge.median.current).toBe(60 * MIN);
    expect(m.excluded.in_error).toEqual({ current: 1, previous: 1 });
  });

  it("decides an SLA only once it was met or breached", () => {
    const m = tally([incident(1, 1), incident(2, 1, { toResolve: null, toMitigate: null }), incident(3, 1, { toResolve: null, resolveBreached: true }), incident(4, 1, { toAcknowledge: 20 * MIN, ackBreached: true })]);
    expect([m.ackSla.hit, m.ackSla.of, m.ackSla.current]).toEqual([3, 4, 75]);
    expect([m.resolveSla.hit, m.resolveSla.of, m.resolveSla.current]).toEqual([2, 3, 67]);
    expect(m.timeToResolve.median.current).toBe(60 * MIN);
  });

  it("owes required postmortems only: published within 7 days, or past due; waived and lesser ones left out", () => {
    const incidents = [incident(1, 6), incident(2, 5.5, { severity: "sev1" }), incident(3, 3), incident(4, 4, { severity: "sev3" }), incident(5, 1)];
    const hour = (id: number, hours: number) => incidents.find((i) => i.id === id)!.declaredAt + 60 * MIN + hours * 3_600_000;
    const m = tally(incidents, {
      postmortems: [
        { incidentId: 1, status: "published", publishedAt: hour(1, 24) },
        { incidentId: 2, status: "published", publishedAt: hour(2, 7 * 24 + 1) },
        { incidentId: 3, status: "waived", publishedAt: null },
        { incidentId: 4, status: "not_started", publishedAt: null },
      ],
    });
    // 1 on time; 2 published late; 3 waived; 4 a SEV3; 5 not yet due.
    expect([m.postmortemsOnTime.hit, m.postmortemsOnTime.of]).toEqual([1, 2]);
  });

  it("counts the open action items of the period's counted incidents and those past due", () => {
    const m = tally([incident(1, 1), incident(2, 1, { kind: "in_error" })], {
      actionItems: [
        { incidentId: 1, dueDate: "2026-11-29" },
        { incidentId: 1, dueDate: "2026-11-30" },
        { incidentId: 1, dueDate: null },
        { incidentId: 2, dueDate: "2026-11-01" },
      ],
    });
    expect([m.actionItemsOpen.current, m.actionItemsOverdue.current]).toEqual([3, 1]);
  });

  it("counts incidents open now, when the period began, and at each week's end", () => {
    const m = tally([], {
      openings: [
        { declaredAt: now.getTime() - 10 * DAY, resolvedAt: now.getTime() - 3 * DAY, openNow: false },
        { declaredAt: now.getTime() - 2 * DAY, resolvedAt: null, openNow: true },
      ],
    });
    expect(m.openNow.current).toBe(1);
    expect(m.openNow.previous).toBe(1);
    expect(m.openNow.weekly.slice(-3)).toEqual([0, 1, 1]);
  });
});
