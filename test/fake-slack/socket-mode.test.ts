// The fake Slack's Socket Mode endpoint, spoken to by a bare WebSocket client: the URL apps.connections.open hands
// out (once, to an app-level token only), hello, envelopes and acks, redelivery of unacked events, disconnect.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { WebSocket } from "undici";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";

let fake: FakeSlack;
const sockets: WebSocket[] = [];
beforeEach(async () => {
  fake = await startFakeSlack({ socketMode: { ackTimeoutMs: 100 } });
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await fake.close();
});

type Message = Record<string, any>;

/** Connects like a Socket Mode client; every message the fake sends is kept, in order. */
async function connect(url?: string): Promise<{ socket: WebSocket; received: Message[]; next: () => Promise<Message> }> {
  const app = new WebClient(fake.appToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  const socket = new WebSocket(url ?? String((await app.apps.connections.open()).url));
  sockets.push(socket);
  const received: Message[] = [];
  let seen = 0;
  socket.addEventListener("message", (e) => received.push(JSON.parse(String(e.data))));
  const next = async () => {
    while (received.length <= seen) await new Promise((r) => setTimeout(r, 5));
    return received[seen++]!;
  };
  return { socket, received, next };
}

describe("apps.connections.open", () => {
  it("gives an app-level token a URL to the fake's WebSocket, and a bot token not_allowed_token_type", async () => {
    const app = new WebClient(fake.appToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect(String((await app.apps.connections.open()).url)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=/);
    const bot = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    await expect(bot.apps.connections.open()).rejects.toMatchObject({ data: { error: "not_allowed_token_type" } });
  });

  it("lets each URL be connected to once", async () => {
    const app = new WebClient(fake.appToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const url = String((await app.apps.connections.open()).url);
    const first = await connect(url);
    expect((await first.next()).type).toBe("hello");
    const again = new WebSocket(url);
    sockets.push(again);
    const outcome = await new Promise<string>((resolve) => {
      again.addEventListener("open", () => resolve("open"));
      again.addEventListener("error", () => resolve("refused"));
    });
    expect(outcome).toBe("refused");
    expect(fake.socketMode.openConnections).toBe(1);
  });
});

describe("envelopes", () => {
  it("says hello, delivers an envelope and hands back the ack's payload", async () => {
    const { socket, next } = await connect();
    const hello = await next();
    expect(hello).toMatchObject({ type: "hello", num_connections: 1, connection_info: { app_id: fake.workspace.bot.appId } });
    const delivered = fake.socketMode.deliver("slash_commands", { command: "/incident", text: "help" });
    const envelope = await next();
    expect(envelope).toMatchObject({ type: "slash_commands", accepts_response_payload: true, payload: { command: "/incident", text: "help" } });
    expect(typeof envelope.envelope_id).toBe("string");
    socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: "Here is the help" } }));
    expect(await delivered).toMatchObject({ acked: true, payload: { text: "Here is the help" }, redeliveries: 0 });
  });

  it("sends an unacked event again with retry_attempt, and hands back the ack of the retry", async () => {
    const { socket, next } = await connect();
    await next();
    const delivered = fake.socketMode.deliver("events_api", { type: "event_callback", event: { type: "reaction_added" } });
    const first = await next();
    expect(first).toMatchObject({ type: "events_api", accepts_response_payload: false, retry_attempt: 0, retry_reason: "" });
    const retry = await next();
    expect(retry).toMatchObject({ envelope_id: first.envelope_id, retry_attempt: 1, retry_reason: "timeout" });
    socket.send(JSON.stringify({ envelope_id: retry.envelope_id }));
    expect(await delivered).toMatchObject({ acked: true, redeliveries: 1 });
  });

  it("gives up on an event after three retries", async () => {
    const { next } = await connect();
    await next();
    const event = await fake.socketMode.deliver("events_api", { type: "event_callback", event: { type: "reaction_added" } });
    expect(event).toMatchObject({ acked: false, redeliveries: 3 });
    const sent = fake.socketMode.sent.map((s) => s.retryAttempt);
    expect(sent).toEqual([0, 1, 2, 3]);
  });

  it("sends disconnect, and delivers what was waiting on the next connection", async () => {
    const first = await connect();
    await first.next();
    fake.socketMode.sendDisconnect("refresh_requested");
    expect(await first.next()).toMatchObject({ type: "disconnect", reason: "refresh_requested" });
    first.socket.close();
    await new Promise<void>((resolve) => first.socket.addEventListener("close", () => resolve()));
    while (fake.socketMode.openConnections > 0) await new Promise((r) => setTimeout(r, 5));
    const delivered = fake.socketMode.deliver("interactive", { type: "block_actions" });
    const second = await connect();
    expect((await second.next()).type).toBe("hello");
    const envelope = await second.next();
    expect(envelope).toMatchObject({ type: "interactive", payload: { type: "block_actions" } });
    second.socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: {} }));
    expect(await delivered).toMatchObject({ acked: true });
    expect(fake.socketMode.connectionsOpened).toBe(2);
  });
});

describe("conversations.replies", () => {
  it("answers with the parent then its replies, page by page, and thread_not_found for a ts that names nothing", async () => {
    const lenient = await startFakeSlack({ botThreadReplies: true });
    try {
      const slack = new WebClient(lenient.botToken, { slackApiUrl: lenient.url, retryConfig: { retries: 0 } });
      const room = lenient.createChannel({ name: "threads", creator: "U_ALICE", members: ["U_ALICE", lenient.botUserId] });
      const parent = lenient.postAsUser(room.id, "U_ALICE", "parent");
      const replies = [1, 2, 3].map((i) => lenient.postAsUser(room.id, "U_ALICE", `reply ${i}`, { threadTs: parent.ts }));
      const first = await slack.conversations.replies({ channel: room.id, ts: replies[1]!.ts, limit: 2 });
      expect(first.messages!.map((m) => m.text)).toEqual(["parent", "reply 1"]);
      expect(first.has_more).toBe(true);
      const rest = await slack.conversations.replies({ channel: room.id, ts: parent.ts, limit: 2, cursor: first.response_metadata!.next_cursor });
      expect(rest.messages!.map((m) => m.text)).toEqual(["reply 2", "reply 3"]);
      await expect(slack.conversations.replies({ channel: room.id, ts: "1.000001" })).rejects.toMatchObject({ data: { error: "thread_not_found" } });
      const outside = lenient.createChannel({ name: "elsewhere", creator: "U_ALICE", members: ["U_ALICE"] });
      const there = lenient.postAsUser(outside.id, "U_ALICE", "hi");
      await expect(slack.conversations.replies({ channel: outside.id, ts: there.ts })).rejects.toMatchObject({ data: { error: "not_in_channel" } });
    } finally {
      await lenient.close();
    }
  });

  it("refuses a bot token a thread in a channel by default, as Slack's reference says", async () => {
    const slack = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const room = fake.createChannel({ name: "threads", creator: "U_ALICE", members: ["U_ALICE", fake.botUserId] });
    const parent = fake.postAsUser(room.id, "U_ALICE", "parent");
    await expect(slack.conversations.replies({ channel: room.id, ts: parent.ts })).rejects.toMatchObject({ data: { error: "not_allowed_token_type" } });
  });
});
