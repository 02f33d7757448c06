// The signature README teaches receivers to check is the one the bot sends: the documented example holds.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { webhookSignature } from "../../src/webhooks/signature.js";

describe("the webhook signature", () => {
  it("is README's worked example: v1= and HMAC-SHA256 of v1:<timestamp>:<raw body>", () => {
    const body = '{"version":1,"id":"whd_5d41402abc4b2a76b9719d911017c592","event":"incident.acknowledged"}';
    const signature = webhookSignature("an-example-secret-of-32-characters", 1767225600, body);
    expect(signature).toBe("v1=70b43dc2b7db6d501956312aad4cf486a7e0640a3aa8cc67daaa749446c59c51");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(signature);
    expect(readme).toContain(body);
  });

  it("changes with the body, the timestamp and the secret", () => {
    const base = webhookSignature("secret-one-0123456789", 1767225600, "{}");
    expect(webhookSignature("secret-one-0123456789", 1767225601, "{}")).not.toBe(base);
    expect(webhookSignature("secret-one-0123456789", 1767225600, "{ }")).not.toBe(base);
    expect(webhookSignature("secret-two-0123456789", 1767225600, "{}")).not.toBe(base);
  });
});
