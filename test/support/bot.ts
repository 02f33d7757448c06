// Starts the real bot (Bolt HTTP receiver, outbox, database) against the fake Slack, and drives it like Slack would.
import { randomBytes } from "node:crypto";
import type { ManualClock } from "../../src/clock.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { startWarroom, type RunningWarroom, type WarroomOptions } from "../../src/warroom.js";
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from "../../src/fake-slack/server.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { openTestDatabase, type TestDatabase } from "./database.js";

export interface TestBot {
  fake: FakeSlack;
  database: TestDatabase;
  bot: RunningWarroom;
  driver: SlackDriver;
  config: Config;
  /** Stops the bot process (not the database, not Slack) and starts a new one, as a deploy or crash would. */
  restart(): Promise<void>;
  stopBot(): Promise<void>;
  startBot(): Promise<void>;
  close(): Promise<void>;
}

export interface TestBotOptions {
  /** A manual clock: the scheduler's cron is off and the test runs ticks itself (see tick()). */
  clock?: ManualClock;
  /** Card and topic refresh pacing; tests run without it unless they are about it. */
  refreshSettleMs?: number;
  /** Alert lines pacing in a war room; likewise off unless a test is about it. */
  alertLinesSettleMs?: number;
  /** App Home publish pacing per person; likewise off unless a test is about it. */
  homeSettleMs?: number;
  /** How the fake Slack is set up (e.g. the app as installed, when a test is about a different manifest). */
  fake?: FakeSlackOptions;
  /** A database and fake Slack prepared by the test, e.g. as an older release left them. */
  database?: TestDatabase;
  fakeSlack?: FakeSlack;
  /** Where the bot's log lines go (JSON, one per line), for tests about what it logs. */
  logs?: NodeJS.WritableStream;
  /** Request limits of the HTTP endpoint, for tests about slow or large requests. */
  receiverLimits?: WarroomOptions["receiverLimits"];
  /** Shorter Slack timeouts, settle and drain times, for tests of late answers and shutdown. */
  slackTiming?: WarroomOptions["slackTiming"];
  /** PagerDuty's and webhook receivers' timeouts and 429 wait, for tests of those surfaces. */
  outsideTiming?: WarroomOptions["outsideTiming"];
  /** The outbox's longest wait between retries, for tests that retry many times. */
  outboxMaxBackoffMs?: number;
  /**
   * How Slack reaches the bot: signed HTTP requests to its endpoint (default), or Socket Mode (the bot gets the
   * fake's app-level token and connects to it; the driver sends the same requests as envelopes).
   */
  transport?: Transport;
}

export type Transport = "http" | "socket";
/** Both ways Slack reaches the bot, for tests that run over each. */
export const transports: readonly Transport[] = ["http", "socket"];

export async function startTestBot(env: Record<string, string> = {}, options: TestBotOptions = {}): Promise<TestBot> {
  // The fake installs the app as manifest.yml describes it: its scopes and how its slash command's text is sent.
  const fake = options.fakeSlack ?? (await startFakeSlack(options.fake));
  const database = options.database ?? (await openTestDatabase());
  const signingSecret = randomBytes(16).toString("hex");
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...(options.transport === "socket" ? { SLACK_APP_TOKEN: fake.appToken } : {}),
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL, options.logs);
  let running: RunningWarroom | undefined;

  const harness: TestBot = {
    fake,
    database,
    config,
    get bot() {
      if (!running) throw new Error("the bot is not running");
      return running;
    },
    driver: undefined as unknown as SlackDriver,
    async startBot() {
      running = await startWarroom({
        config,
        database,
        logger,
        outboxPollMs: 50,
        clock: options.clock,
        schedulerTicks: !options.clock,
        refreshSettleMs: options.refreshSettleMs ?? 0,
        alertLinesSettleMs: options.alertLinesSettleMs ?? 0,
        homeSettleMs: options.homeSettleMs ?? 0,
        receiverLimits: options.receiverLimits,
        // Nothing races a test's stop; the child-process tests keep the real linger.
        stopLingerMs: 0,
        // Slack's rate tiers count per minute; a test file does in seconds what people do in an hour, so the bot's own
        // pacing counts per second unless a test is about it (the fake enforces no tiers unless asked to).
        // Socket Mode reconnects after one ping interval; a test of it need not wait Slack's default 5 s.
        slackTiming: { rateWindowMs: 1000, socketPingMs: 2000, ...options.slackTiming },
        outsideTiming: options.outsideTiming,
        outboxMaxBackoffMs: options.outboxMaxBackoffMs,
      });
      harness.driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${running.port}/slack/events`, signingSecret, transport: options.transport });
    },
    async stopBot() {
      await running?.stop();
      running = undefined;
    },
    async restart() {
      await harness.stopBot();
      await harness.startBot();
    },
    async close() {
      await harness.stopBot();
      await database.destroy();
      await fake.close();
    },
  };
  await harness.startBot();
  return harness;
}
