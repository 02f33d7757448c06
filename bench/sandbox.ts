// How fast a new user gets somewhere with the sandbox: `npm start` (no Slack credentials) until it prints its
// address, then until an incident declared through the page's own calls has its war room and pinned card, and the
// page's first render in Chromium (when there is one). Run from a fresh clone after `npm install`:
//   npx tsx bench/sandbox.ts
// Timings only, never pass/fail; SANDBOX_DIR is a new temporary folder each run.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.BENCH_SANDBOX_PORT ?? 3917);
const base = `http://127.0.0.1:${port}`;
const folder = mkdtempSync(join(tmpdir(), "warroom-bench-sandbox-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(act: string, body: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${base}/api/${act}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json();
}
const screen = async (channel = ""): Promise<any> => (await fetch(`${base}/api/screen?as=U_ALICE&channel=${channel}`)).json();

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function firstRenders(times: number): Promise<number[] | string> {
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    return "playwright-core is not installed";
  }
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const profile = mkdtempSync(join(tmpdir(), "warroom-bench-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await context.newPage();
    const renders: number[] = [];
    for (let i = 0; i < times; i++) {
      await page.goto(`http://localhost:${port}/`);
      await page.locator("body[data-ready]").waitFor();
      renders.push(await page.evaluate(() => performance.getEntriesByName("sandbox-first-render")[0]!.startTime));
    }
    await context.close();
    return renders;
  } catch (error) {
    return `no Chromium run (${executablePath}): ${(error as Error).message.split("\n")[0]}`;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const started = performance.now();
const npm = spawn("npm", ["start"], {
  cwd: projectRoot,
  detached: true,
  stdio: ["ignore", "pipe", "inherit"],
  env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), SANDBOX_DIR: folder },
});
let output = "";
npm.stdout!.on("data", (d: Buffer) => (output += d.toString()));
try {
  await until(async () => output.includes("Warroom sandbox: open"), "the sandbox's line");
  const up = performance.now() - started;
  const general = (await screen()).conversations.find((c: any) => c.name === "general").id;
  await post("composer", { as: "U_ALICE", channel: general, text: "/incident declare Checkout is down" });
  const modal = await until(async () => (await screen()).modal, "the declare form");
  await post("submit", { as: "U_ALICE", viewId: modal.id, values: { severity: "sev1" } });
  await until(async () => {
    const room = (await screen()).conversations.find((c: any) => c.name === "inc-1-checkout-is-down");
    return room && (await screen(room.id)).open.pinned.length > 0;
  }, "the war room's pinned card");
  const declared = performance.now() - started;
  const renders = await firstRenders(5);
  console.log(`npm start (no Slack credentials) → sandbox address printed: ${(up / 1000).toFixed(1)} s`);
  console.log(`npm start → incident declared through the page, war room with its pinned card: ${(declared / 1000).toFixed(1)} s`);
  if (typeof renders === "string") console.log(`page first render: not measured, ${renders}`);
  else {
    const sorted = [...renders].sort((a, b) => a - b);
    console.log(`page first render in Chromium (navigation start → first screen drawn), ${renders.length} loads: p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (first load ${renders[0]!.toFixed(0)} ms)`);
  }
} finally {
  try {
    process.kill(-npm.pid!, "SIGTERM");
  } catch {
    // already gone
  }
  await sleep(3000);
  try {
    process.kill(-npm.pid!, "SIGKILL");
  } catch {
    // stopped by the SIGTERM
  }
  rmSync(folder, { recursive: true, force: true });
}
