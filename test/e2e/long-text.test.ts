// Long text never loses a message: everything the bot sends is cut to Slack's limits in Slack's units (UTF-16),
// after escaping; a command's text too long for its field gets a polite answer; what is stored is bounded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { eventually, openDeclareModal, submitDeclare } from "../support/declare.js";
import { incidentsOf } from "../support/incidents.js";
import { botLinesIn, cardOf, command, declaredIncident, nextEphemeral, reload, say, submitForm } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

/** `n` characters of pasted HTML, heavy in the three characters Slack needs escaped (each becomes 4 or 5). */
const pastedHtml = (n: number, seed = "") => `${seed}<div class="err">&nbsp;<b>500</b> &amp; <i>retry</i></div>\n`.repeat(Math.ceil(n / 60)).slice(0, n);
/** What Slack refused since `mark` (a count of calls), "already in the channel" aside. */
const refusedBySlack = (mark: number) => h.fake.calls.slice(mark).filter((c) => !c.ok && c.error !== "already_in_channel").map((c) => `${c.method}: ${c.error}`);
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const announcements = () => botLinesIn(h, h.fake.channelByName("incidents")!.id);
const failedDeliveries = async () =>
  (await h.database.db.execute("select kind, last_error from outbox_items where status = 'failed'")) as unknown as { rows: unknown[] };

describe("the declare form", () => {
  it("opens for a 200-character title with emoji, the prefill cut in UTF-16 units to the title's 150", async () => {
    const typed = Array.from("Checkout 🔥 is down for 🇪🇺 users ".repeat(10)).slice(0, 200).join("");
    expect(Array.from(typed)).toHaveLength(200);
    expect(typed.length).toBeGreaterThan(200);
    const { view } = await openDeclareModal(h, { title: typed });
    const element = (view.view.blocks as Array<{ block_id: string; element: { initial_value?: string; max_length?: number } }>).find((b) => b.block_id === "title")!.element;
    expect(element.max_length).toBe(150);
    expect(element.initial_value!.length).toBeLessThanOrEqual(150);
    expect(element.initial_value).not.toMatch(loneSurrogate);
    expect(typed.startsWith(element.initial_value!.replace(/…$/, ""))).toBe(true);
    await submitDeclare(h, view.id, {});
    await h.bot.outbox.waitUntilIdle();
    const incident = (await incidentsOf(h)).at(-1)!;
    expect(incident.title).toBe(element.initial_value);
    expect(cardOf(h, incident).message).toBeDefined();
  });

  it("tells the person Slack's real reason when it refuses to open the form, not that it was too slow", async () => {
    const general = h.fake.channelByName("general")!.id;
    h.fake.faults.failNext("views.open", { error: "invalid_arguments" });
    const seen = h.fake.ephemeralsFor("U_CAROL").length;
    await h.driver.slashCommand({ userId: "U_CAROL", channelId: general, text: "declare Payments are slow" });
    const refused = (await nextEphemeral(h, "U_CAROL", seen)).text;
    expect(refused).toContain("Slack refused to open the form (`invalid_arguments`)");
    expect(refused).not.toContain("in time");

    // Slack itself in trouble (WebClient tries twice) is said as such.
    h.fake.faults.failNext("views.open", { status: 503, times: 2 });
    await h.driver.slashCommand({ userId: "U_CAROL", channelId: general, text: "declare Payments are slow" });
    expect((await nextEphemeral(h, "U_CAROL", seen + 1)).text).toBe("Slack had trouble opening the form (HTTP 503). Please run the command again in a moment.");
  });

  it("posts the card and its buttons for a description of 2,000 characters of pasted HTML", async () => {
    const mark = h.fake.calls.length;
    const description = pastedHtml(2000);
    const incident = await declaredIncident(h, { title: "<b>HTML</b> & friends", description, services: "checkout, <payments>" });
    const card = cardOf(h, incident);
    expect(card.json).toContain('"action_id":"incident_resolve"');
    expect(card.json).toContain("&lt;div class=\\\"err\\\"&gt;&amp;nbsp;&lt;b&gt;500&lt;/b&gt;");
    expect(card.json).not.toMatch(/<div|<b>/);
    expect(h.fake.pinsIn(incident.channelId!).map((p) => p.ts)).toEqual([incident.summaryTs]);
    expect(refusedBySlack(mark)).toEqual([]);
  });
});

