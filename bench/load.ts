// Load for the ack benchmark: signed `/incident help` slash commands, each with its own trigger_id (so each body
// and signature is new, as Slack sends them), posted by a fixed number of concurrent senders for a fixed time.
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { slackSignature } from "../src/fake-slack/driver.js";

export interface SlashCommandShape {
  signingSecret: string;
  teamId: string;
  teamDomain: string;
  appId: string;
  responseUrlBase: string;
  text: string;
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** One slash command as Slack posts it: form-encoded, signed over "v0:<timestamp>:<body>". */
export function signedSlashCommand(shape: SlashCommandShape, sequence: number): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: shape.teamId,
    team_domain: shape.teamDomain,
    channel_id: "C_BENCH",
    channel_name: "bench",
    user_id: "U_ALICE",
    user_name: "alice",
    command: "/incident",
    text: shape.text,
    api_app_id: shape.appId,
    is_enterprise_install: "false",
    response_url: `${shape.responseUrlBase}/response/bench-${sequence}`,
    trigger_id: `${sequence}.${randomBytes(6).toString("hex")}`,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(body)),
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(shape.signingSecret, timestamp, body),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
  };
}

export function post(url: URL, agent: Agent, message: { body: string; headers: Record<string, string> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: message.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(message.body);
  });
}

export interface LoadResult {
  latenciesMs: number[];
  seconds: number;
  wrongAnswers: number;
}

let sequence = 0;

/**
 * `concurrency` senders each post a command, wait for the answer, post the next, until `seconds` have passed.
 * Every answer must be the expected bytes; anything else is counted, never timed as a success.
 */
export async function closedLoop(opts: { url: string; shape: SlashCommandShape; concurrency: number; seconds: number; expected: string; agent: Agent }): Promise<LoadResult> {
  const url = new URL(opts.url);
  const latenciesMs: number[] = [];
  let wrongAnswers = 0;
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const sender = async () => {
    while (performance.now() < deadline) {
      const message = signedSlashCommand(opts.shape, ++sequence);
      const sent = performance.now();
      const answer = await post(url, opts.agent, message);
      const elapsed = performance.now() - sent;
      if (answer.status === 200 && answer.body === opts.expected) latenciesMs.push(elapsed);
      else wrongAnswers++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, sender));
  return { latenciesMs, seconds: (performance.now() - started) / 1000, wrongAnswers };
}

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
