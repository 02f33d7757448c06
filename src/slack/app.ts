// Builds the Bolt App (HTTP behind the receiver's door, or Socket Mode when an app token is set), its global
// middleware and every listener.
import { App, LogLevel, SocketModeReceiver, type CustomRoute, type Logger as BoltLogger } from "@slack/bolt";
import type { Config } from "../config.js";
import { installationEvents, type Installations } from "./installations.js";
import { BOT_SCOPES } from "./install-scopes.js";
import type { SeenRequests } from "../http/seen-requests.js";
import type { Logger } from "../log.js";
import { changesNothing, registerListeners, type ListenerDeps } from "./listeners/index.js";
import { useRequestMiddleware } from "./middleware.js";
import { RequestsInFlight, SlackDoor, type ReceiverLimits } from "./receiver.js";

interface SlackAppOptions {
  config: Pick<Config, "SLACK_BOT_TOKEN" | "SLACK_SIGNING_SECRET" | "SLACK_APP_TOKEN" | "SLACK_API_URL" | "PORT">;
  deps: ListenerDeps;
  customRoutes: CustomRoute[];
  /** Single-token mode: the bot's identity and workspace (auth.test); requests from any other team are refused. */
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** OAuth mode: the installed workspaces, and the app's credentials for installing it in more. */
  oauth?: { installations: Installations; clientId: string; clientSecret: string; stateSecret: string };
  /** Signatures of requests already handled (HTTP mode). */
  seen: SeenRequests;
  /** Tests shrink these to see a slow or large request cut without waiting. */
  receiverLimits?: Partial<ReceiverLimits>;
  /**
   * Socket Mode: how often the connection is checked with a ping, and how long the bot waits before it connects
   * again after Slack's `disconnect` (@slack/socket-mode's clientPingTimeout; default 5 s). Tests shorten it.
   */
  socketPingMs?: number;
}

interface SlackApp {
  app: App;
  /** HTTP mode only: the door in front of Bolt's receiver, which also drains it on stop. */
  door?: SlackDoor;
  /** Socket Mode only: its receiver, whose HTTP server serves the custom routes (/healthz, alerts, the API). */
  socketReceiver?: SocketModeReceiver;
  inFlight: RequestsInFlight;
}

export function createSlackApp({ config, deps, customRoutes, botUserId, botId, teamId, oauth, seen, receiverLimits, socketPingMs }: SlackAppOptions): SlackApp {
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const slackWeb = config.SLACK_API_URL ? config.SLACK_API_URL.replace(/\/api\/$/, "") : "https://slack.com";
  const logger = boltLogger(deps.logger);
  const inFlight = new RequestsInFlight();
  const door = socketMode
    ? undefined
    : new SlackDoor({ signingSecret: config.SLACK_SIGNING_SECRET, customRoutes, boltLogger: logger, logger: deps.logger.child({ component: "receiver" }), seen,
        inFlight,
        limits: receiverLimits,
        oauth: oauth && {
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          stateSecret: oauth.stateSecret,
          scopes: [...BOT_SCOPES],
          installationStore: oauth.installations.store,
          installerOptions: {
            // /slack/install shows an "Add to Slack" button (it does not redirect straight away).
            directInstall: false,
            authorizationUrl: `${slackWeb}/oauth/v2/authorize`,
            clientOptions: { slackApiUrl: config.SLACK_API_URL },
          },
        },
      });
  const receiver = door
    ? door.receiver
    : new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN!,
        logger,
        clientPingTimeout: socketPingMs,
        // apps.connections.open goes to the Slack the bot is configured for; custom routes (/healthz, alerts) are
        // served on PORT all the same.
        installerOptions: { port: config.PORT, clientOptions: { slackApiUrl: config.SLACK_API_URL } },
        customRoutes,
      });
  const app = new App({
    ...(oauth ? {} : { token: config.SLACK_BOT_TOKEN, botUserId, botId }),
    receiver,
    // The bot identity was checked once at start; skipping Bolt's own auth.test keeps start-up to one call.
    tokenVerificationEnabled: false,
    logger,
    // Bolt's (legacy) conversation store is a global middleware on every request, rejecting with a new Error for
    // each conversation it does not know; the bot keeps no conversation state in Bolt, so it only cost ack time.
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.SLACK_API_URL,
      // Listeners only open modals and answer ephemerally; a trigger_id dies in 3 s, so long retries are useless.
      retryConfig: { retries: 1, minTimeout: 100, maxTimeout: 500 },
      timeout: 2500,
    },
  });
  useRequestMiddleware(app, {
    teamId,
    logger: deps.logger,
    inFlight,
    changesNothing,
    // A form Slack closed before its listener was done: the person hears what came of it in a DM from the bot.
    tellPerson: async (userId, text) => void (await deps.gateway.postMessage(userId, { text })),
  });
  if (oauth) {
    // The workspace's tokens are gone (Slack has revoked them already): its deliveries and jobs are held, its data
    // stays. (Before the router, which ends the chain.)
    app.use(async (args) => {
      const event = "event" in args ? (args.event as { type?: string; tokens?: { bot?: string[] } }) : undefined;
      const team = (args.body as { team_id?: string }).team_id;
      if (!event || !team || !(installationEvents as readonly (string | undefined)[]).includes(event.type)) return args.next();
      if (event.type === "app_uninstalled" || (event.tokens?.bot ?? []).length > 0) await oauth.installations.revoke(team);
    });
  }
  registerListeners(app, deps);
  app.error(async (error) => {
    deps.logger.error({ err: error }, "unhandled error in a Slack listener");
  });
  return { app, door, socketReceiver: door ? undefined : (receiver as SocketModeReceiver), inFlight };
}

function boltLogger(logger: Logger): BoltLogger {
  const bolt = logger.child({ component: "bolt" });
  let level = LogLevel.INFO;
  // Bolt logs every ack at debug; formatting is skipped unless the level is on, as it sits on the ack path.
  const write = (method: "debug" | "info" | "warn" | "error") => (...msgs: unknown[]) => {
    if (!bolt.isLevelEnabled(method)) return;
    bolt[method](msgs.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" "));
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
