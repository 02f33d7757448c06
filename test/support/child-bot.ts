// Runs the bot the way production does (node src/main.ts in its own process, configured by its environment)
// against a fake Slack started by the test, so crashes, signals and exit codes can be observed from outside.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, type Database } from "../../src/db/client.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { openTestDatabase, usingPostgres, type TestDatabase } from "./database.js";

export interface ChildBot {
  fake: FakeSlack;
  driver: SlackDriver;
  process: ChildProcess;
  port: number;
  signingSecret: string;
  /** Every line the bot wrote to stdout and stderr so far. */
  output: string[];
  /** Resolves with the exit code (or the signal that ended it) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The bot's database, opened by the test once the bot has exited (PGlite allows one process at a time). */
  openDatabase(): Promise<Database>;
  close(): Promise<void>;
}

const projectRoot = new URL("../../", import.meta.url).pathname;

export async function startChildBot(env: Record<string, string> = {}): Promise<ChildBot> {
  const fake = await startFakeSlack();
  const signingSecret = randomBytes(16).toString("hex");
  let pgDatabase: TestDatabase | undefined;
  let pgliteDir: string | undefined;
  const databaseEnv: Record<string, string> = {};
  if (usingPostgres()) {
    pgDatabase = await openTestDatabase();
    databaseEnv.DATABASE_URL = pgDatabase.url!;
  } else {
    pgliteDir = mkdtempSync(join(tmpdir(), "warroom-child-"));
    databaseEnv.PGLITE_DIR = pgliteDir;
  }
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? "",
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.url,
      PORT: "0",
      LOG_LEVEL: "info",
      ...databaseEnv,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  let exitedAlready = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      exitedAlready = true;
      resolve({ code, signal });
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        output.push(line);
        const up = /"msg":"warroom is up"/.test(line) ? /"port":(\d+)/.exec(line) : null;
        if (up) resolve(Number(up[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
    void exited.then(({ code }) => reject(new Error(`the bot exited (${code}) before it was up:\n${output.join("\n")}`)));
  });
  const driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret });
  return {
    fake,
    driver,
    process: child,
    port,
    signingSecret,
    output,
    exited,
    hasExited: () => exitedAlready,
    async openDatabase() {
      // The harness destroys the PostgreSQL database in close(); the caller's close() must not end its pool twice.
      if (pgDatabase) return { ...pgDatabase, close: async () => undefined };
      return openPglite(pgliteDir);
    },
    async close() {
      if (!exitedAlready) {
        child.kill("SIGKILL");
        await exited;
      }
      await pgDatabase?.destroy();
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
      await fake.close();
    },
  };
}
