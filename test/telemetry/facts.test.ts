// What a committed fact adds to the operator's counters: who it came from, which severity, how long it took, and
// which status changes and resolutions were also the incident's acknowledgement.
import { describe, expect, it } from "vitest";
import { countedFact, factSource } from "../../src/telemetry/facts.js";

const declaredAt = new Date("2026-11-22T10:00:00Z");
const at = (minutes: number) => new Date(declaredAt.getTime() + minutes * 60_000);
const incident = (over: Partial<Parameters<typeof countedFact>[1]> = {}) => ({ severity: "sev2" as const, declaredAt, acknowledgedAt: null, acknowledgedBy: null, ...over });

describe("countedFact", () => {
  it("names who acted: a person, an API token, an alert source, Warroom", () => {
    expect(factSource("U_ALICE")).toBe("person");
    expect(factSource("api_token:3:deploy-bot")).toBe("api");
    expect(factSource("alert_source:7:Prometheus: prod")).toBe("alert");
    expect(factSource("warroom")).toBe("warroom");
    expect(factSource("something_else:1:x")).toBe("integration");
  });

  it("counts a declare under the severity it was declared with, even if it changed since", () => {
    const counted = countedFact({ type: "declared", actor: "U_ALICE", occurredAt: declaredAt, data: { severity: "sev1" } }, incident({ severity: "sev3" }));
    expect(counted).toEqual({ declared: { severity: "sev1", source: "person" } });
  });

  it("counts an acknowledgement with the seconds since the declare", () => {
    const counted = countedFact({ type: "acknowledged", actor: "U_BOB", occurredAt: at(7), data: { afterMs: 420_000 } }, incident({ acknowledgedAt: at(7), acknowledgedBy: "U_BOB" }));
    expect(counted).toEqual({ acknowledged: { severity: "sev2", source: "person", afterSeconds: 420 } });
  });

  it("counts a resolution that was also the first acknowledgement as both", () => {
    const by = "api_token:3:deploy-bot";
    const counted = countedFact({ type: "resolved", actor: by, occurredAt: at(90), data: {} }, incident({ acknowledgedAt: at(90), acknowledgedBy: by }));
    expect(counted).toEqual({ acknowledged: { severity: "sev2", source: "api", afterSeconds: 5400 }, resolved: { severity: "sev2", source: "api", afterSeconds: 5400 } });
  });

  it("does not count an earlier acknowledgement again when the incident is resolved or its status changes", () => {
    const acked = incident({ acknowledgedAt: at(5), acknowledgedBy: "U_BOB" });
    expect(countedFact({ type: "resolved", actor: "U_BOB", occurredAt: at(60), data: {} }, acked)).toEqual({ resolved: { severity: "sev2", source: "person", afterSeconds: 3600 } });
    expect(countedFact({ type: "status_changed", actor: "U_BOB", occurredAt: at(30), data: {} }, acked)).toEqual({});
  });

  it("counts a status change by someone who had not acknowledged as their acknowledgement", () => {
    const counted = countedFact({ type: "status_changed", actor: "U_CAROL", occurredAt: at(12), data: {} }, incident({ acknowledgedAt: at(12), acknowledgedBy: "U_CAROL" }));
    expect(counted).toEqual({ acknowledged: { severity: "sev2", source: "person", afterSeconds: 720 } });
  });

  it("counts nothing for other facts", () => {
    expect(countedFact({ type: "update_posted", actor: "U_ALICE", occurredAt: at(3), data: {} }, incident())).toEqual({});
  });
});
