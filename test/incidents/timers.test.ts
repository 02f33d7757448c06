// Deadlines per severity: the table's defaults, overrides from the environment, and "the next business morning".
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import {
  ackDeadline,
  clockSettings,
  nextBusinessMorning,
  noProgressNudgeAt,
  nudgeSaid,
  nudgeSnoozed,
  resolveDeadline,
  unclaimedRoles,
  unclaimedRolesNudgeAt,
  updateReminderYields,
  type NudgeState,
} from "../../src/incidents/timers.js";
import type { Severity } from "../../src/incidents/lifecycle.js";

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

describe("nudges", () => {
  const s = settings();
  const declaredAt = at("2026-11-23T10:00:00Z");
  const incident = (over: { severity?: Severity; lastUpdateAt?: Date | null; nudges?: NudgeState; commsLeadId?: string | null; scribeId?: string | null } = {}) => ({
    severity: "sev1" as Severity,
    declaredAt,
    lastUpdateAt: null,
    nudges: {},
    commanderId: "U_IC",
    techLeadId: null,
    commsLeadId: null,
    scribeId: null,
    ...over,
  });
  const minutes = (n: number) => new Date(declaredAt.getTime() + n * 60_000);

  it("ask for a Comms Lead (SEV1–2) and a Scribe (SEV1–3) 10 minutes after the declaration", () => {
    expect(unclaimedRoles(incident())).toEqual(["comms_lead", "scribe"]);
    expect(unclaimedRoles(incident({ severity: "sev3" }))).toEqual(["scribe"]);
    expect(unclaimedRoles(incident({ severity: "sev4" }))).toEqual([]);
    expect(unclaimedRolesNudgeAt(incident(), s)).toEqual(minutes(10));
    expect(unclaimedRolesNudgeAt(incident({ commsLeadId: "U1", scribeId: "U2" }), s)).toBeNull();
    expect(unclaimedRolesNudgeAt(incident({ severity: "sev4" }), s)).toBeNull();
    expect(unclaimedRolesNudgeAt(incident(), settings({ NUDGE_UNCLAIMED_ROLES_MINUTES: "0" }))).toBeNull();
    expect(unclaimedRolesNudgeAt(incident(), settings({ NUDGE_UNCLAIMED_ROLES_MINUTES: "5" }))).toEqual(minutes(5));
  });

  it("ask about each role once, again for a role a new severity wants, and again when a snooze ends", () => {
    const asked = nudgeSaid({}, "unclaimed_roles", minutes(10), ["scribe"]);
    expect(unclaimedRolesNudgeAt(incident({ severity: "sev3", nudges: asked }), s)).toBeNull();
    // Raised to SEV2 at minute 40: the Comms Lead is asked for at once.
    expect(unclaimedRolesNudgeAt(incident({ severity: "sev2", nudges: asked }), s)).toEqual(minutes(10));
    const { state, until } = nudgeSnoozed(asked, "unclaimed_roles", minutes(12));
    expect(until).toEqual(minutes(42));
    expect(unclaimedRolesNudgeAt(incident({ severity: "sev3", nudges: state }), s)).toEqual(minutes(42));
    expect(unclaimedRolesNudgeAt(incident({ severity: "sev3", nudges: state, scribeId: "U2" }), s)).toBeNull();
  });

  it("suggest escalating a SEV1 30 minutes after its last progress, once per quiet window", () => {
    expect(noProgressNudgeAt(incident(), s)).toEqual(minutes(30));
    expect(noProgressNudgeAt(incident({ severity: "sev2" }), s)).toBeNull();
    expect(noProgressNudgeAt(incident(), settings({ NUDGE_NO_PROGRESS_MINUTES: "0" }))).toBeNull();
    expect(noProgressNudgeAt(incident({ lastUpdateAt: minutes(20) }), s)).toEqual(minutes(50));
    const said = nudgeSaid({}, "no_progress", minutes(30));
    expect(noProgressNudgeAt(incident({ nudges: said }), s)).toBeNull();
    // Progress at minute 35 opens a new window.
    expect(noProgressNudgeAt(incident({ nudges: said, lastUpdateAt: minutes(35) }), s)).toEqual(minutes(65));
  });

  it("a snoozed no-progress nudge waits for the snooze, however the window moves", () => {
    const said = nudgeSaid({}, "no_progress", minutes(30));
    const { state } = nudgeSnoozed(said, "no_progress", minutes(31));
    expect(noProgressNudgeAt(incident({ nudges: state }), s)).toEqual(minutes(61));
    expect(noProgressNudgeAt(incident({ nudges: state, lastUpdateAt: minutes(20) }), s)).toEqual(minutes(61));
    expect(noProgressNudgeAt(incident({ nudges: state, lastUpdateAt: minutes(40) }), s)).toEqual(minutes(70));
    // Said again when the snooze ended: quiet until progress.
    expect(noProgressNudgeAt(incident({ nudges: nudgeSaid(state, "no_progress", minutes(61)) }), s)).toBeNull();
  });

  it("the update reminder yields to the no-progress nudge that speaks now or spoke within its cadence", () => {
    expect(updateReminderYields(incident(), s, minutes(15))).toBe(false);
    expect(updateReminderYields(incident(), s, minutes(30))).toBe(true);
    const said = { nudges: nudgeSaid({}, "no_progress", minutes(30)) };
    expect(updateReminderYields(incident(said), s, minutes(30))).toBe(true);
    expect(updateReminderYields(incident(said), s, minutes(45))).toBe(false);
    expect(updateReminderYields(incident({ severity: "sev2" }), s, minutes(30))).toBe(false);
  });
});
