// A child process running one Warroom bot exactly as src/main.ts assembles it (config from the environment →
// database → startWarroom), answering the benchmark's questions over IPC: its port, its memory, an idle outbox.
// With BENCH_BARE_INSERT set it also serves the alert benchmark's baseline (see bench/alerts.ts).
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { createLogger } from "../../src/log.js";
import { startWarroom } from "../../src/warroom.js";
import { bareInsertRoute, prepareBareInserts } from "../bare-insert.js";
import { serveParent } from "./ipc.js";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
const bare = Boolean(process.env.BENCH_BARE_INSERT);
if (bare) await prepareBareInserts(database.db);
// The fake Slack of the benchmark enforces no rate tiers, and the declares part measures the bot, not Slack's
// 20 channels a minute: BENCH_SLACK_PACING=off turns the bot's own pacing off too.
const slackTiming = process.env.BENCH_SLACK_PACING === "off" ? { rateWindowMs: 0 } : {};
const warroom = await startWarroom({ config, database, logger, slackTiming, extraRoutes: bare ? [bareInsertRoute(database.db)] : [] });

serveParent({
  port: warroom.port,
  outboxIdle: (timeoutMs) => warroom.outbox.waitUntilIdle(timeoutMs),
  alertsIdle: (timeoutMs) => warroom.alerts.waitUntilIdle(timeoutMs),
  stop: async () => {
    await warroom.stop();
    await database.close();
  },
});
