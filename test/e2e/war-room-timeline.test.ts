// Notes, captured messages, the timeline and the incident list, as people read them in Slack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendTimeline, timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { eventually } from "../support/declare.js";
import { botLinesIn, command, declaredIncident, entryWords, nextEphemeral, say } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const captured = async (incidentId: number) =>
  (await timelineOf(h.database.db, h.fake.teamId, incidentId)).filter((e) => e.type === "message_captured");

describe("adding to the timeline", () => {
  it("adds a note to the timeline and says it in the war room as its author, pinging whom it names but never everyone", async () => {
    const incident = await declaredIncident(h, { title: "Notes" });
    const typed = "note Restarted @here the pods & waited for @bob <b>, told @channel and @everyone";
    // Slack sends the broadcasts as <!here>, <!channel>, <!everyone> and Bob as <@U_BOB|bob> (the command escapes).
    expect(h.fake.slashCommandText("/incident", typed)).toBe("note Restarted <!here> the pods &amp; waited for <@U_BOB|bob> &lt;b&gt;, told <!channel> and <!everyone>");
    expect(await say(h, "U_CAROL", incident.channelId!, typed)).toContain("Added to the timeline");
    const note = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note").at(-1)!;
    expect(note.actor).toBe("U_CAROL");
    const shown = "Restarted @here the pods &amp; waited for <@U_BOB|bob> &lt;b&gt;, told @channel and @everyone";
    expect(entryWords(note)).toBe(shown);
    const said = botLinesIn(h, incident.channelId!).at(-1)!;
    expect(said.username).toBe("carol");
    // Bob is notified (his mention stays a mention); nobody else is pinged.
    expect(said.text).toBe(shown);
    expect(JSON.stringify(said)).toContain("<@U_BOB|bob>");
    expect(JSON.stringify(said)).not.toMatch(/<!(here|channel|everyone)/);
    expect(await say(h, "U_CAROL", incident.channelId!, "note")).toContain("Add the note's text");
  });

  it("says a long note in the war room as one short line, and keeps all of it on the timeline", async () => {
    const incident = await declaredIncident(h, { title: "Long notes" });
    const paragraph = "Rolled back the ingress controller and watched the error rate for ten minutes. ".repeat(12);
    expect(await say(h, "U_CAROL", incident.channelId!, `note ${paragraph}\nThen @bob restarted the workers.`)).toContain("Added to the timeline");
    await h.bot.outbox.waitUntilIdle();
    const note = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note").at(-1)!;
    expect(entryWords(note)).toContain("restarted the workers");
    const said = botLinesIn(h, incident.channelId!).at(-1)!;
    expect(said.username).toBe("carol");
    expect(said.text).not.toContain("\n");
    expect(said.text.length).toBeLessThan(400);
    expect(said.text).toMatch(/^Rolled back the ingress controller/);
    expect(said.text).toContain("the timeline keeps the whole note");
  });

  it("adds a :pushpin:ned message once, with author, text, permalink and original time, however often it is pinned or retried", async () => {
    const incident = await declaredIncident(h, { title: "Pins" });
    const room = incident.channelId!;
    const message = h.fake.postAsUser(room, "U_BOB", "Error rate is dropping <!channel>");
    h.fake.postAsUser(room, "U_CAROL", "Looking at the dashboards");
    const seen = h.fake.ephemeralsFor("U_CAROL").length;
    await h.driver.react({ userId: "U_CAROL", channelId: room, ts: message.ts, name: "pushpin", eventId: "Ev1" });
    await h.driver.react({ userId: "U_CAROL", channelId: room, ts: message.ts, name: "pushpin", eventId: "Ev1", retryNum: 1 });
    // Slack's events are acknowledged before they are handled: Carol's capture is awaited before Alice pins the same
    // message, so the entry names whoever pinned it first.
    await eventually(async () => (await captured(incident.id)).length > 0);
    await h.driver.react({ userId: "U_ALICE", channelId: room, ts: message.ts, name: "pushpin" });
    await h.driver.react({ userId: "U_ALICE", channelId: room, ts: message.ts, name: "thumbsup" });
    await h.bot.requestsIdle();
    await h.bot.outbox.waitUntilIdle();
    const [entry, ...more] = await captured(incident.id);
    expect(more).toHaveLength(0);
    expect(entry!.actor).toBe("U_BOB");
    expect(entryWords(entry!)).toBe("Error rate is dropping @channel");
    expect(entry!.occurredAt.getTime()).toBe(Math.round(Number(message.ts) * 1000));
    expect(entry!.data).toMatchObject({ ts: message.ts, capturedBy: "U_CAROL", how: "reaction", permalink: expect.stringContaining(message.ts.replace(".", "")) });
    expect((await nextEphemeral(h, "U_CAROL", seen)).text).toContain("Added the message to the timeline");
  });

  it("adds a message with the shortcut, says when it is already there, and explains outside a war room", async () => {
    const incident = await declaredIncident(h, { title: "Shortcut" });
    const room = incident.channelId!;
    const message = h.fake.postAsUser(room, "U_ALICE", "Rolled back to v41");
    const shortcut = () => h.driver.messageShortcut({ userId: "U_BOB", channelId: room, messageTs: message.ts, callbackId: "add_to_incident_timeline" });
    const seen = h.fake.ephemeralsFor("U_BOB").length;
    await shortcut();
    expect((await nextEphemeral(h, "U_BOB", seen)).text).toContain("Added the message to the timeline");
    await shortcut();
    expect((await nextEphemeral(h, "U_BOB", seen + 1)).text).toContain("already in the timeline");
    expect(await captured(incident.id)).toHaveLength(1);

    const general = h.fake.channelByName("general")!.id;
    const elsewhere = h.fake.postAsUser(general, "U_ALICE", "lunch?");
    await h.driver.messageShortcut({ userId: "U_BOB", channelId: general, messageTs: elsewhere.ts, callbackId: "add_to_incident_timeline" });
    expect((await nextEphemeral(h, "U_BOB", seen + 2)).text).toContain("not in an incident's war room");
  });
});

