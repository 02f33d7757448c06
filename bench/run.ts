// npm run bench: slash-command ack latency and declares per second through the fake Slack, beside a bare Bolt app.
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App } from "@slack/bolt";
import { loadConfig } from "../src/config.js";
import { openPglite } from "../src/db/client.js";
import { createLogger } from "../src/log.js";
import { startWarroom } from "../src/warroom.js";
import { startFakeSlack } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";
import { searchLatency } from "./search-latency.js";
import { tickCost } from "./tick-cost.js";

const ACK_SAMPLES = Number(process.env.BENCH_ACK_SAMPLES ?? 400);
const DECLARES = Number(process.env.BENCH_DECLARES ?? 200);
const DECLARE_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  // Bolt acks first and opens the modal right after, so the modal shows up a moment after the ack.
  const modalOpenedBy = async (triggerId: string) => {
    for (let waited = 0; waited < 3000; waited += 2) {
      const view = fake.views.find((v) => v.triggerId === triggerId);
      if (view) return view;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error("the declare modal did not open within Slack's 3 seconds");
  };
  const fake = await startFakeSlack();
  const signingSecret = randomBytes(16).toString("hex");
  const logger = createLogger("silent");

  const database = await openPglite();
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    PORT: "0",
  });
  const warroom = await startWarroom({ config, database, logger });
  const ours = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${warroom.port}/slack/events`, signingSecret });

  const bare = new App({
    token: fake.botToken,
    signingSecret,
    tokenVerificationEnabled: false,
    botUserId: fake.botUserId,
    botId: fake.botId,
    clientOptions: { slackApiUrl: fake.url },
    logLevel: "error" as never,
  });
  bare.command("/incident", async ({ ack }) => ack());
  const bareServer = (await bare.start(0)) as Server;
  const bareDriver = new SlackDriver({
    fake,
    botUrl: `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`,
    signingSecret,
  });

  const command = (driver: SlackDriver) => () =>
    driver.slashCommand({ userId: "U_ALICE", channelId: "C_BENCH", text: "declare Bench latency" });

  // Our ack is followed by views.open in the same process; let it finish so its cost is not billed to the next sample.
  const oursThenModal = async () => {
    let triggerId = "";
    const ackMs = await timed(async () => {
      triggerId = (await command(ours)()).triggerId;
    });
    await modalOpenedBy(triggerId);
    return ackMs;
  };

  // Warm both up (JIT, connection pools), then interleave samples so machine noise hits both alike.
  for (let i = 0; i < 30; i++) {
    await oursThenModal();
    await command(bareDriver)();
  }
  const oursAck: number[] = [];
  const bareAck: number[] = [];
  for (let i = 0; i < ACK_SAMPLES; i++) {
    oursAck.push(await oursThenModal());
    bareAck.push(await timed(command(bareDriver)));
  }
  oursAck.sort((a, b) => a - b);
  bareAck.sort((a, b) => a - b);

  // Declares per second: from the slash command to a fully set-up war room (channel, invites, topic, card, pin, announcement).
  await warroom.outbox.waitUntilIdle(60_000);
  let next = 0;
  const declareOne = async (i: number) => {
    const user = ["U_ALICE", "U_BOB", "U_CAROL"][i % 3]!;
    const cmd = await ours.slashCommand({ userId: user, channelId: "C_BENCH", text: `declare Bench incident ${i}` });
    const view = await modalOpenedBy(cmd.triggerId);
    await ours.submitView({ viewId: view.id, userId: user, values: { severity: "sev2" } });
  };
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: DECLARE_CONCURRENCY }, async () => {
      while (next < DECLARES) await declareOne(next++);
    }),
  );
  await warroom.outbox.waitUntilIdle(120_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const bareStart = process.hrtime.bigint();
  let bareNext = 0;
  await Promise.all(
    Array.from({ length: DECLARE_CONCURRENCY }, async () => {
      while (bareNext++ < DECLARES) await command(bareDriver)();
    }),
  );
  const bareSeconds = Number(process.hrtime.bigint() - bareStart) / 1e9;

  const p99Ratio = percentile(oursAck, 99) / percentile(bareAck, 99);
  console.log(`Warroom benchmark (${new Date().toISOString()}, node ${process.version}, embedded PGlite, fake Slack on loopback)`);
  console.log("");
  console.log(`slash-command ack latency, ${ACK_SAMPLES} samples each, interleaved`);
  console.log(`                               p50          p99`);
  console.log(`  warroom (/incident declare)  ${ms(percentile(oursAck, 50)).padEnd(12)} ${ms(percentile(oursAck, 99))}`);
  console.log(`  bare Bolt (ack only)         ${ms(percentile(bareAck, 50)).padEnd(12)} ${ms(percentile(bareAck, 99))}`);
  console.log(`  ratio p50 ${(percentile(oursAck, 50) / percentile(bareAck, 50)).toFixed(2)}x, p99 ${p99Ratio.toFixed(2)}x (target: p99 within 1.5x)`);
  console.log("");
  console.log(`throughput, ${DECLARES} requests, ${DECLARE_CONCURRENCY} at a time`);
  console.log(`  warroom full declares (command → modal → submit → war room set up): ${(DECLARES / seconds).toFixed(1)} /s`);
  console.log(`  bare Bolt acks: ${(DECLARES / bareSeconds).toFixed(1)} /s`);

  await warroom.stop();
  await bare.stop();
  await database.close();
  await fake.close();

  const rounds = Number(process.env.BENCH_TICK_ROUNDS ?? 20);
  const where = process.env.BENCH_DATABASE_URL ? "PostgreSQL (scratch database)" : "embedded PGlite";
  console.log("");
  console.log(`scheduler tick with 10 jobs due, ${rounds} ticks each, ${where}; every stored incident has a pending far-future job`);
  for (const row of await tickCost([100, 10_000, 100_000], rounds, process.env.BENCH_DATABASE_URL)) {
    console.log(`  ${String(row.incidents).padStart(7)} stored incidents: p50 ${ms(row.p50)}, p95 ${ms(row.p95)}`);
  }

  const searchRounds = Number(process.env.BENCH_SEARCH_ROUNDS ?? 5);
  const searched = await searchLatency(100_000, searchRounds, process.env.BENCH_DATABASE_URL);
  console.log("");
  console.log(`/incident search over 100,000 stored incidents, ${searchRounds * 7} queries (words and filters), ${where}`);
  console.log(`  p50 ${ms(searched.p50)}, p95 ${ms(searched.p95)} (seeded in ${searched.seedSeconds.toFixed(1)} s)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
