// Composition root: config → database → Slack app → outbox → HTTP, and a graceful stop on SIGTERM/SIGINT.
import "dotenv/config";
import { ConfigError, loadConfig, slackCredentialsMissing } from "./config.js";
import { openDatabase } from "./db/client.js";
import { createLogger, redactTokens } from "./log.js";
import { SlackAuthError, startWarroom } from "./warroom.js";

async function main(): Promise<void> {
  if (slackCredentialsMissing()) {
    console.error(
      "Warroom is installed but not connected to Slack: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env (README → “Create the Slack app from manifest.yml”).",
    );
    process.exit(1);
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message.split("\n").map((line) => `Configuration: ${line}`).join("\n"));
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  logger.info({ database: database.kind }, "database opened");

  let warroom;
  try {
    warroom = await startWarroom({ config, database, logger });
  } catch (error) {
    if (error instanceof SlackAuthError) {
      logger.fatal(error.message);
      await database.close();
      process.exit(1);
    }
    throw error;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing deliveries in flight");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await warroom.stop();
    await database.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(redactTokens(`Warroom could not start: ${error instanceof Error ? error.message : String(error)}`));
  process.exit(1);
});
