// The pure checks behind the Slack endpoint's door, and the text PostgreSQL will store.
import { describe, expect, it } from "vitest";
import { makeStorable, storableText } from "../../src/db/storable-text.js";
import { slackSignature } from "../../src/fake-slack/driver.js";
import { classifyEnvelope, signatureProblem } from "../../src/slack/requests.js";

const secret = "8f14e45fceea167a5a36dedd4bea2543";
const FORM = "application/x-www-form-urlencoded";
const now = Date.parse("2026-11-22T09:00:00Z");
const signed = (body: string, atMs = now) => {
  const timestamp = Math.floor(atMs / 1000);
  return { headers: { timestamp: String(timestamp), signature: slackSignature(secret, timestamp, body) }, body: Buffer.from(body) };
};

describe("a request's signature", () => {
  it("is accepted when Slack's v0 HMAC matches and the timestamp is within 5 minutes either way", () => {
    for (const offset of [0, -299_000, 299_000]) {
      const { headers, body } = signed("command=%2Fincident", now + offset);
      expect(signatureProblem(secret, headers, body, now)).toBeUndefined();
    }
  });

  it("is refused from further in the past or the future, with another secret, or altered", () => {
    const late = signed("a=1", now - 301_000);
    const early = signed("a=1", now + 301_000);
    const ok = signed("a=1");
    expect(signatureProblem(secret, late.headers, late.body, now)).toMatch(/5 minutes/);
    expect(signatureProblem(secret, early.headers, early.body, now)).toMatch(/5 minutes/);
    expect(signatureProblem("another-secret-entirely", ok.headers, ok.body, now)).toBe("signature mismatch");
    expect(signatureProblem(secret, ok.headers, Buffer.from("a=2"), now)).toBe("signature mismatch");
    expect(signatureProblem(secret, { ...ok.headers, signature: "v0=zz" }, ok.body, now)).toMatch(/x-slack-signature/);
    expect(signatureProblem(secret, { ...ok.headers, timestamp: ["1", "2"] }, ok.body, now)).toMatch(/timestamp/);
  });
});

describe("a request's shape", () => {
  const payload = (p: unknown) => Buffer.from(`payload=${encodeURIComponent(JSON.stringify(p))}`);
  const command = "command=%2Fincident&text=help&team_id=T1&user_id=U1&channel_id=C1&trigger_id=1.2&response_url=https%3A%2F%2Fhooks";

  it("hands Bolt what Slack sends", () => {
    expect(classifyEnvelope(FORM, Buffer.from(command))).toEqual({ kind: "for_bolt" });
    expect(classifyEnvelope(FORM, payload({ type: "block_actions", user: { id: "U1" }, team: { id: "T1" }, actions: [{ action_id: "a" }] }))).toEqual({ kind: "for_bolt" });
    expect(classifyEnvelope(FORM, payload({ type: "view_submission", user: { id: "U1" }, team: null, view: { id: "V1", callback_id: "c" } }))).toEqual({ kind: "for_bolt" });
    expect(classifyEnvelope("application/json", Buffer.from(JSON.stringify({ type: "event_callback", team_id: "T1", event: { type: "app_mention", channel: "C1" } })))).toEqual({ kind: "for_bolt" });
  });

  it("answers kinds the bot does not handle without Bolt", () => {
    expect(classifyEnvelope(FORM, payload({ type: "view_closed" }))).toEqual({ kind: "nothing_to_do", type: "view_closed" });
    expect(classifyEnvelope("application/json", Buffer.from('{"type":"app_rate_limited"}'))).toEqual({ kind: "nothing_to_do", type: "app_rate_limited" });
  });

  it("refuses what would crash Bolt or send it down the wrong path", () => {
    const malformed = [
      [FORM, Buffer.from("payload=null")],
      ["application/json", Buffer.from("null")],
      ["application/json", Buffer.from('{"type":"event_callback","team_id":"T1","event":{"type":"x","channel":null}}')],
      ["application/json", Buffer.from('{"type":"event_callback","team_id":"T1","event":{"type":"x","subteam":1}}')],
      [FORM, Buffer.from(`${command}&event=x`)],
      [FORM, Buffer.from(`${command}&text=again`)],
      [FORM, payload({ type: "block_actions", user: { id: "U1" }, actions: [{ action_id: "a" }], channel: null })],
      [FORM, payload({ type: "block_actions", user: { id: "U1" }, actions: [{ action_id: "a" }], command: "/incident" })],
      [FORM, payload({ type: "view_submission", user: { id: "U1" }, view: { id: "V1", callback_id: "c", state: { values: { b: { a: { value: 3 } } } } } })],
      [FORM, payload({ type: "view_submission", user: { id: "U1" }, view: { id: "V1", callback_id: "c" }, response_urls: null })],
    ] as const;
    for (const [contentType, body] of malformed) expect(classifyEnvelope(contentType, body).kind, body.toString()).toBe("malformed");
  });
});

describe("storable text", () => {
  it("drops NUL and replaces lone surrogates, keeping pairs", () => {
    expect(storableText("a\u0000b")).toBe("ab");
    expect(storableText("x\ud800y\udc00z")).toBe("x\ufffdy\ufffdz");
    expect(storableText("ok 💥")).toBe("ok 💥");
  });

  it("cleans every string of a request body in place, keys included", () => {
    const body = { text: "a\u0000", nested: [{ ["k\u0000"]: "\ud83d" }, "fine"], n: 1 };
    const nested = body.nested;
    expect(makeStorable(body)).toBe(true);
    expect(body).toEqual({ text: "a", nested: [{ k: "\ufffd" }, "fine"], n: 1 });
    expect(body.nested).toBe(nested);
    expect(makeStorable({ text: "clean 💥" })).toBe(false);
  });
});
