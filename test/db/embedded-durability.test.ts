// The embedded database keeps what it acknowledged: a bot killed with SIGKILL right after a declare was answered
// loses no committed incident in its PGLITE_DIR (whatever memory settings openPglite starts PGlite with).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openPglite } from "../../src/db/client.js";
import { incidents } from "../../src/db/schema.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { waitFor } from "../support/declare.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
let bot: ChildProcess | undefined;
let fake: FakeSlack | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  bot?.kill("SIGKILL");
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  bot = fake = dataDir = undefined;
});

/** `npm start` as a person runs it, on an embedded database in `dir`; resolves with the port it listens on. */
function startBot(dir: string, slack: FakeSlack, signingSecret: string): Promise<{ process: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: projectRoot,
    // DATABASE_URL present but empty, so a developer's .env cannot switch this bot to PostgreSQL.
    env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: slack.url, PORT: "0", PGLITE_DIR: dir, DATABASE_URL: "", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const up = output.split("\n").find((line) => line.includes('"warroom is up"'));
      if (up) resolve({ process: child, port: (JSON.parse(up) as { port: number }).port });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the bot exited (${code}) before it was up:\n${output}`)));
  });
}

describe("the embedded database (PGLITE_DIR)", () => {
  it("keeps an incident whose declare was answered when the bot is killed with SIGKILL right after", { timeout: 180_000 }, async () => {
    fake = await startFakeSlack();
    dataDir = mkdtempSync(join(tmpdir(), "warroom-durability-"));
    const signingSecret = "durability-test-signing-secret";
    const started = await startBot(dataDir, fake, signingSecret);
    bot = started.process;
    const driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${started.port}/slack/events`, signingSecret });

    const command = await driver.slashCommand({ userId: "U_ALICE", channelId: fake.channelByName("general")!.id, text: "declare Disk full on db-1" });
    const slack = fake;
    const view = await waitFor(() => slack.views.find((v) => v.triggerId === command.triggerId));
    const submitted = await driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev1" } });
    expect(submitted.status).toBe(200);
    const killed = new Promise((resolve) => bot!.once("exit", resolve));
    bot.kill("SIGKILL");
    await killed;

    const reopened = await openPglite(dataDir);
    try {
      const kept = await reopened.db.select().from(incidents).where(eq(incidents.teamId, fake.teamId));
      expect(kept.map((i) => ({ title: i.title, severity: i.severity, declaredBy: i.declaredBy }))).toEqual([{ title: "Disk full on db-1", severity: "sev1", declaredBy: "U_ALICE" }]);
    } finally {
      await reopened.close();
    }
  });
});
