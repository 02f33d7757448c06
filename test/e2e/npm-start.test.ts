// `npm start` as an operator runs it: a SIGTERM sent to the npm process (a process manager, a container runtime)
// stops the bot cleanly, and nothing is left holding its port.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { eventually } from "../support/declare.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
let fake: FakeSlack | undefined;
let npm: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), "warroom-npm-start-"));

afterAll(async () => {
  // Whatever happened, leave no process behind (the whole group npm started).
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

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
});