describe("long text in the war room and the announcement channel", () => {
  it("posts long status messages, updates, resolutions and the closing summary, shared and quoted", async () => {
    const mark = h.fake.calls.length;
    const incident = await declaredIncident(h, { title: `${"Long ".repeat(20)}<title> & more`, description: pastedHtml(2900), userId: "U_ALICE" });
    const room = incident.channelId!;
    const before = { room: botLinesIn(h, room).length, announced: announcements().length };

    await submitForm(h, incident, "U_ALICE", "incident_update_status", { status: "identified", message: pastedHtml(3000, "status "), share: ["share"] });
    await submitForm(h, incident, "U_ALICE", "incident_post_update", { impact: pastedHtml(1500, "impact "), current_action: pastedHtml(1500, "action "), next_update: "<soon> & then", share: ["share"] });
    await submitForm(h, incident, "U_ALICE", "incident_resolve", { summary: pastedHtml(3000, "fixed "), root_cause: pastedHtml(3000, "cause ") });
    expect(await say(h, "U_ALICE", room, "close")).toContain("is closed");

    const lines = botLinesIn(h, room).slice(before.room).map((m) => JSON.stringify(m.blocks));
    expect(lines.some((l) => l.includes("changed the status from") && l.includes("status &lt;div"))).toBe(true);
    expect(lines.some((l) => l.includes("Update on #") && l.includes("impact &lt;div") && l.includes("action &lt;div"))).toBe(true);
    expect(lines.some((l) => l.includes("resolved the incident") && l.includes("fixed &lt;div"))).toBe(true);
    expect(lines.some((l) => l.includes(`closed incident #${incident.number}`) && l.includes("*Root cause:* cause &lt;div"))).toBe(true);
    const shared = announcements().slice(before.announced).map((m) => JSON.stringify(m.blocks));
    expect(shared.filter((l) => l.includes("Identified") && l.includes("status &lt;div"))).toHaveLength(1);
    expect(shared.filter((l) => l.includes("impact &lt;div"))).toHaveLength(1);
    expect(shared.filter((l) => l.includes("Resolved") && l.includes("fixed &lt;div"))).toHaveLength(1);
    expect(cardOf(h, await reload(h, incident)).json).toContain("fixed &lt;div");
    expect(refusedBySlack(mark)).toEqual([]);
    expect((await failedDeliveries()).rows).toEqual([]);
  });

  it("captures a long message, and shows the timeline of long notes within Slack's limits", async () => {
    const mark = h.fake.calls.length;
    const incident = await declaredIncident(h, { title: "Long timeline" });
    const room = incident.channelId!;
    const message = h.fake.postAsUser(room, "U_BOB", `🔥 ${"&lt;stacktrace&gt; at <https://example.com/a?b=1&amp;c=2> ".repeat(400)}`);
    await h.driver.react({ userId: "U_BOB", channelId: room, ts: message.ts, name: "pushpin" });
    await eventually(async () => (await timelineOf(h.database.db, h.fake.teamId, incident.id)).some((e) => e.type === "message_captured"));
    for (let i = 0; i < 4; i++) expect(await say(h, "U_BOB", room, `note ${"<a> & <b> 🔥 ".repeat(100)}`)).toContain("Added to the timeline");
    await h.bot.outbox.waitUntilIdle();
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    const text = (entries.find((e) => e.type === "message_captured")?.data as { text?: string } | undefined)?.text ?? "";
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(4000);

    const answer = await command(h, "U_CAROL", room, "timeline");
    expect(answer.rejectedBySlack).toBeUndefined();
    expect(JSON.stringify(answer.body.blocks)).toContain("&lt;stacktrace&gt;");
    expect(JSON.stringify(answer.body.blocks)).not.toMatch(loneSurrogate);
    // The notes were said in the war room, each one whole message within a section's 3000.
    expect(botLinesIn(h, room).filter((m) => m.text.includes("&lt;a&gt; &amp; &lt;b&gt;"))).toHaveLength(4);
    expect(refusedBySlack(mark)).toEqual([]);
  });
});

describe("a command's text longer than its field", () => {
  it("gets a polite answer before anything is tried, and stored notes stay bounded", async () => {
    const incident = await declaredIncident(h, { title: "Too much to say" });
    const room = incident.channelId!;
    const resolve = await say(h, "U_ALICE", room, `resolve ${"x".repeat(3001)}`);
    expect(resolve).toBe("That resolution summary is too long for one command: 3,001 characters, and it holds at most 3,000. Use the form instead, or shorten it.");
    const note = await say(h, "U_ALICE", room, `note ${"<".repeat(1000)}`);
    expect(note).toBe("That note is too long for one command: 4,000 characters, counting each &, < or > as Slack sends it (4 or 5 characters), and it holds at most 3,000. Please shorten it, or split it in two.");
    expect(await say(h, "U_ALICE", room, `status monitoring ${"y".repeat(3001)}`)).toContain("That status message is too long for one command");
    expect(await say(h, "U_ALICE", room, `reopen ${"z".repeat(10)}`)).toContain("still open");
    expect((await reload(h, incident)).status).toBe("investigating");
    const notes = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note");
    expect(notes).toEqual([]);
    expect(await say(h, "U_ALICE", room, `note ${"n".repeat(3000)}`)).toContain("Added to the timeline");
    const [stored] = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "note");
    expect(JSON.stringify(stored!.data).length).toBeLessThan(3200);
  });
});
