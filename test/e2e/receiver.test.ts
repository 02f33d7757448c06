// The Slack endpoint's door: what it refuses before Bolt reads it (malformed, too large, too slow, out of its
// time window, repeated, from another workspace), and that it still takes everything Slack really sends.
import { request } from "node:http";
import { connect } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionItems, escalationPolicies, incidents, oncallSchedules, outboxItems, postmortems, scheduledJobs, seenRequests, timelineEntries } from "../../src/db/schema.js";
import { commandChangesNothing } from "../../src/slack/listeners/commands/index.js";
import { SlackDriver, slackSignature, type SignedRequest } from "../../src/fake-slack/driver.js";
import { createLogger } from "../../src/log.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startWarroom } from "../../src/warroom.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { openDeclareModal, submitDeclare } from "../support/declare.js";
import { command, declaredIncident, modalOpenedBy, reload, say } from "../support/war-room.js";

// One bot for the file; a test that needs other settings starts its own and closes it.
let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const FORM = "application/x-www-form-urlencoded";
const general = (t: TestBot) => t.fake.channelByName("general")!.id;
const nowSec = () => Math.floor(Date.now() / 1000);

/** A slash command's body exactly as Slack posts it. */
function slashBody(t: TestBot, text: string, opts: { userId?: string; channelId?: string; teamId?: string } = {}): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: opts.teamId ?? t.fake.teamId,
    team_domain: "fake",
    channel_id: opts.channelId ?? general(t),
    channel_name: "general",
    user_id: opts.userId ?? "U_ALICE",
    user_name: "alice",
    command: "/incident",
    text,
    api_app_id: t.fake.workspace.bot.appId,
    is_enterprise_install: "false",
    response_url: t.fake.issueResponseUrl({ userId: opts.userId ?? "U_ALICE", channelId: opts.channelId ?? general(t) }),
    trigger_id: t.fake.issueTriggerId(opts.userId ?? "U_ALICE"),
  }).toString();
}

