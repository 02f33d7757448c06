// Deadlines per severity: the table's defaults, overrides from the environment, and "the next business morning".
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ackDeadline, clockSettings, nextBusinessMorning, resolveDeadline } from "../../src/incidents/timers.js";

const env = { SLACK_BOT_TOKEN: ["xoxb", "test"].join("-"), SLACK_SIGNING_SECRET: "0123456789abcdef" };
const settings = (extra: Record<string, string> = {}) => clockSettings(loadConfig({ ...env, ...extra }));
const at = (iso: string) => new Date(iso);

describe("severity timers", () => {
  it("use the README's table by default", () => {
    const s = settings();
    expect(ackDeadline(at("2026-11-23T10:00:00Z"), "sev1", s)).toEqual(at("2026-11-23T10:05:00Z"));
    expect(ackDeadline(at("2026-11-23T10:00:00Z"), "sev3", s)).toEqual(at("2026-11-23T10:30:00Z"));
    expect(resolveDeadline(at("2026-11-23T10:00:00Z"), "sev2", s)).toEqual(at("2026-11-24T10:00:00Z"));
    expect(s.timers.sev4).toEqual({ ackMinutes: null, escalateMinutes: 0, updateMinutes: 0, resolveMinutes: 7 * 24 * 60 });
  });

  it("take overrides from the environment, and refuse nonsense with one clear line", () => {
    expect(ackDeadline(at("2026-11-23T10:00:00Z"), "sev1", settings({ ACK_MINUTES_SEV1: "2" }))).toEqual(at("2026-11-23T10:02:00Z"));
    expect(ackDeadline(at("2026-11-23T10:00:00Z"), "sev4", settings({ ACK_MINUTES_SEV4: "120" }))).toEqual(at("2026-11-23T12:00:00Z"));
    expect(() => settings({ UPDATE_MINUTES_SEV2: "soon" })).toThrow(/UPDATE_MINUTES_SEV2 must be a number of minutes/);
  });
});

describe("the next business morning", () => {
  const business = { timeZone: "Europe/London", dayStart: "09:00" };

  it("is the next weekday at the start of the day, in the business time zone", () => {
    expect(nextBusinessMorning(at("2026-11-23T16:00:00Z"), business)).toEqual(at("2026-11-24T09:00:00Z"));
    expect(nextBusinessMorning(at("2026-11-27T16:00:00Z"), business)).toEqual(at("2026-11-30T09:00:00Z"));
    expect(nextBusinessMorning(at("2026-11-28T10:00:00Z"), business)).toEqual(at("2026-11-30T09:00:00Z"));
  });

  it("follows summer time", () => {
    expect(nextBusinessMorning(at("2026-07-01T12:00:00Z"), business)).toEqual(at("2026-07-02T08:00:00Z"));
    expect(nextBusinessMorning(at("2026-11-23T03:00:00Z"), { timeZone: "America/New_York", dayStart: "09:00" })).toEqual(at("2026-11-23T14:00:00Z"));
  });
});
