// A child process running a bare Bolt 5.1 app on the HTTP receiver: one /incident listener that acknowledges with
// the answer it was given (the very bytes Warroom's help answers with), nothing else registered.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App, LogLevel } from "@slack/bolt";
import { serveParent } from "./ipc.js";

const answer = JSON.parse(process.env.BENCH_BARE_ANSWER ?? "{}") as Record<string, unknown>;
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  tokenVerificationEnabled: false,
  botUserId: process.env.BENCH_BOT_USER_ID,
  botId: process.env.BENCH_BOT_ID,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
});
app.command("/incident", async ({ ack }) => ack(answer));
const server = (await app.start(0)) as Server;

serveParent({
  port: (server.address() as AddressInfo).port,
  outboxIdle: async () => undefined,
  stop: () => app.stop().then(() => undefined),
});