describe("requests that are not what Slack sends", () => {
  it("answers malformed signed bodies with 400 and keeps serving", async () => {
    const payload = (p: string) => `payload=${encodeURIComponent(p)}`;
    const bodies: Array<[string, string]> = [
      ["null", "application/json"],
      [payload("null"), FORM],
      ["[]", "application/json"],
      ['"text"', "application/json"],
      ["{not json", "application/json"],
      ['{"type":"event_callback","event":null}', "application/json"],
      ['{"type":"event_callback","team_id":"T1","event":{"type":"reaction_added","item":null}}', "application/json"],
      [payload("[]"), FORM],
      [payload('{"type":"block_actions","actions":[]}'), FORM],
      [payload('{"type":"block_actions","actions":[null],"user":{"id":"U_ALICE"}}'), FORM],
      [payload('{"type":"view_submission","view":null,"user":{"id":"U_ALICE"}}'), FORM],
      [payload('{"type":"message_action","user":{"id":"U_ALICE"}}'), FORM],
      ["command=%2Fincident", FORM],
      [`${slashBody(h, "help")}&event=x`, FORM],
    ];
    const statuses = [];
    for (const [body, contentType] of bodies) statuses.push((await h.driver.raw({ body, contentType })).status);
    expect(statuses).toEqual(bodies.map(() => 400));
    // The same endpoint named by an absolute URL in the request line, as a proxy may send it.
    const timestamp = nowSec();
    const viaProxy = await new Promise<string>((resolve, reject) => {
      const socket = connect(h.bot.port, "127.0.0.1", () =>
        socket.write(
          `POST http://127.0.0.1:${h.bot.port}/slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `X-Slack-Request-Timestamp: ${timestamp}\r\nX-Slack-Signature: ${slackSignature(h.config.SLACK_SIGNING_SECRET, timestamp, "null")}\r\n` +
            "Content-Length: 4\r\nConnection: close\r\n\r\nnull",
        ),
      );
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("close", () => resolve(received.split("\r\n")[0]!));
      socket.on("error", reject);
    });
    expect(viaProxy).toBe("HTTP/1.1 400 Bad Request");
    expect((await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(h), text: "help" })).status).toBe(200);
  });

  it("answers Slack's unsigned ssl_check, and nothing smuggled along with it", async () => {
    const incident = await declaredIncident(h, { title: "Smuggled" });
    const smuggled = slashBody(h, `note #${incident.number} unsigned`);
    const answer = await h.driver.raw({ body: `ssl_check=1&${smuggled}`, contentType: FORM, signature: "v0=0" });
    expect(answer.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();
    expect((await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note")).toEqual([]);
  });

  it("acknowledges at once the kinds of requests the bot does not handle, instead of a 404 after 3 seconds", async () => {
    const kinds = [
      { type: "view_closed", user: { id: "U_ALICE" }, team: { id: h.fake.teamId }, view: { id: "V1", callback_id: "declare_incident" } },
      { type: "block_suggestion", user: { id: "U_ALICE" }, team: { id: h.fake.teamId }, action_id: "x", value: "ab" },
      { type: "interactive_message", user: { id: "U_ALICE" }, team: { id: h.fake.teamId } },
    ];
    for (const kind of kinds) {
      const answer = await h.driver.raw({ body: `payload=${encodeURIComponent(JSON.stringify(kind))}`, contentType: FORM });
      expect(answer.status, kind.type).toBe(200);
    }
    const rateLimited = await h.driver.raw({ body: JSON.stringify({ token: "t", type: "app_rate_limited", team_id: h.fake.teamId, minute_rate_limited: 1, api_app_id: "A1" }), contentType: "application/json" });
    expect(rateLimited.status).toBe(200);
  });

  it("refuses a body larger than any Slack sends with 413, and still takes Slack's largest real requests", async () => {
    const huge = await h.driver.raw({ body: slashBody(h, `search ${"checkout ".repeat(480_000)}`), contentType: FORM });
    expect(huge.status).toBe(413);
    // Without a declared length (chunked), reading stops at the limit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: h.bot.port, path: "/slack/events", method: "POST", headers: { "content-type": FORM } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 100; i++) req.write(`text=${"x".repeat(10_000)}&`);
      req.end();
    });
    expect(chunked).toBe(413);

    // 40,000 characters (Slack's message limit) of three-byte characters: the largest slash command text.
    const longest = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(h), text: `search ${"€".repeat(40_000)}` });
    expect(longest.status).toBe(200);

    // The largest form: the postmortem's reflections, four boxes of 3,000 characters, every character escaped by
    // Slack as \uXXXX and then percent-encoded, and each box's saved text sent back as its initial value too.
    const incident = await declaredIncident(h, { title: "Largest form", userId: "U_ALICE", severity: "sev3" });
    await say(h, "U_ALICE", incident.channelId!, "resolve Rolled back");
    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "postmortem" });
    const view = await modalOpenedBy(h, opened.triggerId);
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { summary: "It broke." } });
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { why_1: "Because." } });
    const stored = h.fake.view(view.id)!;
    expect(stored.callback_id).toBe("postmortem_reflection");
    const full = (c: string) => c.repeat(3000);
    const reflections: Record<string, string> = { went_well: full("é"), could_improve: full("ß"), lucky: full("ø"), lessons: full("ü") };
    // As Slack shows the step when it is reopened after saving: the saved text fills each box.
    stored.view.blocks = (stored.view.blocks as Array<{ block_id?: string; element?: object }>).map((b) =>
      b.block_id && reflections[b.block_id] ? { ...b, element: { ...b.element, initial_value: reflections[b.block_id] } } : b,
    );
    const saved = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: reflections });
    expect(h.driver.lastSent!.body.length).toBeGreaterThan(190_000);
    expect(saved.status).toBe(200);
    expect(saved.body.view.callback_id).toBe("postmortem_timeline");
  });

  it("cuts a connection whose request body trickles in, instead of holding it for minutes", async () => {
    const slow = await startTestBot({}, { receiverLimits: { headersTimeoutMs: 300, requestTimeoutMs: 300 } });
    const port = slow.bot.port;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${FORM}\r\nContent-Length: 1000\r\n\r\ncommand=`);
      });
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
    }).finally(() => slow.close());
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe("signatures and clocks", () => {
  it("refuses a request signed more than 5 minutes before or after its clock, and takes one signed 4 minutes ahead", async () => {
    const at = async (offsetSec: number) => (await h.driver.raw({ body: slashBody(h, "help"), contentType: FORM, timestamp: nowSec() + offsetSec })).status;
    expect(await at(365 * 24 * 3600)).toBe(401);
    expect(await at(6 * 60)).toBe(401);
    expect(await at(-6 * 60)).toBe(401);
    expect(await at(4 * 60)).toBe(200);
    expect(await at(-4 * 60)).toBe(200);
  });

  it("does a captured /incident note once however often it is replayed, on any replica", async () => {
    const incident = await declaredIncident(h, { title: "Replays" });
    const first = await command(h, "U_ALICE", incident.channelId!, "note Restarted the pods");
    expect(first.status).toBe(200);
    expect(String(first.body.text)).toMatch(/Added to the timeline/);
    const captured: SignedRequest = h.driver.lastSent!;

    // A second replica on the same database, as behind a load balancer.
    const replica = await startWarroom({ config: h.config, database: h.database, logger: createLogger("silent"), outboxPollMs: 50 });
    try {
      const toReplica = new SlackDriver({ fake: h.fake, botUrl: `http://127.0.0.1:${replica.port}/slack/events`, signingSecret: h.config.SLACK_SIGNING_SECRET });
      const replays = [await h.driver.replay(captured), await toReplica.replay(captured), await h.driver.replay(captured)];
      expect(replays.map((r) => [r.status, r.body])).toEqual([
        [200, ""],
        [200, ""],
        [200, ""],
      ]);
    } finally {
      await replica.stop();
    }
    await h.bot.outbox.waitUntilIdle();
    const notes = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note");
    expect(notes).toHaveLength(1);
  });

  it("treats a replayed button click and form submission as already handled", async () => {
    const incident = await declaredIncident(h, { title: "Replayed clicks", userId: "U_ALICE" });
    await h.driver.clickButton({ userId: "U_BOB", channelId: incident.channelId!, messageTs: incident.summaryTs!, actionId: "incident_acknowledge", value: String(incident.id) });
    const click = h.driver.lastSent!;
    const { view } = await openDeclareModal(h, { title: "Declared once" });
    await submitDeclare(h, view.id);
    const submission = h.driver.lastSent!;
    await h.bot.outbox.waitUntilIdle();
    const before = { entries: (await timelineOf(h.database.db, h.fake.teamId, incident.id)).length, ephemerals: h.fake.ephemeralsFor("U_BOB").length };

    for (let i = 0; i < 3; i++) {
      expect((await h.driver.replay(click)).status).toBe(200);
      expect((await h.driver.replay(submission)).status).toBe(200);
    }
    await h.bot.outbox.waitUntilIdle();
    expect((await timelineOf(h.database.db, h.fake.teamId, incident.id)).length).toBe(before.entries);
    expect(h.fake.ephemeralsFor("U_BOB").length).toBe(before.ephemerals);
    const declared = await h.database.db.select().from(incidents).where(eq(incidents.title, "Declared once"));
    expect(declared).toHaveLength(1);
  });

  it("answers the subcommands that only read without a replay check, and they change nothing", async () => {
    const incident = await declaredIncident(h, { title: "Reads only" });
    await h.bot.outbox.waitUntilIdle();
    const tables = [incidents, timelineEntries, outboxItems, scheduledJobs, oncallSchedules, escalationPolicies, postmortems, actionItems, seenRequests];
    const counts = async () => Promise.all(tables.map(async (t) => (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(t))[0]!.n));
    const before = await counts();
    for (const text of ["", "help", "declare Looks only", "list all", "search checkout", "timeline", `timeline #${incident.number}`, "actions", "actions overdue", "oncall", "oncall covers Nobody", "escalation", "no-such-subcommand"]) {
      expect(commandChangesNothing(text), text).toBe(true);
      expect((await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text })).status, text).toBe(200);
    }
    await h.bot.outbox.waitUntilIdle();
    expect(await counts()).toEqual(before);
    for (const text of ["note x", "ack", "status monitoring", "resolve Fixed", "close", "reopen", "postmortem", "action done 1", "sev 2", "role ic @bob"]) expect(commandChangesNothing(text), text).toBe(false);
  });

  it("forgets signatures once they are too old to be accepted again", async () => {
    await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(h), text: "help" });
    await h.bot.seenRequests.count().then((n) => expect(n).toBeGreaterThan(0));
    await h.database.db.update(seenRequests).set({ seenAt: new Date(Date.now() - 12 * 60 * 1000) });
    expect((await h.bot.retention.pruneOnce()).signatures).toBeGreaterThan(0);
    expect(await h.bot.seenRequests.count()).toBe(0);
  });
});

