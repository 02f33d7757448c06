// Composition root of the local sandbox (`npm run sandbox`, and `npm start` without Slack credentials): settings →
// the sandbox's own embedded database → fake Slack + bot + page → one line saying where to look; a graceful stop.
import "dotenv/config";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadSandboxConfig } from "../config.js";
import { openPglite } from "../db/client.js";
import { createLogger, redactTokens } from "../log.js";
import { stopOnSignals, surviveStrayRejections } from "../process.js";
import { startSandbox } from "./sandbox.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadSandboxConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message.split("\n").map((line) => `Configuration: ${line}`).join("\n"));
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  surviveStrayRejections(logger);
  mkdirSync(config.SANDBOX_DIR, { recursive: true });
  const database = await openPglite(join(config.SANDBOX_DIR, "database"));
  const starting = startSandbox({ config, database, logger, slackFile: join(config.SANDBOX_DIR, "slack.json"), pagePort: config.PORT });
  stopOnSignals(logger, async () => {
    const sandbox = await starting.catch(() => undefined);
    await sandbox?.stop();
    await database.close();
  });
  const sandbox = await starting;
  console.log(
    `Warroom sandbox: open ${sandbox.url} (the real bot with a built-in fake Slack, no Slack credentials needed; nothing leaves this machine; state in ${config.SANDBOX_DIR}; Ctrl-C stops it)`,
  );
}

main().catch((error: unknown) => {
  const busy = (error as { code?: unknown })?.code === "EADDRINUSE";
  console.error(
    redactTokens(
      busy
        ? "Warroom sandbox could not start: something else listens on its port; stop it or set PORT to another port."
        : `Warroom sandbox could not start: ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
  process.exit(1);
});
