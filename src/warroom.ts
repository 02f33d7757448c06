// Assembles one running bot from its parts (database, Slack gateway, outbox, Bolt app); main.ts and the tests both start it here.
import type { App, CustomRoute } from "@slack/bolt";
import type { AddressInfo } from "node:net";
import type { Server, ServerOptions } from "node:http";
import { systemClock, type Clock } from "./clock.js";
import { announcementChannels, slackAuth, type Config } from "./config.js";
import type { Database, Tx } from "./db/client.js";
import type { Incident } from "./db/schema.js";
import { migrateDatabase } from "./db/migrate.js";
import { Retention } from "./db/retention.js";
import { AlertIntake } from "./alerts/intake.js";
import { syncEnvSource } from "./alerts/sources.js";
import { alertRoutes } from "./http/alert-routes.js";
import { restApiRoutes } from "./http/api/routes.js";
import { healthRoute, type Readiness } from "./http/health.js";
import { metricsRoute } from "./http/metrics.js";
import { statusPageRoutes } from "./http/status-page.js";
import { SeenRequests } from "./http/seen-requests.js";
import type { Logger } from "./log.js";
import { DEFAULT_DRAIN_MS, OutboxWorker } from "./outbox/outbox.js";
import { STOP_LIMIT_MS } from "./process.js";
import { outsideSurface } from "./outside/fan-out.js";
import { pagerDutyListener, pagerDutySurface, type PagerDutyContext } from "./pagerduty/deliveries.js";
import { webhookListener, webhookSurface, type WebhookContext } from "./webhooks/deliveries.js";
import { createSlackApp } from "./slack/app.js";
import type { ReceiverLimits } from "./slack/receiver.js";
import { createClockwork } from "./incidents/clockwork.js";
import { drillJobHandlers } from "./incidents/drills.js";
import { attachPlaybooks } from "./playbooks/checklist.js";
import { createLearningClock } from "./postmortems/reminders.js";
import { createWeeklyReportClock } from "./metrics/weekly-report.js";
import { clockSettings } from "./incidents/timers.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { reportGiveUp, slackDeliverers, type SlackDeliveryContext } from "./slack/deliveries/index.js";
import { currentTeam } from "./slack/acting-for.js";
import { Installations } from "./slack/installations.js";
import { classifySlackFailure, SlackCallError, SlackGateway, toSlackCallError } from "./slack/gateway.js";
import { deliveryPacing, SlackPacer } from "./slack/pacing.js";
import { botTokenProblem, scopesOf, selfCheck } from "./slack/self-check.js";
import { Telemetry } from "./telemetry/telemetry.js";
import { incidentMetrics } from "./metrics/queries.js";
import { metricsBriefLines } from "./slack/blocks/metrics.js";

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
  /** Alert lines in one war room at most once per this many ms (default 3000; tests use less). */
  alertLinesSettleMs?: number;
  /** A person's App Home at most once per this many ms (default 3000; tests use less). */
  homeSettleMs?: number;
  /** Request size and time limits of the HTTP endpoint (tests shrink the timeouts). */
  receiverLimits?: Partial<ReceiverLimits>;
  /** How long stop() lets requests already accepted finish (default 5 s: Slack waits 3 s for an answer). */
  stopGraceMs?: number;
  /** How long stop() still takes requests already on their way before it stops listening (default 500 ms). */
  stopLingerMs?: number;
  /** The address the HTTP receiver listens on (default: every address, as Bolt does); the sandbox keeps it on loopback. */
  listenHost?: string;
  /** Slack's timing, shortened by tests of late answers: see SlackGateway and OutboxWorker. */
  slackTiming?: {
    /** How long a Slack call may take before we stop waiting (default 30 s). */
    timeoutMs?: number;
    /** The same for small calls that are harmless to repeat (default 5 s): see SlackGateway. */
    quickTimeoutMs?: number;
    /** How long Slack may still apply a call we stopped waiting for (default 30 s). */
    settleMs?: number;
    /** On stop, how long deliveries in flight may take before they are handed back (default 5 s). */
    drainMs?: number;
    /**
     * The window of Slack's rate tiers the bot paces itself by (Slack: a minute; tests shrink it with the fake's).
     * 0 turns the bot's own pacing off (the benchmark's declares, against a fake Slack without limits).
     */
    rateWindowMs?: number;
    /** Socket Mode's ping interval and reconnect wait (default 5 s; see createSlackApp). */
    socketPingMs?: number;
  };
  /** Routes beside the bot's own (the benchmark's bare endpoint), served by the same door. */
  extraRoutes?: CustomRoute[];
  /** PagerDuty's and webhook receivers' timing, shortened by tests: how long a call may take, how long a 429 waits. */
  outsideTiming?: {
    timeoutMs?: number;
    pagerDutyRateLimitedWaitMs?: number;
  };
  /** The outbox's longest wait between retries (default 60 s; tests of retries shorten it). */
  outboxMaxBackoffMs?: number;
}

