// The comms templates: the Comms Lead picks an audience (internal, executive, customers), gets a form prefilled
// from the incident and its last update, and what they post goes where that audience is: the war room, the exec
// channel, the public status page (GET /status, /status.json, /status/feed.atom). Only what was published to the
// page is on it, never internal text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/db/schema.js";
import { statusPageSchema } from "../../src/status-page/page.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { botLinesIn, command, declaredIncident, modalOpenedBy, nextEphemeral, reload, say, submitForm } from "../support/war-room.js";

let h: TestBot;
let execChannel: string;
beforeAll(async () => {
  h = await startTestBot({ EXEC_CHANNEL: "#exec-incidents", STATUS_PAGE_TITLE: "Acme status", STATUS_PAGE_SERVICES: "Checkout, Search, Login" });
  execChannel = h.fake.createChannel({ name: "exec-incidents", creator: "U_ALICE", members: ["U_ALICE"] }).id;
});
afterAll(async () => {
  await h.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${h.bot.port}${path}`, { headers });
const statusJson = async () => statusPageSchema.parse(await (await get("/status.json")).json());

/** Opens the overflow menu on the card and picks an entry. */
async function pickFromCardMenu(incident: Incident, userId: string, value: string) {
  const current = await reload(h, incident);
  return h.driver.clickButton({ userId, channelId: current.channelId!, messageTs: current.summaryTs!, actionId: "incident_card_menu", value });
}

async function postInternalUpdate(incident: Incident, userId: string, impact: string, currentAction: string, nextUpdate = "") {
  await submitForm(h, incident, userId, "incident_post_update", { impact, current_action: currentAction, next_update: nextUpdate });
}

/** The comms lead opens the customer template from the card, fills it in and publishes it. */
async function publishForCustomers(incident: Incident, userId: string, values: Record<string, string>) {
  const click = await pickFromCardMenu(incident, userId, "comms_customer");
  const view = await modalOpenedBy(h, click.triggerId);
  const answer = await h.driver.submitView({ viewId: view.id, userId, values });
  await h.bot.outbox.waitUntilIdle();
  return { view, answer };
}

describe("the comms picker", () => {
  it("offers the three audiences, and the executive summary lands in the exec channel, prefilled from the last update", async () => {
    const incident = await declaredIncident(h, { title: "Payments degraded", severity: "sev1", services: "payments-api" });
    expect(await say(h, "U_ALICE", incident.channelId!, "role comms @bob")).toContain("Comms Lead: <@U_BOB>");
    await postInternalUpdate(incident, "U_ALICE", "Card payments fail for 20% of EU customers", "Failing over to the secondary processor", "15:00 UTC");

    const seen = h.fake.ephemeralsFor("U_BOB").length;
    await command(h, "U_BOB", incident.channelId!, "comms");
    const picker = await nextEphemeral(h, "U_BOB", seen);
    const buttons = JSON.stringify(picker.blocks);
    for (const label of ["Internal update", "Executive summary", "Customers (status page)"]) expect(buttons).toContain(label);

    const click = await h.driver.clickInEphemeral({ userId: "U_BOB", ephemeral: picker, actionId: "comms_executive" });
    const view = await modalOpenedBy(h, click.triggerId);
    const form = JSON.stringify(view.view.blocks);
    expect(form).toContain('"initial_value":"Card payments fail for 20% of EU customers"');
    expect(form).toContain('"initial_value":"15:00 UTC"');
    expect(form).toContain("Goes to #exec-incidents.");

    const answer = await h.driver.submitView({
      viewId: view.id,
      userId: "U_BOB",
      values: { exec_impact: "About 2% of today's EU revenue at risk", exec_eta: "Failover done by 15:00 UTC", exec_asks: "Approve the processor's surge fee" },
    });
    expect(answer.body).toBe("");
    await h.bot.outbox.waitUntilIdle();

    const summary = JSON.stringify(botLinesIn(h, execChannel).at(-1)!.blocks);
    for (const text of ["Executive summary", "*Business impact:* About 2% of today's EU revenue at risk", "*ETA:* Failover done by 15:00 UTC", "*Asks:* Approve the processor's surge fee"]) {
      expect(summary).toContain(text);
    }
    expect(botLinesIn(h, incident.channelId!).at(-1)!.text).toContain("<@U_BOB> sent an executive summary");

    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    const audiences = entries.filter((e) => e.type === "update_posted" || e.type === "comms_posted").map((e) => [e.type, e.data.audience, e.actor]);
    expect(audiences).toEqual([
      ["update_posted", "internal", "U_ALICE"],
      ["comms_posted", "executive", "U_BOB"],
    ]);
    // Nothing was published to the status page by an executive summary.
    expect((await statusJson()).incidents.map((i) => i.number)).not.toContain(incident.number);
  });

  it("opens the right template from `/incident comms <audience>`, and says which words it knows", async () => {
    const incident = await declaredIncident(h, { title: "Picker words" });
    const run = await command(h, "U_ALICE", incident.channelId!, "comms customer");
    const view = await modalOpenedBy(h, run.triggerId);
    expect(view.callback_id).toBe("incident_customer_update");
    expect(await say(h, "U_ALICE", incident.channelId!, "comms press")).toContain("`press` is not an audience");
  });

  it("refuses people who may not post updates, the same rule as the internal update", async () => {
    const incident = await declaredIncident(h, { title: "Not yours" });
    expect(await say(h, "U_CAROL", incident.channelId!, "comms customer")).toMatch(/only the Incident Commander <@U_ALICE>, the incident.s role holders or an incident admin can post updates/);
    const seen = h.fake.ephemeralsFor("U_CAROL").length;
    await pickFromCardMenu(incident, "U_CAROL", "comms_executive");
    expect((await nextEphemeral(h, "U_CAROL", seen)).text).toMatch(/only the Incident Commander <@U_ALICE>, the incident.s role holders or an incident admin can post updates/);
  });
});

describe("the public status page", () => {
  it("shows the customer update and never the internal one on the same incident", async () => {
    const incident = await declaredIncident(h, { title: "pg-main-03 OOM kills checkout-svc", severity: "sev1", services: "Checkout" });
    await postInternalUpdate(incident, "U_ALICE", "INTERNAL: pg-main-03 OOM, checkout-svc crashlooping", "INTERNAL: rolling back deploy 4512 on k8s-prod");
    const { view, answer } = await publishForCustomers(incident, "U_ALICE", {
      public_title: "Checkout errors for some customers",
      public_state: "identified",
      public_text: "Some customers cannot complete checkout. We have found the cause and are fixing it.",
      public_services: "Checkout",
    });
    expect(answer.body).toBe("");
    // The template started from the incident as it is: a blank public title (the internal one is not offered), its status, its services.
    const form = JSON.stringify(view.view.blocks);
    expect(form).not.toContain('"initial_value":"pg-main-03');
    expect(form).toContain('"initial_option":{"text":{"type":"plain_text","text":"Investigating"');
    expect(form).toContain('"initial_value":"Checkout"');

    expect(botLinesIn(h, incident.channelId!).at(-1)!.text).toContain(
      "Published to the status page by <@U_ALICE> (*Identified*): Some customers cannot complete checkout.",
    );
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    expect(entries.filter((e) => e.type === "comms_posted").map((e) => e.data)).toEqual([
      { audience: "customer", title: "Checkout errors for some customers", state: "identified", text: "Some customers cannot complete checkout. We have found the cause and are fixing it.", services: ["Checkout"] },
    ]);

    const html = await (await get("/status")).text();
    expect(html).toContain("Some customers cannot complete checkout.");
    expect(html).toContain("Checkout errors for some customers");
    for (const internal of ["INTERNAL", "pg-main-03", "rolling back deploy", "OOM"]) expect(html).not.toContain(internal);

    const page = await statusJson();
    const shown = page.incidents.find((i) => i.number === incident.number)!;
    expect(shown).toMatchObject({ title: "Checkout errors for some customers", state: "identified", services: ["Checkout"], resolvedAt: null });
    expect(shown.updates.map((u) => u.text)).toEqual(["Some customers cannot complete checkout. We have found the cause and are fixing it."]);
    expect(page.status).toBe("disrupted");
    expect(page.services).toEqual(
      expect.arrayContaining([
        { name: "Checkout", status: "disrupted" },
        { name: "Search", status: "operational" },
        { name: "Login", status: "operational" },
      ]),
    );
    expect(JSON.stringify(page)).not.toContain("INTERNAL");

    const feed = await (await get("/status/feed.atom")).text();
    expect(feed).toContain("<title>Checkout errors for some customers: Identified</title>");
    expect(feed).not.toContain("INTERNAL");
  });

  it("answers a repeated request with 304 until something new is published", async () => {
    const first = await get("/status");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30");
    expect((await get("/status", { "if-none-match": etag })).status).toBe(304);
    expect((await get("/status", { "if-none-match": `W/${etag}` })).status).toBe(304);

    const incident = await declaredIncident(h, { title: "ETag moves" });
    await publishForCustomers(incident, "U_ALICE", { public_title: "Slow search", public_state: "investigating", public_text: "Search is slow for some customers." });
    const after = await get("/status", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    const json = await get("/status.json");
    expect((await get("/status.json", { "if-none-match": json.headers.get("etag")! })).status).toBe(304);
  });

  it("escapes everything it shows", async () => {
    const incident = await declaredIncident(h, { title: "Escaping" });
    await publishForCustomers(incident, "U_ALICE", {
      public_title: `<script>alert("t")</script> & co`,
      public_state: "investigating",
      public_text: `<img src=x onerror=alert(1)> "quoted" & 'single'`,
    });
    const html = await (await get("/status")).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; co");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;");
    const feed = await (await get("/status/feed.atom")).text();
    expect(feed).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("offers the all-clear when a public incident is resolved, and moves it to the history once published", async () => {
    const incident = await declaredIncident(h, { title: "All clear", severity: "sev3", services: "Login" });
    await publishForCustomers(incident, "U_ALICE", { public_title: "Login trouble", public_state: "investigating", public_text: "Some customers cannot log in." });
    await submitForm(h, incident, "U_ALICE", "incident_resolve", { summary: "Restarted the session store" });

    // Resolving does not publish by itself: the page still says it is ongoing, and the war room offers the all-clear.
    expect((await statusJson()).incidents.find((i) => i.number === incident.number)?.state).toBe("investigating");
    const resolvedLine = botLinesIn(h, incident.channelId!).find((m) => JSON.stringify(m.blocks).includes("Publish the all-clear"));
    expect(resolvedLine?.text).toContain("resolved the incident");

    const click = await h.driver.clickButton({ userId: "U_ALICE", channelId: incident.channelId!, messageTs: resolvedLine!.ts, actionId: "comms_customer", value: String(incident.id) });
    const view = await modalOpenedBy(h, click.triggerId);
    const form = JSON.stringify(view.view.blocks);
    expect(form).toContain('"initial_option":{"text":{"type":"plain_text","text":"Resolved"');
    expect(form).toContain('"initial_value":"Login trouble"');
    expect(form).toContain('"initial_value":"This incident has been resolved.');
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: {} });
    await h.bot.outbox.waitUntilIdle();

    const page = await statusJson();
    expect(page.incidents.map((i) => i.number)).not.toContain(incident.number);
    const past = page.history.find((i) => i.number === incident.number)!;
    expect(past.state).toBe("resolved");
    expect(past.resolvedAt).not.toBeNull();
    expect(past.updates.map((u) => u.state)).toEqual(["resolved", "investigating"]);
    expect(page.services.find((s) => s.name === "Login")?.status).toBe("operational");
  });

  it("refuses a customer update without its text, under the field", async () => {
    const incident = await declaredIncident(h, { title: "Empty" });
    const { answer } = await publishForCustomers(incident, "U_ALICE", { public_title: "Something", public_state: "investigating", public_text: "" });
    expect(answer.body.response_action).toBe("errors");
    expect(answer.body.errors.public_text).toMatch(/message to customers/);
    expect((await statusJson()).incidents.map((i) => i.number)).not.toContain(incident.number);
  });
});

describe("without an exec channel", () => {
  let bare: TestBot;
  // The same workspace and database, the bot restarted without EXEC_CHANNEL (as an operator would change .env).
  beforeAll(async () => {
    await h.stopBot();
    bare = await startTestBot({}, { fakeSlack: h.fake, database: h.database });
  });
  afterAll(async () => {
    await bare?.stopBot();
  });

  it("says the summary goes to the announcement channel, and posts it there", async () => {
    const hh = bare;
    const incident = await declaredIncident(hh, { title: "No exec channel", severity: "sev2" });
    const run = await command(hh, "U_ALICE", incident.channelId!, "comms exec");
    const view = await modalOpenedBy(hh, run.triggerId);
    expect(JSON.stringify(view.view.blocks)).toContain("No executive channel is set up (EXEC_CHANNEL), so this goes to the announcement channel, #incidents.");
    await hh.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { exec_impact: "Quotes are delayed for partners" } });
    await hh.bot.outbox.waitUntilIdle();
    const incidents = hh.fake.channelByName("incidents")!.id;
    await waitFor(() => botLinesIn(hh, incidents).find((m) => JSON.stringify(m.blocks).includes("*Business impact:* Quotes are delayed for partners")));
    expect(JSON.stringify(botLinesIn(hh, incidents).at(-1)!.blocks)).toContain("*ETA:* not known yet");
  });
});
