// The bot as its own process (node src/main.ts), seen from outside: a request cannot kill it, a promise failure
// nobody awaited does not either, and a stop always ends, after the requests already accepted are recorded.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { actionItems, incidents, outboxItems } from "../../src/db/schema.js";
import { SlackDriver, type SignedRequest } from "../../src/fake-slack/driver.js";
import { startChildBot, type ChildBot } from "../support/child-bot.js";
import { eventually, waitFor } from "../support/declare.js";

let child: ChildBot | undefined;
afterEach(async () => {
  await child?.close();
  child = undefined;
});

const FORM = "application/x-www-form-urlencoded";
const general = (c: ChildBot) => c.fake.channelByName("general")!.id;

async function modalFor(c: ChildBot, triggerId: string) {
  return waitFor(() => c.fake.views.find((v) => v.triggerId === triggerId && !v.closed));
}

/**
 * Signed declare submissions exactly as Slack would send them, made by a driver pointed at a stand-in that only
 * writes them down, so the test can put them on the wire to the bot itself, byte for byte, when it chooses.
 */
async function signedDeclares(c: ChildBot, titles: string[]): Promise<SignedRequest[]> {
  const standIn = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
  const recorder = new SlackDriver({ fake: c.fake, botUrl: `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/slack/events`, signingSecret: c.signingSecret });
  const requests: SignedRequest[] = [];
  try {
    for (const title of titles) {
      const opened = await c.driver.slashCommand({ userId: "U_ALICE", channelId: general(c), text: `declare ${title}` });
      const view = await modalFor(c, opened.triggerId);
      await recorder.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev3" } });
      requests.push(recorder.lastSent!);
    }
  } finally {
    standIn.closeAllConnections();
    await new Promise((resolve) => standIn.close(resolve));
  }
  return requests;
}

/**
 * Opens a connection, writes the request on it, and resolves once the bytes are handed to the kernel.
 * `contentLength` longer than the body leaves the request unfinished: the server waits for the rest.
 */
function sendOnItsOwnConnection(port: number, request: SignedRequest, contentLength = Buffer.byteLength(request.body)): Promise<{ socket: Socket; reply: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const reply = new Promise<string>((done) => {
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("close", () => done(received));
      socket.on("error", () => undefined);
    });
    socket.once("error", reject);
    socket.on("connect", () => {
      const head = [
        "POST /slack/events HTTP/1.1",
        "Host: 127.0.0.1",
        `Content-Type: ${request.contentType}`,
        `X-Slack-Request-Timestamp: ${request.timestamp}`,
        `X-Slack-Signature: ${request.signature}`,
        `Content-Length: ${contentLength}`,
        "",
        "",
      ].join("\r\n");
      socket.write(head + request.body, () => resolve({ socket, reply }));
    });
  });
}