export interface RunningWarroom {
  port: number;
  outbox: OutboxWorker;
  /** Turns recorded alerts into incidents. */
  alerts: AlertIntake;
  scheduler: Scheduler;
  retention: Retention;
  botUserId: string;
  /** The workspace of the bot token (single-token mode; empty with OAuth, which serves every installed workspace). */
  teamId: string;
  /** OAuth mode: the installed workspaces. */
  installations?: Installations;
  seenRequests: SeenRequests;
  /** This bot's metrics (GET /metrics). */
  telemetry: Telemetry;
  /** Resolves once no request from Slack is being handled (its listeners included, after the ack): tests settle on it. */
  requestsIdle(): Promise<void>;
  /**
   * Stops taking requests and lets those already accepted finish and be recorded, then stops the scheduler and
   * the outbox (which finishes or hands back deliveries in flight), all before `deadline` (epoch ms; by default
   * STOP_LIMIT_MS from now), when the process exits regardless.
   */
  stop(opts?: { deadline?: number }): Promise<void>;
}

export class SlackAuthError extends Error {}

/** A listener answers a person within Slack's 3 seconds, so the Slack calls it makes first give up sooner. */
const LISTENER_SLACK_TIMEOUT_MS = 1500;

/**
 * What a stop keeps back from its deadline for handing back the deliveries still under way (one database write
 * each) and closing the database: a delivery not handed back waits for its lease to run out (a minute by default).
 */
const HAND_BACK_MARGIN_MS = 1500;

