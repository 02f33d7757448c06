// Starts the sandbox as `npm run sandbox` assembles it, on a test database and a free port, its Slack file in a
// temporary folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSandboxConfig } from "../../src/config.js";
import type { Screen } from "../../src/sandbox/screen.js";
import { createLogger } from "../../src/log.js";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/sandbox.js";
import { openTestDatabase, type TestDatabase } from "./database.js";

export interface TestSandbox {
  sandbox: RunningSandbox;
  database: TestDatabase;
  slackFile: string;
  /** Stops the sandbox and starts it again over the same database and Slack file, as a restart of npm start would. */
  restart(): Promise<void>;
  /** The two halves of restart(), for a test that changes something in between. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSandbox(env: Record<string, string> = {}): Promise<TestSandbox> {
  const folder = mkdtempSync(join(tmpdir(), "warroom-sandbox-"));
  const slackFile = join(folder, "slack.json");
  const database = await openTestDatabase();
  const config = loadSandboxConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", ...env });
  const logger = createLogger(config.LOG_LEVEL);
  const start = () => startSandbox({ config, database, logger, slackFile, pagePort: 0 });
  let running = true;
  const harness: TestSandbox = {
    sandbox: await start(),
    database,
    slackFile,
    async stop() {
      await harness.sandbox.stop();
      running = false;
    },
    async start() {
      harness.sandbox = await start();
      running = true;
    },
    async restart() {
      await harness.stop();
      await harness.start();
    },
    async close() {
      if (running) await harness.sandbox.stop();
      await database.destroy();
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return harness;
}

/** The sandbox page's address. */
export const pageBase = (t: TestSandbox): string => `http://127.0.0.1:${t.sandbox.port}`;

/** What the page does when a person acts (POST /api/<name>), with the HTTP status beside the answer. */
export async function act(t: TestSandbox, name: string, body: Record<string, unknown>): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${pageBase(t)}/api/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, ...((await response.json()) as Record<string, unknown>) };
}

/** What the page shows a person (GET /api/screen), with a conversation open or none. */
export async function screen(t: TestSandbox, as = "U_ALICE", channel = ""): Promise<Screen> {
  return (await fetch(`${pageBase(t)}/api/screen?as=${as}&channel=${channel}`)).json() as Promise<Screen>;
}
