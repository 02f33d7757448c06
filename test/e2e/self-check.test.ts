// The self-check: an app installed with fewer scopes than the bot needs starts all the same, says at start-up and
// on /healthz what to do, and the steps that fail for it tell the commander and the war room why; `npm run doctor`
// says the same and exits 1 (0 when all is well).
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../src/fake-slack/manifest.js";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { botLinesIn, declaredIncident } from "../support/war-room.js";

const advice = "reinstall the app: it lacks pins:write, which pinning the card needs";
const withoutPins = loadManifest().scopes.filter((s) => s !== "pins:write");

/** A bot whose log lines (JSON) are kept, for tests about what it says at start-up. */
async function botWithLogs(scopes?: string[]): Promise<{ h: TestBot; logLines: Array<{ level: number; msg: string; component?: string }> }> {
  const logLines: Array<{ level: number; msg: string; component?: string }> = [];
  const logs = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const h = await startTestBot({ LOG_LEVEL: "info" }, { logs, fake: scopes ? { scopes } : undefined });
  return { h, logLines };
}

const health = async (h: TestBot) => {
  const answer = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
};

describe("a bot whose token lacks pins:write", () => {
  let h: TestBot;
  let logLines: Array<{ level: number; msg: string; component?: string }>;
  beforeAll(async () => {
    ({ h, logLines } = await botWithLogs(withoutPins));
  });
  afterAll(async () => {
    await h.close();
  });

  it("starts, and says once at start-up what to do", () => {
    const told = logLines.filter((l) => l.component === "self-check");
    expect(told).toHaveLength(1);
    expect(told[0]!.level).toBe(40); // warn
    expect(told[0]!.msg).toContain(advice);
    expect(logLines.some((l) => l.msg === "warroom is up")).toBe(true);
  });

  it("reports degraded on /healthz, naming the scope, and still answers 200", async () => {
    const { status, body } = await health(h);
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, status: "degraded", problems: [expect.stringContaining(advice)] });
  });

  it("still declares an incident, and the pin step's failure tells the commander and the war room why", async () => {
    const incident = await declaredIncident(h, { title: "Checkout is down", userId: "U_ALICE", commander: "U_BOB" });
    expect(incident.channelId).toBeTruthy();
    expect(h.fake.pinsIn(incident.channelId!)).toEqual([]);

    const told = `:warning: I could not pin the incident card for incident #${incident.number}: Slack answered \`missing_scope\` and I have stopped retrying. Please ask an admin to ${advice}.`;
    expect(botLinesIn(h, incident.channelId!).map((m) => m.text).join("\n")).toContain(told);
    expect(JSON.stringify(h.fake.dmsTo("U_BOB").at(-1)!.blocks)).toContain(told);
    const failed = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "delivery_failed");
    expect(failed.map((e) => e.data)).toEqual([expect.objectContaining({ kind: "war_room.pin_card", error: "missing_scope: pins:write", attempts: 1 })]);
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });
});

describe("a bot granted every scope it needs", () => {
  let h: TestBot;
  let logLines: Array<{ level: number; msg: string; component?: string }>;
  beforeAll(async () => {
    ({ h, logLines } = await botWithLogs());
  });
  afterAll(async () => {
    await h.close();
  });

  it("says nothing at start-up and is healthy", async () => {
    expect(logLines.filter((l) => l.component === "self-check")).toEqual([]);
    expect(logLines.some((l) => l.msg === "warroom is up")).toBe(true);
    expect(await health(h)).toEqual({ status: 200, body: { ok: true } });
  });

  it("pins the card", async () => {
    const incident = await declaredIncident(h, { title: "All is well", userId: "U_ALICE" });
    expect(h.fake.pinsIn(incident.channelId!).map((p) => p.ts)).toEqual([incident.summaryTs]);
  });
});

describe("npm run doctor", () => {
  const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
  const fakes: FakeSlack[] = [];
  afterAll(async () => {
    for (const fake of fakes) await fake.close();
  });

  /** Runs `npm run doctor` with only these variables (no .env value can fill a blank one: dotenv keeps what is set). */
  function doctor(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = spawn("npm", ["run", "--silent", "doctor"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SLACK_BOT_TOKEN: "", SLACK_API_URL: "", ...env },
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
  }

  const fakeSlack = async (scopes?: string[]) => {
    const fake = await startFakeSlack(scopes ? { scopes } : {});
    fakes.push(fake);
    return fake;
  };

  it("prints one line per mismatch with what to do, and exits 1", async () => {
    const fake = await fakeSlack(withoutPins.filter((s) => s !== "reactions:read"));
    const { code, output } = await doctor({ SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.url });
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes("pins:write"))).toContain(advice);
    expect(lines.find((l) => l.includes("reactions:read"))).toContain("reinstall the app: it lacks reactions:read, which adding a :pushpin:-ed message to the timeline needs");
    expect(code).toBe(1);
    expect(fake.calls.map((c) => c.method)).toEqual(["auth.test"]);
  });

  it("says all is well and exits 0 when the installed app has every scope", async () => {
    const fake = await fakeSlack();
    const { code, output } = await doctor({ SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.url });
    expect(output.trim()).toBe("All good: manifest.yml matches the code, and the installed app has every scope the bot needs.");
    expect(code).toBe(0);
  });

  it("checks manifest.yml alone without a token, saying the live check needs SLACK_BOT_TOKEN", async () => {
    const { code, output } = await doctor({});
    expect(output.trim()).toBe(
      "manifest.yml matches the code. The live check needs SLACK_BOT_TOKEN: set it (in .env) to check the scopes the installed app was granted.",
    );
    expect(code).toBe(0);
  });

  it("says so when Slack refuses the token, and exits 1", async () => {
    const fake = await fakeSlack();
    const { code, output } = await doctor({ SLACK_BOT_TOKEN: `${fake.botToken}x`, SLACK_API_URL: fake.url });
    expect(output.trim()).toBe("Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token again from your app's OAuth & Permissions page.");
    expect(code).toBe(1);
  });
});
