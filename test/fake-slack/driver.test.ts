// The driver plays Slack's client and servers no more kindly than Slack: a form without a submit button cannot be
// submitted, and an answer whose errors name blocks that are not the form's inputs is refused.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";

let fake: FakeSlack;
let bot: Server;
/** What the stand-in bot answers to the next form submission. */
let answer: unknown = "";
let driver: SlackDriver;

beforeEach(async () => {
  fake = await startFakeSlack();
  bot = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer)));
  });
  await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
  driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`, signingSecret: "driver-test-secret" });
});
afterEach(async () => {
  bot.closeAllConnections();
  await new Promise((resolve) => bot.close(resolve));
  await fake.close();
});

async function openForm(view: Record<string, unknown>): Promise<string> {
  const slack = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  const opened = await slack.views.open({ trigger_id: fake.issueTriggerId("U_ALICE"), view: { type: "modal", title: { type: "plain_text", text: "Form" }, ...view } as never });
  return opened.view!.id!;
}

const input = { type: "input", block_id: "title", label: { type: "plain_text", text: "Title" }, element: { type: "plain_text_input", action_id: "title_input" } };

describe("submitting a form", () => {
  it("is impossible without a submit button", async () => {
    const id = await openForm({ blocks: [{ type: "section", text: { type: "mrkdwn", text: "Nothing to fill in." } }] });
    await expect(driver.submitView({ viewId: id, userId: "U_ALICE" })).rejects.toThrow(/no submit button/);
  });

  it("shows errors under the form's inputs, and refuses an answer with errors for any other block", async () => {
    const id = await openForm({ submit: { type: "plain_text", text: "Save" }, blocks: [{ type: "section", block_id: "intro", text: { type: "mrkdwn", text: "Hi" } }, input] });
    answer = { response_action: "errors", errors: { title: "Please add a title." } };
    expect((await driver.submitView({ viewId: id, userId: "U_ALICE", values: { title: "" } })).body).toEqual(answer);
    answer = { response_action: "errors", errors: { intro: "Something is off." } };
    await expect(driver.submitView({ viewId: id, userId: "U_ALICE", values: { title: "x" } })).rejects.toThrow(/Slack would refuse this answer: errors for intro/);
  });
});
