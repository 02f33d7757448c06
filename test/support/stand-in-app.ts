// A stand-in for the app's side of view submissions, for what the bot itself never answers (response_action push
// and clear): it answers each submission by the view's callback_id, and the sandbox's page drives it through the
// fake Slack as a person would. Swap it in with useStandIn(); the returned function puts the real bot back.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebClient } from "@slack/web-api";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import type { RunningSandbox } from "../../src/sandbox/sandbox.js";

export interface StandInApp {
  /** The app's answer to a submission of a view with this callback_id; none: an empty acknowledgement. */
  answers: Record<string, unknown>;
  /** The Web API as the app calls it (views.open with a trigger_id the fake issued). */
  slack: WebClient;
  /** Opens a view on this person's screen, as an app does with the trigger_id of their click. */
  open(userId: string, view: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A small modal with one optional input, a submit ("Next") and a close ("Back") button. */
export const stepView = (title: string, callbackId: string) => ({
  type: "modal",
  callback_id: callbackId,
  title: { type: "plain_text", text: title },
  submit: { type: "plain_text", text: "Next" },
  close: { type: "plain_text", text: "Back" },
  blocks: [{ type: "input", block_id: "note", optional: true, label: { type: "plain_text", text: "Note" }, element: { type: "plain_text_input", action_id: "note" } }],
});

export async function useStandIn(sandbox: RunningSandbox): Promise<StandInApp> {
  const answers: Record<string, unknown> = {};
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const payload = JSON.parse(new URLSearchParams(body).get("payload") ?? "{}") as { view?: { callback_id?: string } };
      const answer = answers[payload.view?.callback_id ?? ""];
      res.writeHead(200, answer ? { "content-type": "application/json" } : {}).end(answer ? JSON.stringify(answer) : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { fake } = sandbox;
  const standIn = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, signingSecret: "stand-in" });
  const bot = sandbox.acting.driver;
  sandbox.acting.driver = () => standIn;
  const slack = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  return {
    answers,
    slack,
    async open(userId, view) {
      const opened = await slack.views.open({ trigger_id: fake.issueTriggerId(userId), view: view as never });
      fake.changed();
      return opened.view!.id!;
    },
    async close() {
      sandbox.acting.driver = bot;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
