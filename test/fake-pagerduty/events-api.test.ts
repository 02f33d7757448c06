// The fake PagerDuty is never kinder than PagerDuty: what the Events API v2 refuses, it refuses; what it de-duplicates
// or drops, it does too. And what the bot sends passes it, however odd the incident.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/db/schema.js";
import { startFakePagerDuty, type FakePagerDuty } from "../../src/fake-pagerduty/server.js";
import { sendEvent } from "../../src/pagerduty/client.js";
import { followUpEvent, SUMMARY_MAX, triggerEvent } from "../../src/pagerduty/events.js";

let pd: FakePagerDuty;
let key: string;
beforeAll(async () => {
  pd = await startFakePagerDuty();
  key = pd.addIntegration();
});
afterAll(async () => {
  await pd.close();
});

const post = async (body: unknown, contentType = "application/json") => {
  const response = await fetch(pd.url, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { status: string; message: string; errors?: string[]; dedup_key?: string } };
};

const trigger = (overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  routing_key: key,
  event_action: "trigger",
  dedup_key: `test/${Math.random()}`,
  payload: { summary: "Disk full on db-1", source: "db-1", severity: "critical", ...payload },
  ...overrides,
});

describe("the fake PagerDuty Events API v2", () => {
  it("refuses what PagerDuty refuses, with its 400 shape and a reason per problem", async () => {
    const cases: Array<[unknown, string]> = [
      [trigger({ routing_key: "short" }), "Length of 'routing_key' is incorrect (should be 32 characters)"],
      [trigger({ event_action: "page" }), "'event_action' is invalid"],
      [trigger({ dedup_key: "x".repeat(256) }), "'dedup_key' is too long"],
      [trigger({}, { summary: "" }), "'payload.summary' is missing or empty"],
      [trigger({}, { summary: "x".repeat(1025) }), "'payload.summary' is too long (maximum is 1024 characters)"],
      [trigger({}, { source: undefined }), "'payload.source' is missing or empty"],
      [trigger({}, { severity: "sev1" }), "'payload.severity' is invalid"],
      [trigger({}, { timestamp: "yesterday" }), "'payload.timestamp' must be an ISO 8601 date-time"],
      [trigger({ links: [{ href: "not a url" }] }), "'links[0].href' must be a URL"],
      [trigger({ images: [{ src: "http://example.com/a.png" }] }), "'images[0].src' must be an HTTPS URL"],
      [trigger({ dedupe_key: "typo" }), "Unknown field 'dedupe_key'"],
      [{ routing_key: key, event_action: "resolve" }, "'dedup_key' is required for resolve events"],
      [trigger({ routing_key: "f".repeat(32) }), "Invalid routing key"],
    ];
    for (const [body, reason] of cases) {
      const answer = await post(body);
      expect(answer.status, reason).toBe(400);
      expect(answer.body).toMatchObject({ status: "invalid event", message: "Event object is invalid" });
      expect(answer.body.errors!.join("\n"), reason).toContain(reason);
    }
    expect(await post("{not json")).toEqual({ status: 400, body: { status: "Unrecognized object", message: "Event object format is unrecognized", errors: ["JSON parse error"] } });
    expect((await post(JSON.stringify(trigger()), "application/x-www-form-urlencoded")).status).toBe(400);
  });

  it("accepts with 202, de-duplicates triggers of an open alert, and drops follow-ups for none", async () => {
    const dedup = "db-1/disk";
    expect(await post(trigger({ dedup_key: dedup }, { timestamp: "2015-07-17T08:42:58.315+0000" }))).toEqual({ status: 202, body: { status: "success", message: "Event processed", dedup_key: dedup } });
    expect((await post(trigger({ dedup_key: dedup }))).status).toBe(202);
    expect((await post({ routing_key: key, event_action: "resolve", dedup_key: dedup })).status).toBe(202);
    expect((await post({ routing_key: key, event_action: "acknowledge", dedup_key: dedup })).status).toBe(202);
    const [alert] = pd.alertsFor(dedup);
    expect(pd.alertsFor(dedup)).toHaveLength(1);
    expect(alert!.status).toBe("resolved");
    expect(alert!.log.map((e) => [e.action, Boolean(e.deduplicated)])).toEqual([["trigger", false], ["trigger", true], ["resolve", false]]);
    expect(pd.dropped.map((e) => e.event_action)).toEqual(["acknowledge"]);
  });

  it("rate-limits each integration key over a 60-second window, with 429 and no Retry-After", async () => {
    const limited = await startFakePagerDuty({ ratePerMinute: 2 });
    try {
      const k = limited.addIntegration();
      const send = () => fetch(limited.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(trigger({ routing_key: k })) });
      expect((await send()).status).toBe(202);
      expect((await send()).status).toBe(202);
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toBeNull();
      expect(await third.json()).toMatchObject({ status: "throttle event" });
    } finally {
      await limited.close();
    }
  });

  it("takes what the bot sends for any incident: long titles, emoji at the cut, many services", async () => {
    const incident = {
      teamId: "T1",
      number: 7,
      title: `${"🔥".repeat(70)} Checkout`,
      description: "x".repeat(3000),
      severity: "sev4",
      status: "investigating",
      affectedServices: Array.from({ length: 20 }, (_, i) => `service-${i}-${"y".repeat(60)}`),
      commanderId: "U1",
      declaredBy: "U1",
      channelId: "C1",
      channelName: "inc-7-checkout",
    } as unknown as Incident;
    const event = triggerEvent(incident, key, new Date());
    expect(event.payload!.summary.length).toBeLessThanOrEqual(SUMMARY_MAX);
    await expect(sendEvent(pd.url, event, 2000)).resolves.toMatchObject({ status: "success" });
    await expect(sendEvent(pd.url, followUpEvent("acknowledge", key, event.dedup_key), 2000)).resolves.toMatchObject({ status: "success" });
    const long = { ...incident, title: "é".repeat(2000) } as Incident;
    expect(triggerEvent(long, key, new Date()).payload!.summary).toHaveLength(SUMMARY_MAX);
  });
});