describe("one workspace", () => {
  it("refuses another workspace's declare with the same title: the first workspace's war room is not adopted, pinned or retopicked", async () => {
    const first = await declaredIncident(h, { title: "Checkout down", userId: "U_ALICE" });
    const room = h.fake.channel(first.channelId!)!;
    const before = { topic: room.topic.value, pins: h.fake.pinsIn(room.id).length, messages: h.fake.messagesIn(room.id).length, members: [...room.members], channels: h.fake.channels.length };

    const other = new SlackDriver({ fake: h.fake, botUrl: `http://127.0.0.1:${h.bot.port}/slack/events`, signingSecret: h.config.SLACK_SIGNING_SECRET, teamId: "T0OTHER0001" });
    const typed = await other.slashCommand({ userId: "U_MALLORY", channelId: "C0OTHERGEN", text: "declare Checkout down" });
    expect(typed.status).toBe(200);
    expect(typed.body.text).toMatch(/installed for another Slack workspace/);
    expect(h.fake.views.filter((v) => v.triggerId === typed.triggerId)).toHaveLength(0);

    // Even a declare form submitted from the other workspace (as if it were open there) changes nothing here.
    const { view } = await openDeclareModal(h, { title: "Checkout down", userId: "U_ALICE" });
    const submitted = await other.submitView({ viewId: view.id, userId: "U_MALLORY", values: { severity: "sev1" } });
    expect(submitted.status).toBe(200);
    expect(JSON.stringify(submitted.body)).toMatch(/another Slack workspace/);
    const click = await other.clickButton({ userId: "U_MALLORY", channelId: room.id, messageTs: first.summaryTs!, actionId: "incident_acknowledge", value: String(first.id) });
    expect(click.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();

    expect(await h.database.db.select().from(incidents).where(eq(incidents.teamId, "T0OTHER0001"))).toEqual([]);
    const after = h.fake.channel(room.id)!;
    expect({ topic: after.topic.value, pins: h.fake.pinsIn(room.id).length, messages: h.fake.messagesIn(room.id).length, members: after.members, channels: h.fake.channels.length }).toEqual(before);
    expect((await reload(h, first)).acknowledgedBy).toBeNull();
  });

  it("refuses a request that names no workspace", async () => {
    const incident = await declaredIncident(h, { title: "Nameless", userId: "U_ALICE" });
    const body = slashBody(h, "note Who am I", {}).replace(/team_id=[^&]*&/, "team_id=&");
    const answer = await h.driver.raw({ body, contentType: FORM });
    expect(answer.status).toBe(400);
    const noTeam = {
      type: "block_actions",
      user: { id: "U_ALICE" },
      team: null,
      trigger_id: h.fake.issueTriggerId("U_ALICE"),
      actions: [{ type: "button", action_id: "incident_acknowledge", block_id: "b", value: String(incident.id), action_ts: "1" }],
    };
    const click = await h.driver.raw({ body: `payload=${encodeURIComponent(JSON.stringify(noTeam))}`, contentType: FORM });
    expect(click.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();
    expect((await reload(h, incident)).acknowledgedBy).toBeNull();
  });
});
