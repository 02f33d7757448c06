// The timeline follows Slack: a captured message that is edited shows its new words (the old ones kept as its
// history), and one that is deleted is marked deleted. Over HTTP and over Socket Mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/db/schema.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, transports, type TestBot } from "../support/bot.js";
import { eventually } from "../support/declare.js";
import { command, declaredIncident } from "../support/war-room.js";

describe.each(transports)("over %s", (transport) => {
  let h: TestBot;
  let incident: Incident;
  beforeAll(async () => {
    h = await startTestBot({}, { transport });
    incident = await declaredIncident(h, { title: "Checkout errors", userId: "U_CAROL" });
  });
  afterAll(async () => {
    await h.close();
  });

  const captured = async () => (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "message_captured");
  const entryFor = async (ts: string) => (await captured()).find((e) => (e.data as { ts?: string }).ts === ts);
  const timelineText = async () => {
    const answer = await command(h, "U_CAROL", incident.channelId!, "timeline");
    return JSON.stringify(answer.body);
  };
  const pin = async (text: string) => {
    const said = h.fake.postAsUser(incident.channelId!, "U_CAROL", text);
    await h.driver.react({ userId: "U_CAROL", channelId: incident.channelId!, ts: said.ts, name: "pushpin" });
    await eventually(() => entryFor(said.ts));
    return said;
  };

  it("shows the new words of an edited message, marked edited, and keeps the old ones as its history", async () => {
    const said = await pin("Root cause: a bad deploy of payments");
    const answer = await h.driver.editMessage({ userId: "U_CAROL", channelId: incident.channelId!, ts: said.ts, text: "Root cause: a bad config push to payments" });
    expect(answer?.status).toBe(200);
    const entry = await eventually(async () => {
      const e = await entryFor(said.ts);
      return (e?.data as { edited?: boolean } | undefined)?.edited ? e : undefined;
    });
    expect(entry.occurredAt.getTime()).toBe(Math.round(Number(said.ts) * 1000));
    expect((entry.data as { history: Array<{ text: string }> }).history.map((r) => r.text)).toEqual(["Root cause: a bad deploy of payments"]);

    const shown = await timelineText();
    expect(shown).toContain("Root cause: a bad config push to payments (edited)");
    expect(shown).not.toContain("a bad deploy of payments");
    expect(shown).toContain("Edited a message on the timeline");
  });

  it("applies an edit Slack sent twice once", async () => {
    const said = await pin("Error rate 12%");
    await h.driver.editMessage({ userId: "U_CAROL", channelId: incident.channelId!, ts: said.ts, text: "Error rate 14%" });
    const edited = h.fake.messagesIn(incident.channelId!).find((m) => m.ts === said.ts)!;
    // The same event again, as Slack retries it: same edit (same edited.ts).
    await h.driver.sendEvent({
      type: "message",
      subtype: "message_changed",
      hidden: true,
      channel: incident.channelId!,
      channel_type: "channel",
      ts: edited.edited!.ts,
      message: { type: "message", user: "U_CAROL", text: "Error rate 14%", ts: said.ts, edited: edited.edited },
      previous_message: { type: "message", user: "U_CAROL", text: "Error rate 12%", ts: said.ts },
    }, { retryNum: 1 });
    await h.bot.requestsIdle();
    const entry = await eventually(async () => {
      const e = await entryFor(said.ts);
      return (e?.data as { edited?: boolean } | undefined)?.edited ? e : undefined;
    });
    expect((entry.data as { history: unknown[] }).history).toHaveLength(1);
    const edits = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "captured_message_edited" && (e.data as { ts?: string }).ts === said.ts);
    expect(edits).toHaveLength(1);
  });

  it("marks a deleted message deleted", async () => {
    const said = await pin("Rolling back now");
    const answer = await h.driver.deleteMessage({ userId: "U_CAROL", channelId: incident.channelId!, ts: said.ts });
    expect(answer?.status).toBe(200);
    await eventually(async () => ((await entryFor(said.ts))?.data as { deleted?: boolean } | undefined)?.deleted);
    const shown = await timelineText();
    expect(shown).toContain("Rolling back now (deleted)");
    expect(shown).toContain("Deleted a message on the timeline");
  });

  it("changes nothing when a message that was never captured is edited", async () => {
    const before = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).length;
    const said = h.fake.postAsUser(incident.channelId!, "U_CAROL", "just chatting");
    await h.driver.editMessage({ userId: "U_CAROL", channelId: incident.channelId!, ts: said.ts, text: "just chatting, edited" });
    await h.bot.requestsIdle();
    expect((await timelineOf(h.database.db, h.fake.teamId, incident.id)).length).toBe(before);
  });
});