export async function startWarroom({
  config,
  database,
  logger,
  clock = systemClock,
  outboxPollMs,
  schedulerTicks = true,
  refreshSettleMs,
  alertLinesSettleMs,
  homeSettleMs,
  receiverLimits,
  stopGraceMs = 5_000,
  stopLingerMs = 500,
  slackTiming = {},
  extraRoutes = [],
  outsideTiming = {},
  outboxMaxBackoffMs,
  listenHost,
}: WarroomOptions): Promise<RunningWarroom> {
  let readiness: Readiness = "starting";
  await migrateDatabase(database);
  // Slack counts calls per app and workspace, so every gateway of the process shares one budget.
  const pacer = slackTiming.rateWindowMs === 0 ? undefined : new SlackPacer(slackTiming.rateWindowMs);
  const telemetry = new Telemetry(logger.child({ component: "telemetry" }));
  const auth = slackAuth(config);
  // OAuth: one token per installed workspace, picked for each call by the team it acts for (see acting-for.ts).
  const installations =
    auth.mode === "oauth"
      ? new Installations({ db: database.db, clock, logger: logger.child({ component: "installations" }), encryptionKey: auth.encryptionKey, clientId: auth.clientId, clientSecret: auth.clientSecret, slackApiUrl: config.SLACK_API_URL })
      : undefined;
  const token = installations ? (team: string | undefined) => installations.botToken(team) : (auth as { botToken: string }).botToken;
  const gateway = new SlackGateway({ token, slackApiUrl: config.SLACK_API_URL, logger, timeoutMs: slackTiming.timeoutMs, quickTimeoutMs: slackTiming.quickTimeoutMs, pacer, onCall: telemetry.slackCall });
  const identity = installations ? { userId: "", botId: undefined, teamId: "", scopes: undefined } : await whoAmI(gateway);
  // Never refuses to start: each mismatch is logged once and /healthz reports degraded until it is mended. In OAuth
  // mode each workspace's grant is its own, so only manifest.yml and the code are compared here.
  const selfCheckProblems = selfCheck({ granted: identity.scopes });
  for (const line of selfCheckProblems) logger.warn({ component: "self-check" }, line);
  const installed = (await installations?.load()) ?? [];
  telemetry.readFrom({ db: database.db, clock, teamId: identity.teamId || undefined });
  if (!installations) await syncEnvSource(database.db, clock, identity.teamId, config.ALERTS_TOKEN);

  const slack: SlackDeliveryContext = {
    db: database.db,
    clock,
    gateway,
    logger,
    botUserId: () => (installations ? installations.botUserIdOf(currentTeam()) : identity.userId),
    announcementChannels: announcementChannels(config),
    execChannel: config.EXEC_CHANNEL,
    reportChannel: config.INCIDENTS_CHANNEL,
    businessTimeZone: config.BUSINESS_TIMEZONE,
    refreshSettleMs,
    alertLinesSettleMs,
    homeSettleMs,
    homeMetricsBrief: async (teamId, now) => metricsBriefLines(await incidentMetrics(database.db, teamId, { period: "30d", timeZone: config.BUSINESS_TIMEZONE }, now)),
  };
  const pagerDuty: PagerDutyContext = {
    db: database.db,
    clock,
    logger: logger.child({ component: "pagerduty" }),
    eventsUrl: config.PAGERDUTY_EVENTS_URL,
    routingKey: config.PAGERDUTY_ROUTING_KEY,
    timeoutMs: outsideTiming.timeoutMs,
    rateLimitedWaitMs: outsideTiming.pagerDutyRateLimitedWaitMs,
  };
  const webhooks: WebhookContext = {
    db: database.db,
    logger: logger.child({ component: "webhooks" }),
    urls: config.WEBHOOK_URLS,
    secret: config.WEBHOOK_SECRET,
    timeoutMs: outsideTiming.timeoutMs,
  };
  const outbox = new OutboxWorker({
    db: database.db,
    clock,
    logger: logger.child({ component: "outbox" }),
    surfaces: [
      { name: "slack", deliverers: slackDeliverers(slack), classifyFailure: classifySlackFailure },
      outsideSurface({ db: database.db, clock, listeners: [pagerDutyListener(pagerDuty), webhookListener(webhooks)] }),
      pagerDutySurface(pagerDuty),
      webhookSurface(webhooks),
    ],
    // Every surface's give-up is told to people the same way: on the timeline, to the commander, in the war room.
    onGiveUp: reportGiveUp(slack),
    pace: pacer ? deliveryPacing(pacer) : undefined,
    observer: telemetry.deliveryObserver(database.db),
    pollMs: outboxPollMs,
    maxBackoffMs: outboxMaxBackoffMs,
    leaseMs: config.OUTBOX_LEASE_SECONDS * 1000,
    settleMs: slackTiming.settleMs,
    drainMs: slackTiming.drainMs,
  });
  const retention = new Retention({
    db: database.db,
    clock,
    logger: logger.child({ component: "retention" }),
    outboxRetentionDays: config.OUTBOX_RETENTION_DAYS,
    jobRetentionDays: config.JOB_RETENTION_DAYS,
    auditRetentionDays: config.AUDIT_RETENTION_DAYS,
  });

  const clockwork = createClockwork({ clock, settings: clockSettings(config) });
  const learning = createLearningClock({ clock, businessTimeZone: config.BUSINESS_TIMEZONE });
  const weeklyReport = createWeeklyReportClock({ clock, schedule: config.WEEKLY_REPORT, timeZone: config.BUSINESS_TIMEZONE });
  for (const team of installations ? installed : [identity.teamId]) await weeklyReport.plan(database.db, team);
  if (installations) installations.onInstalled = (team) => weeklyReport.plan(database.db, team);
  const scheduler = new Scheduler({
    db: database.db,
    clock,
    logger: logger.child({ component: "scheduler" }),
    handlers: { ...clockwork.handlers, ...learning.handlers, ...weeklyReport.handlers, ...drillJobHandlers(clock) },
    tickSeconds: config.SCHEDULER_TICK,
    onWork: () => outbox.kick(),
    onSwept: telemetry.swept,
  });

  // The playbooks that fit an incident attach when it is declared and when a change (of severity) makes new ones fit.
  const filePlaybooks = config.PLAYBOOKS_FILE?.playbooks ?? [];
  const onDeclared = async (tx: Tx, incident: Incident) => {
    await clockwork.onDeclared(tx, incident);
    await attachPlaybooks(tx, clock, filePlaybooks, incident);
  };
  const replanClock = async (tx: Tx, incident: Incident) => {
    await clockwork.replan(tx, incident);
    await learning.onIncidentChanged(tx, incident);
    await attachPlaybooks(tx, clock, filePlaybooks, incident);
  };
  const alerts = new AlertIntake({
    db: database.db,
    clock,
    logger: logger.child({ component: "alerts" }),
    admins: config.INCIDENT_ADMINS,
    onDeclared,
    replanClock,
    onWork: () => outbox.kick(),
    pollMs: outboxPollMs,
  });
  const admins = new Set(config.INCIDENT_ADMINS);
  const api = restApiRoutes({
    db: database.db,
    clock,
    logger: logger.child({ component: "api" }),
    admins,
    onDeclared,
    replanClock,
    deliverNow: () => outbox.kick(),
    sweep: () => scheduler.sweep(),
    sweepToken: config.ESCALATION_SWEEP_TOKEN,
    teamId: identity.teamId || undefined,
  });

  const seenRequests = new SeenRequests(database.db, logger.child({ component: "replays" }));
  const { app, door, socketReceiver, inFlight } = createSlackApp({
    config,
    ...(installations
      ? { oauth: { installations, clientId: auth.mode === "oauth" ? auth.clientId : "", clientSecret: auth.mode === "oauth" ? auth.clientSecret : "", stateSecret: auth.mode === "oauth" ? auth.stateSecret : "" } }
      : { botUserId: identity.userId, botId: identity.botId, teamId: identity.teamId }),
    seen: seenRequests,
    receiverLimits,
    socketPingMs: slackTiming?.socketPingMs,
    customRoutes: [
      healthRoute(database.db, () => readiness, () => selfCheckProblems),
      metricsRoute(telemetry, config.METRICS_TOKEN, logger.child({ component: "metrics" })),
      ...api.map((r) => r.route),
      ...statusPageRoutes({
        db: database.db,
        clock,
        logger: logger.child({ component: "status-page" }),
        teamId: config.STATUS_PAGE_TEAM ?? identity.teamId,
        title: config.STATUS_PAGE_TITLE,
        services: config.STATUS_PAGE_SERVICES,
        publicUrl: config.PUBLIC_URL,
      }),
      ...alertRoutes({ db: database.db, clock, logger: logger.child({ component: "alerts" }), teamId: identity.teamId || undefined, onRecorded: () => alerts.kick(), observe: telemetry.alertWebhooks }),
      ...extraRoutes,
    ],
    deps: {
      db: database.db,
      clock,
      logger,
      gateway: new SlackGateway({ token, slackApiUrl: config.SLACK_API_URL, logger, timeoutMs: LISTENER_SLACK_TIMEOUT_MS, pacer, onCall: telemetry.slackCall }),
      admins,
      businessTimeZone: config.BUSINESS_TIMEZONE,
      publicUrl: config.PUBLIC_URL,
      commsChannels: { exec: config.EXEC_CHANNEL, announcement: announcementChannels(config) },
      playbookFile: config.PLAYBOOKS_FILE,
      onDeclared,
      replanClock,
      escalateByHand: clockwork.escalateByHand,
      learning,
      deliverNow: () => outbox.kick(),
    },
  });
  const started = await startReceiving(app, config, door?.serverOptions(), listenHost);
  // Over HTTP, app.start() gives the server; in Socket Mode it gives the connection, and the receiver holds the
  // server of the custom routes (typed private in Bolt's declarations, but set and used as a plain field).
  const server = door ? (started as Server | undefined) : (socketReceiver as unknown as { httpServer?: Server } | undefined)?.httpServer;
  if (door && server) door.serve(server);
  const port = (server?.address() as AddressInfo | null)?.port ?? config.PORT;
  outbox.start();
  alerts.start();
  if (schedulerTicks) scheduler.start();
  retention.start();
  readiness = "ready";
  logger.info({ port, team: identity.teamId || undefined, workspaces: installations ? installed.length : undefined, mode: config.SLACK_APP_TOKEN ? "socket" : "http" }, "warroom is up");

  return {
    port,
    outbox,
    alerts,
    scheduler,
    retention,
    botUserId: identity.userId,
    teamId: identity.teamId,
    installations,
    seenRequests,
    telemetry,
    requestsIdle: () => inFlight.idle(),
    /**
     * Bounded: requests get up to stopGraceMs, deliveries still under way get up to the drain time, but never more
     * than what is left before the deadline less HAND_BACK_MARGIN_MS; then they are handed back to the next start
     * (or another replica), which takes them as soon as they are due instead of after their lease.
     */
    async stop({ deadline = Date.now() + STOP_LIMIT_MS }: { deadline?: number } = {}) {
      readiness = "stopping";
      const left = () => Math.max(0, deadline - HAND_BACK_MARGIN_MS - Date.now());
      if (door) await door.close(Math.min(stopGraceMs, left()), stopLingerMs);
      else {
        await app.stop();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([inFlight.idle(), new Promise((resolve) => (timer = setTimeout(resolve, Math.min(stopGraceMs, left()))))]);
        clearTimeout(timer);
      }
      // Alerts already answered are committed; the group under way finishes, the rest wait for the next start.
      await alerts.stop();
      await scheduler.stop();
      await retention.stop();
      await outbox.stop(Math.min(slackTiming.drainMs ?? DEFAULT_DRAIN_MS, left()));
    },
  };
}

