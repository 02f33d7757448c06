// A child process running one Warroom bot exactly as src/main.ts assembles it (config from the environment →
// database → startWarroom), answering the benchmark's questions over IPC: its port, its memory, an idle outbox.
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { createLogger } from "../../src/log.js";
import { startWarroom } from "../../src/warroom.js";
import { serveParent } from "./ipc.js";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
const warroom = await startWarroom({ config, database, logger });

serveParent({
  port: warroom.port,
  outboxIdle: (timeoutMs) => warroom.outbox.waitUntilIdle(timeoutMs),
  stop: async () => {
    await warroom.stop();
    await database.close();
  },
});
