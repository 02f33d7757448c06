import { describe, expect, it } from "vitest";
import { allowedTransitions, checkTransition, humanDuration, incidentDurations, statuses } from "../../src/incidents/lifecycle.js";

describe("the incident lifecycle", () => {
  it("lets an open incident move forward, skip ahead and step back among open statuses", () => {
    expect(checkTransition("investigating", "identified").ok).toBe(true);
    expect(checkTransition("investigating", "monitoring").ok).toBe(true);
    expect(checkTransition("monitoring", "investigating").ok).toBe(true);
    expect(checkTransition("identified", "investigating").ok).toBe(true);
  });

  it("resolves any open incident through the resolve route only", () => {
    for (const from of ["investigating", "identified", "monitoring"] as const) {
      expect(checkTransition(from, "resolved", "resolve").ok).toBe(true);
      const plain = checkTransition(from, "resolved", "status");
      expect(plain.ok).toBe(false);
      if (!plain.ok) expect(plain.why).toBe("resolve_route");
    }
  });

  it("closes only a resolved incident", () => {
    expect(checkTransition("resolved", "closed", "close").ok).toBe(true);
    const early = checkTransition("monitoring", "closed", "close");
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.why).toBe("resolve_first");
  });

  it("brings a resolved or closed incident back only by reopening", () => {
    for (const from of ["resolved", "closed"] as const) {
      expect(checkTransition(from, "investigating", "reopen").ok).toBe(true);
      const viaStatus = checkTransition(from, "investigating", "status");
      expect(viaStatus.ok).toBe(false);
      if (!viaStatus.ok) expect(viaStatus.why).toBe("reopen_first");
    }
    expect(checkTransition("investigating", "investigating", "reopen").ok).toBe(false);
  });

  it("names the allowed statuses when a move is refused", () => {
    const same = checkTransition("identified", "identified");
    expect(same.ok).toBe(false);
    if (!same.ok) expect(same).toEqual({ ok: false, why: "already", canMoveTo: ["investigating", "monitoring"] });
  });

  it("never allows a transition to the same status from any status by any route", () => {
    for (const s of statuses) for (const route of ["status", "resolve", "close", "reopen"] as const) {
      expect(allowedTransitions(s, route)).not.toContain(s);
    }
  });

  it("measures time to acknowledge, mitigate and resolve from the declaration", () => {
    const declaredAt = new Date("2026-11-22T10:00:00Z");
    const d = incidentDurations({
      declaredAt,
      acknowledgedAt: new Date("2026-11-22T10:04:00Z"),
      mitigatedAt: new Date("2026-11-22T10:30:00Z"),
      resolvedAt: null,
    });
    expect(d).toEqual({ toAcknowledge: 240_000, toMitigate: 1_800_000, toResolve: undefined });
    expect(humanDuration(3_900_000)).toBe("1h 05m");
    expect(humanDuration(45_000)).toBe("45s");
    expect(humanDuration(2 * 86_400_000 + 3_600_000)).toBe("2d 1h");
  });
});
