// Composition root: config → database → Slack app → outbox → HTTP, and a graceful stop on SIGTERM/SIGINT.
import "dotenv/config";
import { ConfigError, loadConfig, slackCredentialsMissing } from "./config.js";
import { openDatabase } from "./db/client.js";
import { createLogger, redactTokens } from "./log.js";
import { stopOnSignals, surviveStrayRejections } from "./process.js";
import { SlackAuthError, startWarroom } from "./warroom.js";

async function main(): Promise<void> {
  if (slackCredentialsMissing()) {
    console.error(
      "Warroom is installed but not connected to Slack: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env (README → “Create the Slack app from manifest.yml”), or try it without Slack from a checkout with npm run sandbox.",
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
  surviveStrayRejections(logger);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  logger.info({ database: database.kind }, "database opened");

  const starting = startWarroom({ config, database, logger });
  // Installed before the bot says it is up, so a signal at any moment after that stops it gracefully.
  stopOnSignals(logger, async (deadline) => {
    const warroom = await starting.catch(() => undefined);
    await warroom?.stop({ deadline });
    await database.close();
  });
  try {
    await starting;
  } catch (error) {
    if (error instanceof SlackAuthError) {
      logger.fatal(error.message);
      await database.close();
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(redactTokens(`Warroom could not start: ${error instanceof Error ? error.message : String(error)}`));
  process.exit(1);
});