describe("the bot's process", () => {
  it("answers a signed JSON null or payload=null with 400 and keeps running", async () => {
    child = await startChildBot();
    const answers = [
      await child.driver.raw({ body: "null", contentType: "application/json" }),
      await child.driver.raw({ body: "payload=null", contentType: FORM }),
      await child.driver.raw({ body: `payload=${encodeURIComponent('{"type":"event_callback","event":null}')}`, contentType: "application/json" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    const help = await child.driver.slashCommand({ userId: "U_ALICE", channelId: general(child), text: "help" });
    expect(help.status).toBe(200);
    expect(child.hasExited()).toBe(false);
  });

  it("logs a promise failure nobody awaited and keeps running", async () => {
    const run = spawn(process.execPath, ["--import", "tsx", "test/support/fixtures/stray-rejection.ts"], {
      cwd: new URL("../../", import.meta.url).pathname,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    run.stdout.on("data", (c: Buffer) => (out += c.toString()));
    run.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => run.on("exit", resolve));
    expect(out).toContain("a promise failed and nothing was waiting for it");
    expect(out).toContain("a failure nobody awaited");
    expect(out).toContain("still running");
    expect(code).toBe(0);
  });

  it("stops on SIGTERM even when stdout's reader has gone away", async () => {
    child = await startChildBot();
    child.process.stdout!.destroy();
    child.process.kill("SIGTERM");
    const { code, signal } = await child.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });

  it("answers and records the submissions sent just before SIGTERM, then exits", async () => {
    child = await startChildBot();
    const c = child;
    const titles = ["Drill one", "Drill two", "Drill three", "Drill four", "Drill five"];
    const requests = await signedDeclares(c, titles);
    // The bot is busy (stopped for a moment, as by a long synchronous step) while the requests arrive and the
    // signal comes: when it runs again, all of them are waiting for it at once, in the kernel.
    c.process.kill("SIGSTOP");
    const sent = await Promise.all(requests.map((r) => sendOnItsOwnConnection(c.port, r)));
    c.process.kill("SIGTERM");
    c.process.kill("SIGCONT");

    const replies = await Promise.all(sent.map((s) => s.reply));
    expect(replies.map((r) => r.split("\r\n")[0])).toEqual(titles.map(() => "HTTP/1.1 200 OK"));
    expect((await c.exited).code).toBe(0);
    const database = await c.openDatabase();
    try {
      const declared = (await database.db.select().from(incidents)).map((i) => i.title);
      expect(declared.sort()).toEqual([...titles].sort());
    } finally {
      await database.close();
    }
  }, 60_000);

  it("answers and records the form submissions in flight at SIGTERM, then exits", async () => {
    child = await startChildBot();
    const c = child;
    for (const id of ["U_DAN", "U_ERIN", "U_FRANK"]) c.fake.addUser({ id, name: id.slice(2).toLowerCase(), real_name: id.slice(2) });
    const declare = await c.driver.slashCommand({ userId: "U_ALICE", channelId: general(c), text: "declare Shutdown drill" });
    const declareView = await modalFor(c, declare.triggerId);
    expect((await c.driver.submitView({ viewId: declareView.id, userId: "U_ALICE", values: { severity: "sev3" } })).status).toBe(200);

    const owners = ["U_BOB", "U_CAROL", "U_DAN", "U_ERIN", "U_FRANK"];
    const forms = [];
    for (const owner of owners) {
      const opened = await c.driver.slashCommand({ userId: "U_ALICE", channelId: general(c), text: `action add #1 Drill item for ${owner}` });
      forms.push({ owner, view: await modalFor(c, opened.triggerId) });
    }
    // Each submission looks its owner up in Slack before it is recorded; Slack is slow to answer.
    c.fake.faults.set({ latency: { ms: 1500, methods: ["users.info"] } });
    const before = c.fake.faults.arrivals.get("users.info") ?? 0;
    const submissions = forms.map(({ owner, view }) => c.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { owner } }).then((a) => a.status, (e: Error) => e.message));
    await waitFor(() => (c.fake.faults.arrivals.get("users.info") ?? 0) - before === owners.length, 10_000);
    c.process.kill("SIGTERM");
    // While it finishes them, a load balancer asking for health is told to send nothing more.
    await eventually(async () => {
      const health = await fetch(`http://127.0.0.1:${c.port}/healthz`).catch(() => undefined);
      return health?.status === 503 && ((await health.json()) as { reason?: string }).reason === "stopping";
    }, 5_000);

    expect(await Promise.all(submissions)).toEqual(owners.map(() => 200));
    const { code } = await c.exited;
    expect(code).toBe(0);
    const database = await c.openDatabase();
    try {
      const [incident] = await database.db.select().from(incidents).where(eq(incidents.number, 1));
      const items = await database.db.select().from(actionItems).where(eq(actionItems.incidentId, incident!.id));
      expect(items.map((i) => i.ownerId).sort()).toEqual([...owners].sort());
    } finally {
      await database.close();
    }
    // New connections are refused once stopping began.
    await expect(c.driver.slashCommand({ userId: "U_ALICE", channelId: general(c), text: "help" })).rejects.toThrow();
  }, 60_000);

  it("stops within its time limit with a request and a delivery both hanging, and hands the delivery back", async () => {
    child = await startChildBot();
    const c = child;
    const declare = await c.driver.slashCommand({ userId: "U_ALICE", channelId: general(c), text: "declare Stuck at shutdown" });
    const declareView = await modalFor(c, declare.triggerId);
    expect((await c.driver.submitView({ viewId: declareView.id, userId: "U_ALICE", values: { severity: "sev3" } })).status).toBe(200);
    const room = await waitFor(() => c.fake.channels.find((ch) => ch.name.startsWith("inc-1-") && c.fake.pinsIn(ch.id).length > 0), 20_000);
    await c.fake.quiet();

    // Slack holds the next post (the note's line in the war room) without answering: the delivery hangs.
    const held = c.fake.faults.holdNext("chat.postMessage");
    try {
      expect((await c.driver.slashCommand({ userId: "U_ALICE", channelId: room.id, text: "note Rolled back the deploy" })).status).toBe(200);
      await held.arrived;
      // A request whose body never finishes arriving: in flight until the stop gives up on it (stopGraceMs, 5 s).
      const body = "payload=";
      const { socket } = await sendOnItsOwnConnection(c.port, { body, contentType: FORM, timestamp: Math.floor(Date.now() / 1000), signature: "v0=0" }, body.length + 1000);
      c.process.kill("SIGTERM");

      // Waiting 5 s for the request and then 5 s for the delivery would pass the 9 s limit (exit 1, the delivery
      // left leased for a minute); the delivery gets only what is left, and is handed back in time.
      const { code } = await c.exited;
      socket.destroy();
      expect(code).toBe(0);
      expect(c.output.some((line) => line.includes("could not stop in time"))).toBe(false);
      expect(c.output.some((line) => line.includes("handed back a delivery still under way at shutdown"))).toBe(true);
      const database = await c.openDatabase();
      try {
        const waiting = await database.db.select().from(outboxItems).where(eq(outboxItems.status, "pending"));
        expect(waiting.length).toBeGreaterThan(0);
        // Its lease is cleared: the next start (or another replica) takes it as soon as it is due.
        expect(waiting.map((i) => i.leasedUntil)).toEqual(waiting.map(() => null));
        expect(waiting.some((i) => i.lastError?.startsWith("handed back"))).toBe(true);
      } finally {
        await database.close();
      }
    } finally {
      held.release();
    }
  }, 60_000);
});
