// One running sandbox: the built-in fake Slack (its workspace kept in a file), the real bot against it on a moved-
// forward-able clock, and the page server a person drives both from. `npm start` without Slack credentials and
// `npm run sandbox` start it (main.ts); the tests start the same thing here.
import { randomBytes } from "node:crypto";
import { ShiftedClock } from "../clock.js";
import { announcementChannels, type Config } from "../config.js";
import type { Database } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { SlackDriver } from "../fake-slack/driver.js";
import { FakeSlack } from "../fake-slack/server.js";
import { startFakePagerDuty } from "../fake-pagerduty/server.js";
import type { Logger } from "../log.js";
import { startWarroom, type RunningWarroom } from "../warroom.js";
import { forgetEverything, holdsIncidents } from "./forget.js";
import { startPageServer, type PageServer } from "./page-server.js";
import type { ActingParts } from "./person-acts.js";
import { screenFor, type Screen } from "./screen.js";
import { readKeptSandbox, WorkspaceFile, type KeptSandbox } from "./workspace-file.js";

export interface SandboxOptions {
  /** From loadSandboxConfig(): the bot's settings; Slack's credentials are the fake's, filled in here. */
  config: Config;
  /** The sandbox's own database: reset empties it. */
  database: Database;
  logger: Logger;
  /** Where the fake Slack's workspace is kept; without one it lives only as long as the process. */
  slackFile?: string;
  /** The page's port on 127.0.0.1 (0: any free one). */
  pagePort: number;
  /** Where the page's browser files and libraries are found (tests and main.ts agree on the default). */
  pageRoot?: string;
}

export interface RunningSandbox {
  url: string;
  port: number;
  fake: FakeSlack;
  clock: ShiftedClock;
  bot(): RunningWarroom;
  screen(userId: string, channelId?: string): Screen;
  acting: ActingParts;
  /** Moves the clock forward, runs everything that fell due and waits (a while) for Slack to hear of it. */
  advanceClock(minutes: number): Promise<void>;
  /** Empties the database and the workspace and puts the clock back: a new sandbox, same process. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { database, logger } = options;
  // The bot migrates at start too; the sandbox looks at the database before that.
  await migrateDatabase(database);
  const kept = await keptHalves(options.slackFile ? readKeptSandbox(options.slackFile, logger) : undefined, database, logger);
  const clock = new ShiftedClock(kept?.aheadMs ?? 0);
  const fake = await new FakeSlack({ now: () => clock.now().getTime() }).listen();
  if (kept) fake.workspace.restore(kept.workspace);
  ensureAnnouncementChannels(fake, options.config);
  if (!kept) welcome(fake);

  // An escalation policy made in the sandbox may name a PagerDuty key: its pages go to the built-in fake PagerDuty
  // (kept in memory only), never to PagerDuty.
  const pagerDuty = await startFakePagerDuty();
  const signingSecret = randomBytes(16).toString("hex");
  const botConfig: Config = {
    ...options.config,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
    PORT: 0,
  };
  let bot: RunningWarroom;
  let driver: SlackDriver;
  const startBot = async () => {
    bot = await startWarroom({ config: botConfig, database, logger, clock, listenHost: "127.0.0.1" });
    driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret });
  };
  await startBot();

  const keep = (): KeptSandbox => {
    fake.forgetExpired();
    return { aheadMs: clock.aheadMs, workspace: fake.workspace.snapshot() };
  };
  const file = options.slackFile ? new WorkspaceFile(options.slackFile, keep) : undefined;
  file?.flush();
  const unwatch = fake.onChange(() => file?.changed());

  const acting: ActingParts = { fake, driver: () => driver, modalErrors: new Map() };
  const screen = (userId: string, channelId?: string) =>
    screenFor(fake, {
      userId,
      channelId,
      aheadMs: clock.aheadMs,
      errorsOf: (viewId, hash) => {
        const shown = acting.modalErrors.get(viewId);
        return shown && shown.hash === hash ? shown.errors : {};
      },
    });

  const sandbox: RunningSandbox = {
    url: "",
    port: 0,
    fake,
    clock,
    bot: () => bot,
    screen,
    acting,
    async advanceClock(minutes) {
      clock.advance(minutes * 60_000);
      fake.changed();
      // A tick handles everything due by now; what it plans lands later, so one round is enough.
      await bot.scheduler.tick();
      bot.outbox.kick();
      await bot.outbox.waitUntilIdle(5_000).catch(() => undefined);
      fake.changed();
    },
    async reset() {
      await bot.stop();
      await forgetEverything(database.db);
      fake.workspace.clear();
      ensureAnnouncementChannels(fake, options.config);
      welcome(fake);
      acting.modalErrors.clear();
      clock.reset();
      file?.flush();
      await startBot();
      fake.changed();
      logger.info("the sandbox was reset");
    },
    async stop() {
      await page.close();
      await bot.stop();
      unwatch();
      file?.flush();
      await fake.close();
      await pagerDuty.close();
    },
  };
  const page: PageServer = await startPageServer({ sandbox, port: options.pagePort, logger, root: options.pageRoot });
  sandbox.port = page.port;
  sandbox.url = `http://localhost:${page.port}/`;
  return sandbox;
}

/**
 * The database and the workspace file are two halves of one sandbox: incidents point at channels and messages.
 * Kept together they continue; if one half is missing (a deleted file, a new database), both start afresh, rather
 * than the bot chasing channels that no longer exist or a new incident adopting an old incident's room.
 */
async function keptHalves(kept: KeptSandbox | undefined, database: Database, logger: Logger): Promise<KeptSandbox | undefined> {
  const incidents = await holdsIncidents(database.db);
  const bots = new Set(kept?.workspace.users.filter((u) => u.is_bot).map((u) => u.id));
  const warRooms = kept?.workspace.channels.some((c) => bots.has(c.creator) && !c.is_im) ?? false;
  if (kept && (incidents || !warRooms)) return kept;
  if (kept) logger.warn("the sandbox's database is new but its Slack file is not: starting with a new workspace");
  if (incidents) {
    logger.warn("the sandbox's Slack file is missing but its database is not: emptying the database");
    await forgetEverything(database.db);
  }
  return undefined;
}

/** The announcement channels may name channels a new workspace lacks; a person would create them, so the sandbox does. */
function ensureAnnouncementChannels(fake: FakeSlack, config: Config): void {
  const people = [...fake.workspace.users.values()].filter((u) => !u.is_bot).map((u) => u.id);
  for (const name of new Set(Object.values(announcementChannels(config)))) {
    if (/^[CG][A-Z0-9]{6,}$/.test(name) || fake.channelByName(name)) continue;
    fake.createChannel({ name, creator: people[0]!, members: people });
  }
}

/** Slackbot's id in every workspace; the sandbox's first line in #general is Slackbot's, as Slack's own tips are. */
const SLACKBOT = "USLACKBOT";

/** A new sandbox's one line in #general, saying what to type first (only the page shows it; the bot never hears it). */
function welcome(fake: FakeSlack): void {
  const general = fake.channelByName("general");
  if (!general) return;
  fake.workspace.postMessage({
    channel: general.id,
    user: SLACKBOT,
    username: "Slackbot",
    text: "Welcome to the Warroom sandbox. Try `/incident declare Checkout is down` here to declare your first incident.",
  });
}
