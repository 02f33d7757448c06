// Declaring from a message: the "Declare incident" message shortcut opens the declare form filled in from the
// message, and the thread it is in comes onto the new incident's timeline at its original times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { incidents } from "../../src/db/schema.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, transports, type TestBot } from "../support/bot.js";
import { eventually, waitFor } from "../support/declare.js";
import { command } from "../support/war-room.js";

describe.each(transports)("over %s", (transport) => {
  let h: TestBot;
  beforeAll(async () => {
    // A Slack that lets the bot read threads in channels (its reference says bots may not: see the last test).
    h = await startTestBot({}, { transport, fake: { botThreadReplies: true } });
  });
  afterAll(async () => {
    await h.close();
  });

  const general = () => h.fake.channelByName("general")!.id;
  const openFromMessage = async (userId: string, channelId: string, messageTs: string) => {
    const shortcut = await h.driver.messageShortcut({ userId, channelId, messageTs, callbackId: "declare_incident_from_message" });
    expect(shortcut.status).toBe(200);
    return waitFor(() => h.fake.views.find((v) => v.triggerId === shortcut.triggerId && v.callback_id === "declare_incident" && !v.closed));
  };
  const inputValue = (view: { view: Record<string, unknown> }, blockId: string) =>
    ((view.view.blocks as Array<{ block_id?: string; element?: { initial_value?: string } }>).find((b) => b.block_id === blockId)?.element?.initial_value);

  it("opens the declare form filled in from the message, and brings its thread onto the timeline at its original times", async () => {
    const parent = h.fake.postAsUser(general(), "U_ALICE", "Checkout returns 502 for every card payment\nSeen since 09:10 in eu-west & us-east");
    const replies = [
      h.fake.postAsUser(general(), "U_BOB", "Same on mobile", { threadTs: parent.ts }),
      h.fake.postAsUser(general(), "U_CAROL", "Payments dashboard is red", { threadTs: parent.ts }),
    ];
    h.fake.postAsUser(general(), "U_CAROL", "unrelated chatter outside the thread");

    const view = await openFromMessage("U_ALICE", general(), parent.ts);
    expect(inputValue(view, "title")).toBe("Checkout returns 502 for every card payment");
    const description = inputValue(view, "description")!;
    expect(description).toContain("Seen since 09:10 in eu-west & us-east");
    expect(description).toContain(`/archives/${general()}/p${parent.ts.replace(".", "")}`);

    const submitted = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev2" } });
    expect(submitted.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();
    const [incident] = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${view.id}`)));
    expect(incident).toMatchObject({ title: "Checkout returns 502 for every card payment", severity: "sev2" });
    expect(incident!.description).toContain("Seen since 09:10");
    const room = h.fake.channel(incident!.channelId!)!;
    expect(JSON.stringify(h.fake.messagesIn(room.id).find((m) => m.user === h.fake.botUserId && !m.subtype)?.blocks)).toContain("SEV2");

    const timeline = await timelineOf(h.database.db, h.fake.teamId, incident!.id);
    expect(timeline.find((e) => e.type === "declared")?.data).toMatchObject({ originMessage: { channelId: general(), ts: parent.ts } });
    const captured = timeline.filter((e) => e.type === "message_captured");
    expect(captured.map((e) => [e.actor, (e.data as { text: string }).text, e.occurredAt.getTime()])).toEqual(
      [parent, ...replies].map((m) => [m.user, m.text, Math.round(Number(m.ts) * 1000)]),
    );
    const shown = JSON.stringify((await command(h, "U_ALICE", room.id, "timeline")).body);
    for (const text of ["Same on mobile", "Payments dashboard is red"]) expect(shown).toContain(text);
    expect(shown).not.toContain("unrelated chatter");

    // The bot joined #general to read the thread, so the imported messages follow their edits there too.
    await h.driver.editMessage({ userId: "U_BOB", channelId: general(), ts: replies[0]!.ts, text: "Same on mobile and on the web" });
    await eventually(async () =>
      (await timelineOf(h.database.db, h.fake.teamId, incident!.id)).find((e) => e.type === "message_captured" && (e.data as { edited?: boolean; ts?: string }).edited && (e.data as { ts?: string }).ts === replies[0]!.ts),
    );
    expect(JSON.stringify((await command(h, "U_ALICE", room.id, "timeline")).body)).toContain("Same on mobile and on the web (edited)");
  });

  it("takes the whole thread when declared from a reply, and cuts a long first line to the title's limit", async () => {
    const parent = h.fake.postAsUser(general(), "U_BOB", "Search is slow");
    const reply = h.fake.postAsUser(general(), "U_CAROL", `${"🔥".repeat(100)} p99 is 9 s`, { threadTs: parent.ts });
    const view = await openFromMessage("U_CAROL", general(), reply.ts);
    const title = inputValue(view, "title")!;
    expect(title.length).toBeLessThanOrEqual(150);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    await h.driver.submitView({ viewId: view.id, userId: "U_CAROL", values: { severity: "sev3", title: "Search is slow" } });
    await h.bot.outbox.waitUntilIdle();
    const [incident] = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${view.id}`)));
    const captured = await eventually(async () => {
      const entries = (await timelineOf(h.database.db, h.fake.teamId, incident!.id)).filter((e) => e.type === "message_captured");
      return entries.length === 2 ? entries : undefined;
    });
    expect(captured.map((e) => (e.data as { ts: string }).ts)).toEqual([parent.ts, reply.ts]);
  });
});

describe("when Slack will not let the bot read the thread", () => {
  let h: TestBot;
  beforeAll(async () => {
    h = await startTestBot();
  });
  afterAll(async () => {
    await h.close();
  });

  it("brings the message it was declared from onto the timeline, and only that", async () => {
    const general = h.fake.channelByName("general")!.id;
    const parent = h.fake.postAsUser(general, "U_ALICE", "Login page times out");
    h.fake.postAsUser(general, "U_BOB", "For me too", { threadTs: parent.ts });
    const shortcut = await h.driver.messageShortcut({ userId: "U_ALICE", channelId: general, messageTs: parent.ts, callbackId: "declare_incident_from_message" });
    const view = await waitFor(() => h.fake.views.find((v) => v.triggerId === shortcut.triggerId && !v.closed));
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev3" } });
    await h.bot.outbox.waitUntilIdle();
    const [incident] = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${view.id}`)));
    expect(incident!.title).toBe("Login page times out");
    expect(h.fake.calls.filter((c) => c.method === "conversations.replies").map((c) => c.error)).toContain("not_allowed_token_type");
    const captured = (await timelineOf(h.database.db, h.fake.teamId, incident!.id)).filter((e) => e.type === "message_captured");
    expect(captured.map((e) => (e.data as { text: string }).text)).toEqual(["Login page times out"]);
    expect((await timelineOf(h.database.db, h.fake.teamId, incident!.id)).some((e) => e.type === "delivery_failed")).toBe(false);
  });
});
