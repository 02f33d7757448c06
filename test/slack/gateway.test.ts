// The gateway against the fake Slack: it really stops waiting at its timeout, and says whether a failed call may
// still have been (or yet be) applied, which is what deliveries use to avoid doing anything twice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { SlackGateway } from "../../src/slack/gateway.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";

let fake: FakeSlack;
let gateway: SlackGateway;
let general: string;
beforeEach(async () => {
  fake = await startFakeSlack();
  gateway = new SlackGateway({ token: fake.botToken, slackApiUrl: fake.url, logger: createLogger("silent"), timeoutMs: 200 });
  general = fake.channelByName("general")!.id;
});
afterEach(async () => {
  await fake.close();
});

const botPosts = () => fake.messagesIn(general).filter((m) => m.user === fake.botUserId);

describe("a Slack that answers after the timeout", () => {
  it("gives up on the post at the timeout, while Slack still applies it later", async () => {
    fake.faults.set({ latency: { ms: 800, methods: ["chat.postMessage"] } });
    await expect(gateway.postMessage(general, { text: "late" }, "key-1")).rejects.toMatchObject({ code: "request_failed", outcome: "unanswered", retryable: true });
    expect(botPosts()).toHaveLength(0);
    await fake.quiet();
    expect(botPosts().map((m) => m.text)).toEqual(["late"]);
    await gateway.joinChannel(general);
    expect(await gateway.findDeliveredMessage(general, "key-1", new Date())).toBe(botPosts()[0]!.ts);
  });

  it("gives up on a response_url too, and says the link may yet be shown", async () => {
    fake.faults.set({ latency: { ms: 800, methods: ["response_url"] } });
    const url = fake.issueResponseUrl({ userId: "U_ALICE", channelId: general });
    await expect(gateway.respond(url, { text: "your link" })).rejects.toMatchObject({ outcome: "unanswered" });
    await fake.quiet();
    expect(fake.ephemeralsFor("U_ALICE").map((e) => e.text)).toEqual(["your link"]);
  });
});

describe("what a failed call says about Slack's side", () => {
  it("a lost answer (5xx after Slack acted) may have been applied; a 429 and a refusal were not", async () => {
    fake.faults.failNext("chat.postMessage", { afterApply: true, status: 503 });
    await expect(gateway.postMessage(general, { text: "lost" })).rejects.toMatchObject({ outcome: "unknown", retryable: true });
    await expect(gateway.postMessage("C_NOWHERE", { text: "nowhere" })).rejects.toMatchObject({ code: "channel_not_found", outcome: "refused", retryable: false });
    fake.faults.failNext("chat.postMessage", { status: 429, retryAfterSec: 2 });
    await expect(gateway.postMessage(general, { text: "limited" })).rejects.toMatchObject({ code: "ratelimited", outcome: "refused", retryAfterMs: 2000 });
    expect(botPosts().map((m) => m.text)).toEqual(["lost"]);
  });

  it("after a 429, pauses the method itself instead of calling Slack again before Retry-After", async () => {
    fake.faults.failNext("chat.postMessage", { status: 429, retryAfterSec: 30 });
    await expect(gateway.postMessage(general, { text: "first" })).rejects.toMatchObject({ code: "ratelimited" });
    const calls = fake.calls.length;
    await expect(gateway.postMessage(general, { text: "second" })).rejects.toMatchObject({ code: "ratelimited", outcome: "refused" });
    expect(fake.calls.length).toBe(calls);
  });
});