/** Starts Bolt's receiver (HTTP behind the door, or Socket Mode); a refused app-level token is named as such. */
async function startReceiving(app: App, config: Config, serverOptions?: ServerOptions, host?: string): Promise<unknown> {
  // Bolt's HTTP receiver takes net.ListenOptions in place of a port.
  const where = host && serverOptions ? { port: config.PORT, host } : config.PORT;
  try {
    return await (serverOptions ? app.start(where, serverOptions) : app.start(config.PORT));
  } catch (error) {
    // Only a Web API answer (apps.connections.open) is about the token; a busy port or the like is not.
    if (!config.SLACK_APP_TOKEN || !String((error as { code?: unknown })?.code ?? "").startsWith("slack_webapi_")) throw error;
    await app.stop().catch(() => undefined);
    const e = toSlackCallError("apps.connections.open", error);
    throw new SlackAuthError(
      appTokenRefusals.has(e.code)
        ? `Slack refused SLACK_APP_TOKEN (${e.code}): create an app-level token with the connections:write scope (your app's Basic Information page → App-Level Tokens) and put it in SLACK_APP_TOKEN, or leave SLACK_APP_TOKEN empty for HTTP mode.`
        : `Could not open the Socket Mode connection with SLACK_APP_TOKEN (${e.code}); check the network, SLACK_API_URL, or leave SLACK_APP_TOKEN empty for HTTP mode.`,
    );
  }
}

const appTokenRefusals = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type", "missing_scope"]);

async function whoAmI(gateway: SlackGateway): Promise<{ userId: string; botId?: string; teamId: string; scopes?: string[] }> {
  try {
    const auth = await gateway.client.auth.test();
    gateway.noteCall("auth.test");
    return { userId: auth.user_id as string, botId: auth.bot_id as string | undefined, teamId: auth.team_id as string, scopes: scopesOf(auth) };
  } catch (error) {
    const e = error instanceof SlackCallError ? error : toSlackCallError("auth.test", error);
    gateway.noteCall("auth.test", e);
    throw new SlackAuthError(botTokenProblem(e.code));
  }
}
