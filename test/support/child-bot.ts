// Runs the bot the way production does (node src/main.ts, or a given program such as a production install's
// dist/src/main.js, in its own process, configured by its environment)
// against a fake Slack started by the test, so crashes, signals and exit codes can be observed from outside; and
// starts it again on the same database and fake Slack, as a process manager does after a crash.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, type Database } from "../../src/db/client.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { openTestDatabase, usingPostgres, type TestDatabase } from "./database.js";

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface ChildBot {
  fake: FakeSlack;
  /** The driver, process, port and exit of the bot running now (a restart replaces them). */
  driver: SlackDriver;
  process: ChildProcess;
  port: number;
  signingSecret: string;
  /** Every line the bot wrote to stdout and stderr so far, across restarts. */
  output: string[];
  /** Resolves with the exit code (or the signal that ended it) once the process has exited. */
  exited: Promise<Exit>;
  hasExited(): boolean;
  /** Kills the process with SIGKILL (nothing is flushed, nothing finishes), waits until it is gone. */
  kill9(): Promise<Exit>;
  /** Starts the bot again, once the last one has exited, on the same database and the same fake Slack. */
  restart(): Promise<void>;
  /** The bot's database, opened by the test once the bot has exited (PGlite allows one process at a time). */
  openDatabase(): Promise<Database>;
  close(): Promise<void>;
}

const projectRoot = new URL("../../", import.meta.url).pathname;

interface Running {
  process: ChildProcess;
  port: number;
  exited: Promise<Exit>;
  hasExited: () => boolean;
}

/** Which program runs as the bot: by default the production entry from source, in this checkout. */
export interface ChildBotProgram {
  /** node's arguments, e.g. ["dist/src/main.js"] for the compiled entry the Docker image runs. */
  args?: string[];
  /** The folder it runs in, e.g. a production install made by the test. */
  cwd?: string;
}

function launch(env: Record<string, string>, output: string[], program: ChildBotProgram): Promise<Running> {
  const args = program.args ?? ["--import", "tsx", "src/main.ts"];
  const child = spawn(process.execPath, args, { cwd: program.cwd ?? projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  let exitedAlready = false;
  const exited = new Promise<Exit>((resolve) =>
    child.on("exit", (code, signal) => {
      exitedAlready = true;
      resolve({ code, signal });
    }),
  );
  return new Promise<Running>((resolve, reject) => {
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        output.push(line);
        const up = /"msg":"warroom is up"/.test(line) ? /"port":(\d+)/.exec(line) : null;
        if (up) resolve({ process: child, port: Number(up[1]), exited, hasExited: () => exitedAlready });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
    void exited.then(({ code }) => reject(new Error(`the bot exited (${code}) before it was up:\n${output.join("\n")}`)));
  });
}

export async function startChildBot(env: Record<string, string> = {}, program: ChildBotProgram = {}): Promise<ChildBot> {
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
  const childEnv = {
    PATH: process.env.PATH ?? "",
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    PORT: "0",
    LOG_LEVEL: "info",
    ...databaseEnv,
    ...env,
  };
  const output: string[] = [];
  let running = await launch(childEnv, output, program);
  const driverFor = (port: number) => new SlackDriver({ fake, botUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret });

  const bot: ChildBot = {
    fake,
    driver: driverFor(running.port),
    process: running.process,
    port: running.port,
    signingSecret,
    output,
    exited: running.exited,
    hasExited: () => running.hasExited(),
    async kill9() {
      if (!running.hasExited()) running.process.kill("SIGKILL");
      return running.exited;
    },
    async restart() {
      await running.exited;
      running = await launch(childEnv, output, program);
      Object.assign(bot, { driver: driverFor(running.port), process: running.process, port: running.port, exited: running.exited });
    },
    async openDatabase() {
      // The harness destroys the PostgreSQL database in close(); the caller's close() must not end its pool twice.
      if (pgDatabase) return { ...pgDatabase, close: async () => undefined };
      return openPglite(pgliteDir);
    },
    async close() {
      await bot.kill9();
      await pgDatabase?.destroy();
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
      await fake.close();
    },
  };
  return bot;
}