describe("/incident timeline", () => {
  it("shows the timeline oldest first with UTC and relative times and who did what", async () => {
    const incident = await declaredIncident(h, { title: "Read me", userId: "U_ALICE" });
    await say(h, "U_BOB", incident.channelId!, "note First finding");
    await say(h, "U_BOB", incident.channelId!, "note Second finding");
    const answer = await command(h, "U_CAROL", incident.channelId!, "timeline");
    const shown = JSON.stringify(answer.body.blocks);
    expect(answer.rejectedBySlack).toBeUndefined();
    expect(shown).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(shown).toContain("ago");
    expect(shown.indexOf("Declared SEV1 incident")).toBeLessThan(shown.indexOf("First finding"));
    expect(shown.indexOf("First finding")).toBeLessThan(shown.indexOf("Second finding"));
    expect(shown).toContain("<@U_BOB>");
  });

  it("stays within Slack's limits for a long incident and says what it left out", async () => {
    const incident = await declaredIncident(h, { title: "Long one" });
    // A long incident's history, recorded as its notes are; the last few typed in Slack as a person would.
    const started = incident.declaredAt.getTime();
    await h.database.db.transaction(async (tx) => {
      for (let i = 1; i <= 295; i++) {
        await appendTimeline(tx, {
          teamId: incident.teamId,
          incidentId: incident.id,
          type: "note",
          actor: "U_BOB",
          occurredAt: new Date(started + i * 1000),
          data: { note: `Finding number ${i} ${"detail ".repeat(20)}`, noteFormat: "mrkdwn" },
        });
      }
    });
    for (let i = 296; i <= 300; i++) await h.driver.slashCommand({ userId: "U_BOB", channelId: incident.channelId!, text: `note Finding number ${i} ${"detail ".repeat(20)}` });
    const answer = await command(h, "U_CAROL", incident.channelId!, "timeline");
    expect(answer.rejectedBySlack).toBeUndefined();
    expect(answer.body.blocks.length).toBeLessThanOrEqual(50);
    const shown = JSON.stringify(answer.body.blocks);
    expect(shown).toContain("Finding number 300 ");
    expect(shown).toMatch(/\d+ earlier entries/);
  });
});

describe("/incident list", () => {
  it("lists open incidents newest first, and filters by status and severity", async () => {
    const sev3 = await declaredIncident(h, { title: "Listed minor", severity: "sev3" });
    const sev1 = await declaredIncident(h, { title: "Listed major", severity: "sev1" });
    await say(h, "U_ALICE", sev3.channelId!, "resolve Done");
    const general = h.fake.channelByName("general")!.id;

    const open = JSON.stringify((await command(h, "U_CAROL", general, "list")).body);
    expect(open).toContain("Listed major");
    expect(open).not.toContain("Listed minor");
    expect(open).toContain(`<#${sev1.channelId}>`);

    const all = JSON.stringify((await command(h, "U_CAROL", general, "list all")).body);
    expect(all.indexOf("Listed major")).toBeLessThan(all.indexOf("Listed minor"));

    const resolvedSev3 = JSON.stringify((await command(h, "U_CAROL", general, "list resolved sev3")).body);
    expect(resolvedSev3).toContain("Listed minor");
    expect(resolvedSev3).not.toContain("Listed major");

    expect(await say(h, "U_CAROL", general, "list sideways")).toContain("I don't know `sideways`");
  });
});
