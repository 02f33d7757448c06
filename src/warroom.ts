// Assembles one running bot from its parts (database, Slack gateway, outbox, Bolt app); main.ts and the tests both start it here.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { Retention } from "./db/retention.js";
import { healthRoute } from "./http/health.js";
import type { Logger } from "./log.js";
import { OutboxWorker } from "./outbox/outbox.js";
import { createSlackApp } from "./slack/app.js";
import { createClockwork } from "./incidents/clockwork.js";
import { createLearningClock } from "./postmortems/reminders.js";
import { clockSettings } from "./incidents/timers.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { reportGiveUp, slackDeliverers, type SlackDeliveryContext } from "./slack/deliveries/index.js";
import { classifySlackFailure, SlackCallError, SlackGateway, toSlackCallError } from "./slack/gateway.js";

export interface WarroomOptions {
  config: Config;
  database: Database;
  logger: Logger;
  clock?: Clock;
  /** Tests turn the background poll off to drive deliveries themselves. */
  outboxPollMs?: number;
  /** false: no cron ticks; the caller runs scheduler.tick() itself (tests with a manual clock). */
  schedulerTicks?: boolean;
  /** Card and topic refreshes of one incident at most once per this many ms (default 1500; tests use less). */
  refreshSettleMs?: number;
  /** Slack's timing, shortened by tests of late answers: see SlackGateway and OutboxWorker. */
  slackTiming?: {
    /** How long a Slack call may take before we stop waiting (default 30 s). */
    timeoutMs?: number;
    /** How long Slack may still apply a call we stopped waiting for (default 30 s). */
    settleMs?: number;
    /** On stop, how long deliveries in flight may take before they are handed back (default 5 s). */
    drainMs?: number;
  };
}

export interface RunningWarroom {
  port: number;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  retention: Retention;
  botUserId: string;
  stop(): Promise<void>;
}

export class SlackAuthError extends Error {}

export async function startWarroom({ config, database, logger, clock = systemClock, outboxPollMs, schedulerTicks = true, refreshSettleMs, slackTiming = {} }: WarroomOptions): Promise<RunningWarroom> {
  let ready = false;
  await migrateDatabase(database);
  const gateway = new SlackGateway({ token: config.SLACK_BOT_TOKEN, slackApiUrl: config.SLACK_API_URL, logger, timeoutMs: slackTiming.timeoutMs });
  const identity = await whoAmI(gateway);

  const slack: SlackDeliveryContext = {
    db: database.db,
    clock,
    gateway,
    logger,
    botUserId: () => identity.userId,
    announcementChannel: config.INCIDENTS_CHANNEL,
    refreshSettleMs,
  };
  const outbox = new OutboxWorker({
    db: database.db,
    clock,
    logger: logger.child({ component: "outbox" }),
    deliverers: slackDeliverers(slack),
    classifyFailure: classifySlackFailure,
    onGiveUp: reportGiveUp(slack),
    pollMs: outboxPollMs,
    settleMs: slackTiming.settleMs,
    drainMs: slackTiming.drainMs,
  });
  const retention = new Retention({
    db: database.db,
    clock,
    logger: logger.child({ component: "retention" }),
    outboxRetentionDays: config.OUTBOX_RETENTION_DAYS,
    jobRetentionDays: config.JOB_RETENTION_DAYS,
  });

  const clockwork = createClockwork({ clock, settings: clockSettings(config) });
  const learning = createLearningClock({ clock, businessTimeZone: config.BUSINESS_TIMEZONE });
  const scheduler = new Scheduler({
    db: database.db,
    clock,
    logger: logger.child({ component: "scheduler" }),
    handlers: { ...clockwork.handlers, ...learning.handlers },
    tickSeconds: config.SCHEDULER_TICK,
    onWork: () => outbox.kick(),
  });

  const app = createSlackApp({
    config,
    botUserId: identity.userId,
    botId: identity.botId,
    customRoutes: [healthRoute(database.db, () => ready)],
    deps: {
      db: database.db,
      clock,
      logger,
      gateway,
      admins: new Set(config.INCIDENT_ADMINS),
      businessTimeZone: config.BUSINESS_TIMEZONE,
      onDeclared: clockwork.onDeclared,
      replanClock: async (tx, incident) => {
        await clockwork.replan(tx, incident);
        await learning.onIncidentChanged(tx, incident);
      },
      learning,
      deliverNow: () => outbox.kick(),
    },
  });
  const server = (await app.start(config.PORT)) as Server | undefined;
  const port = (server?.address() as AddressInfo | null)?.port ?? config.PORT;
  outbox.start();
  if (schedulerTicks) scheduler.start();
  retention.start();
  ready = true;
  logger.info({ port, team: identity.teamId, mode: config.SLACK_APP_TOKEN ? "socket" : "http" }, "warroom is up");

  return {
    port,
    outbox,
    scheduler,
    retention,
    botUserId: identity.userId,
    /** Bounded: deliveries still under way after the drain time are handed back to the next start (or replica). */
    async stop() {
      ready = false;
      await app.stop();
      await scheduler.stop();
      await retention.stop();
      await outbox.stop();
    },
  };
}

async function whoAmI(gateway: SlackGateway): Promise<{ userId: string; botId?: string; teamId: string }> {
  try {
    const auth = await gateway.client.auth.test();
    return { userId: auth.user_id as string, botId: auth.bot_id as string | undefined, teamId: auth.team_id as string };
  } catch (error) {
    const e = error instanceof SlackCallError ? error : toSlackCallError("auth.test", error);
    throw new SlackAuthError(
      e.code === "invalid_auth" || e.code === "not_authed" || e.code === "account_inactive" || e.code === "token_revoked"
        ? `Slack refused SLACK_BOT_TOKEN (${e.code}): copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`
        : `Could not reach Slack to check SLACK_BOT_TOKEN (${e.code}); check the network or SLACK_API_URL.`,
    );
  }
}
