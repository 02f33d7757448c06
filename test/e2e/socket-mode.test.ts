// Socket Mode end to end: the bot connects to the fake Slack with its app-level token and hears everything over
// the WebSocket; Slack's refreshes (`disconnect`) and lost acks change nothing a person sees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack, eventually, waitFor } from "../support/declare.js";
import { incidentsOf } from "../support/incidents.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot({}, { transport: "socket", fake: { socketMode: { ackTimeoutMs: 300 } } });
});
afterAll(async () => {
  await h.close();
});

const opens = () => h.fake.calls.filter((c) => c.method === "apps.connections.open");

describe("Socket Mode", () => {
  it("connects with the app-level token and answers a command over the socket", async () => {
    expect(opens().map((c) => c.ok)).toEqual([true]);
    expect(h.fake.socketMode.openConnections).toBe(1);
    const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: h.fake.channelByName("general")!.id, text: "help" });
    expect(answer.status).toBe(200);
    expect(answer.body.text).toContain("/incident declare");
    expect(h.fake.socketMode.sent.at(-1)?.type).toBe("slash_commands");
  });

  it("still serves /healthz over HTTP on its port", async () => {
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
  });

  it("connects again through apps.connections.open when Slack asks it to refresh, and a later declare still works", async () => {
    h.fake.socketMode.sendDisconnect("refresh_requested");
    await waitFor(() => h.fake.socketMode.connectionsOpened === 2 && h.fake.socketMode.openConnections === 1, 15_000);
    expect(opens().filter((c) => c.ok)).toHaveLength(2);

    await declareThroughSlack(h, { title: "After a refresh", severity: "sev2" });
    await h.bot.outbox.waitUntilIdle();
    const channel = h.fake.channelByName(`inc-1-after-a-refresh`)!;
    expect(channel).toBeDefined();
    expect(JSON.stringify(h.fake.messagesIn(channel.id).find((m) => m.user === h.fake.botUserId && !m.subtype)?.blocks)).toContain("SEV2");
  });

  it("handles an event once when its ack was lost and Slack sent it again", async () => {
    const incident = (await incidentsOf(h)).find((i) => i.title === "After a refresh")!;
    const said = h.fake.postAsUser(incident.channelId!, "U_ALICE", "DNS answers slowly from eu-west");
    h.fake.socketMode.loseNextAcks(1);
    const answer = await h.driver.react({ userId: "U_ALICE", channelId: incident.channelId!, ts: said.ts, name: "pushpin" });
    expect(answer.status).toBe(200);
    const sent = h.fake.socketMode.sent.filter((s) => s.type === "events_api").slice(-2);
    expect(sent.map((s) => s.retryAttempt)).toEqual([0, 1]);
    expect(sent[0]!.envelopeId).toBe(sent[1]!.envelopeId);

    const captured = await eventually(async () => {
      const entries = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "message_captured");
      return entries.length ? entries : undefined;
    });
    await h.bot.outbox.waitUntilIdle();
    expect(captured).toHaveLength(1);
    expect(h.fake.ephemeralsFor("U_ALICE").filter((e) => e.text.startsWith(":pushpin:"))).toHaveLength(1);
  });
});
