// `npm start` as an operator runs it: a SIGTERM sent to the npm process (a process manager, a container runtime)
// stops the bot cleanly, and nothing is left holding its port. Without Slack credentials it opens the local sandbox;
// the production entry (what `npm run start:prod` and the Docker image run) never does.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { eventually } from "../support/declare.js";
import { listeningAddresses } from "../support/listening.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
let fake: FakeSlack | undefined;
let npm: ChildProcess | undefined;
const started: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "warroom-npm-start-"));

afterAll(async () => {
  // Whatever happened, leave no process behind (the whole group npm started).
  for (const child of [npm, ...started]) {
    if (!child?.pid) continue;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a command in its own process group with only these variables (no Slack credentials unless given). */
function run(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { cwd: projectRoot, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  started.push(child);
  const output = { text: "" };
  child.stdout!.on("data", (d: Buffer) => (output.text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output.text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

/** True while any process of the group npm leads is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("stops the bot cleanly when the npm process gets SIGTERM, freeing its port", async () => {
    fake = await startFakeSlack();
    const port = await freePort();
    let output = "";
    npm = spawn("npm", ["start"], {
      cwd: projectRoot,
      // Its own process group, so the test can see every process npm started (and clean up after a failure).
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543",
        SLACK_API_URL: fake.url,
        PORT: String(port),
        PGLITE_DIR: dataDir,
        LOG_LEVEL: "info",
      },
    });
    npm.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    npm.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm!.once("exit", (code) => resolve(code)));
    await eventually(() => answers(port), 60_000).catch(() => {
      throw new Error(`the bot did not come up:\n${output}`);
    });

    npm.kill("SIGTERM");
    expect(await exited).toBe(0);
    await eventually(async () => !groupAlive(npm!.pid!), 15_000).catch(() => {
      throw new Error(`processes of npm start outlived it:\n${output}`);
    });
    expect(await answers(port)).toBe(false);
    expect(output).toContain('"msg":"stopped"');
  }, 90_000);

  it("opens the sandbox when Slack credentials are missing: one line with its address, a page on 127.0.0.1 only, a clean stop", async () => {
    const port = await freePort();
    const sandboxDir = join(dataDir, "sandbox");
    const { child, output, exited } = run("npm", ["start"], { PORT: String(port), SANDBOX_DIR: sandboxDir });
    await eventually(async () => output.text.includes("Warroom sandbox: open"), 90_000).catch(() => {
      throw new Error(`the sandbox did not come up:\n${output.text}`);
    });
    const lines = output.text.split("\n").filter((l) => l && !l.startsWith(">"));
    expect(lines).toEqual([expect.stringContaining(`Warroom sandbox: open http://localhost:${port}/ (the real bot with a built-in fake Slack`)]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain("<title>Warroom sandbox</title>");
    expect(listeningAddresses(port)).toEqual(["127.0.0.1"]);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await eventually(async () => !groupAlive(child.pid!), 15_000);
    expect(await answers(port)).toBe(false);
  }, 120_000);

  it("the production entry without Slack credentials says what to set, and serves no sandbox", async () => {
    const port = await freePort();
    // What `npm run start:prod` and the Docker image run, from the same source.
    const { output, exited } = run(process.execPath, ["--import", "tsx", "src/main.ts"], { PORT: String(port), SANDBOX_DIR: join(dataDir, "never") });
    expect(await exited).toBe(1);
    expect(output.text.trim()).toBe(
      "Warroom is installed but not connected to Slack: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in .env (README → “Create the Slack app from manifest.yml”), or try it without Slack from a checkout with npm run sandbox.",
    );
    expect(await answers(port)).toBe(false);
  }, 60_000);
});
