// The App Home (Slack's Home tab): what a person sees when they open it, and what its buttons do, through the real
// receiver and the fake Slack.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionItems, incidents } from "../../src/db/schema.js";
import { viewProblems } from "../../src/fake-slack/block-rules.js";
import { addActionItem } from "../../src/postmortems/postmortems.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { eventually, waitFor } from "../support/declare.js";
import { declaredIncident } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
  h.fake.addUser({ id: "U_DAVE", name: "dave", real_name: "Dave Dunn" });
  h.fake.addUser({ id: "U_ERIN", name: "erin", real_name: "Erin Eze" });
});
afterAll(async () => {
  await h.close();
});

type Json = Record<string, unknown>;

/** What the person sees on their Home: every text on it, in order, and its buttons. */
function homeOf(userId: string) {
  const home = h.fake.homeOf(userId);
  if (!home) throw new Error(`${userId} has no Home`);
  const blocks = home.view.blocks as Json[];
  const texts = blocks.flatMap((b) => [
    ...(b.text ? [(b.text as Json).text as string] : []),
    // Context elements are text objects; action elements (buttons) carry theirs inside.
    ...((b.elements as Json[] | undefined) ?? []).map((e) => (typeof e.text === "string" ? e.text : (((e.text as Json | undefined)?.text as string | undefined) ?? ""))),
  ]);
  const buttons = blocks.flatMap((b) => ((b.elements as Json[] | undefined) ?? []).filter((e) => e.type === "button"));
  return { view: home.view, blocks, text: texts.join("\n"), buttons, hash: home.hash };
}

async function openHome(userId: string) {
  const before = h.fake.homeOf(userId)?.hash;
  const answer = await h.driver.openHome({ userId });
  expect(answer.status).toBe(200);
  // The event is acknowledged before the bot names the publish (Slack wants events answered at once): wait for it.
  await eventually(async () => h.fake.homeOf(userId)?.hash !== before, 15_000);
  await h.bot.outbox.waitUntilIdle();
  return homeOf(userId);
}


/** Adds action items the way the postmortem form does (the same domain call), for a person to find on their Home. */
async function giveItems(incidentId: number, ownerId: string, count: number, dueDate: string | null = "2030-01-15") {
  for (let i = 1; i <= count; i++) {
    const added = await addActionItem(
      { db: h.database.db, clock: { now: () => new Date() }, admins: new Set() },
      { teamId: h.fake.teamId, incidentId },
      "U_ALICE",
      { description: `Follow-up ${i} for ${ownerId}`, ownerId, dueDate, priority: "medium" },
    );
    if (!added.ok) throw new Error(JSON.stringify(added.problems));
  }
  h.bot.outbox.kick();
  // Each item's owner is told by DM, paced within Slack's tiers: sixty take a while on a busy machine.
  await h.bot.outbox.waitUntilIdle(60_000);
}

describe("opening the Home", () => {
  it("shows a person with nothing open a Declare button, who is on call, and that nothing needs them", async () => {
    const home = await openHome("U_ERIN");
    expect(viewProblems(home.view)).toEqual([]);
    expect(home.view.type).toBe("home");
    expect(home.buttons.map((b) => (b.text as Json).text)).toEqual(["Declare an incident"]);
    expect(home.text).toContain("you hold no role in an open incident");
    expect(home.text).toContain("No schedules yet");
    expect(home.text).toContain("Nothing open");
  });

  it("shows one open action item with Mark done and Snooze, and the incident the person holds a role in", async () => {
    const incident = await declaredIncident(h, { title: "Checkout <!channel> is down", userId: "U_ALICE", severity: "sev1" });
    await giveItems(incident.id, "U_BOB", 1);
    await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "role tech @bob" });
    await h.bot.outbox.waitUntilIdle();

    const home = await openHome("U_BOB");
    expect(viewProblems(home.view)).toEqual([]);
    expect(home.text).toContain("*Your open incidents* (1)");
    expect(home.text).toContain(`#${incident.number} · Checkout &lt;!channel&gt; is down`);
    expect(home.text).toContain("you are *Tech Lead*");
    expect(home.text).toContain(`<#${incident.channelId}>`);
    expect(home.text).toContain("*Your open action items* (1)");
    expect(home.text).toContain("Follow-up 1 for U_BOB");
    const [item] = await h.database.db.select().from(actionItems).where(and(eq(actionItems.teamId, h.fake.teamId), eq(actionItems.ownerId, "U_BOB")));
    const itemButtons = home.buttons.filter((b) => b.value === String(item!.id)).map((b) => (b.text as Json).text);
    expect(itemButtons).toEqual(["Mark done", "Snooze a week"]);
    // Nothing a person typed can ping a channel from the Home.
    expect(JSON.stringify(home.blocks)).not.toContain("<!channel>");
    // The last 30 days in brief: every incident of this workspace was declared today, and none is resolved yet.
    const declared = await h.database.db.select().from(incidents).where(eq(incidents.teamId, h.fake.teamId));
    const open = declared.filter((i) => !i.resolvedAt).length;
    expect(home.text).toContain(":bar_chart: *Last 30 days*");
    expect(home.text).toMatch(new RegExp(`(^|\\n)${declared.length}\\b[^\\n]* incidents [^\\n]*· ${open} open now`));
    expect(home.text).toContain("`/incident metrics` has the rest.");
  });

  it("fits 60 open action items in Block Kit's 100 blocks, and says how many more there are and where to see them", { timeout: 120_000 }, async () => {
    const incident = await declaredIncident(h, { title: "Many follow-ups", userId: "U_ALICE", severity: "sev3" });
    await giveItems(incident.id, "U_DAVE", 60);
    const home = await openHome("U_DAVE");
    expect(viewProblems(home.view)).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(home.text).toContain("*Your open action items* (60)");
    const shown = home.buttons.filter((b) => b.action_id === "action_item_done").length;
    expect(shown).toBeGreaterThanOrEqual(20);
    expect(home.text).toContain(`Showing ${shown} of 60, soonest due first: ${60 - shown} more. \`/incident actions\` lists them all.`);
  });
});

describe("the Home's buttons", () => {
  it("opens the declare form from Declare, declares, and shows the new incident on the Home", async () => {
    await openHome("U_CAROL");
    const click = await h.driver.clickInHome({ userId: "U_CAROL", actionId: "home_declare" });
    expect(click.status).toBe(200);
    const form = await waitFor(() => h.fake.views.find((v) => v.user === "U_CAROL" && v.triggerId === click.triggerId && v.callback_id === "declare_incident"));
    const submitted = await h.driver.submitView({ viewId: form.id, userId: "U_CAROL", values: { title: "Search is slow", severity: "sev2" } });
    expect(submitted.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();

    const [incident] = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${form.id}`)));
    expect(incident).toMatchObject({ title: "Search is slow", severity: "sev2", commanderId: "U_CAROL", declaredBy: "U_CAROL" });
    // No channel to answer in: the war room's link comes by DM.
    await eventually(async () => h.fake.dmsTo("U_CAROL").some((m) => m.text.includes(`<#${incident!.channelId}>`) || JSON.stringify(m.blocks ?? []).includes(incident!.channelId!)));
    const home = homeOf("U_CAROL");
    expect(home.text).toContain(`#${incident!.number} · Search is slow`);
    expect(home.text).toContain("you are *Incident Commander*");
    expect(home.text).toContain(`<#${incident!.channelId}>`);
  });

  it("marks an item done and snoozes another from the Home, and the Home shows it", async () => {
    const incident = await declaredIncident(h, { title: "Two follow-ups", userId: "U_ALICE", severity: "sev3" });
    h.fake.addUser({ id: "U_FRAN", name: "fran", real_name: "Fran Ford" });
    await openHome("U_FRAN");
    await giveItems(incident.id, "U_FRAN", 2, "2030-03-01");
    const items = await h.database.db.select().from(actionItems).where(and(eq(actionItems.teamId, h.fake.teamId), eq(actionItems.ownerId, "U_FRAN")));
    const [first, second] = items.sort((a, b) => a.id - b.id);
    // Opened once already: the new items were published to the Home without opening it again.
    expect(homeOf("U_FRAN").text).toContain("*Your open action items* (2)");

    await h.driver.clickInHome({ userId: "U_FRAN", actionId: "action_item_done", value: String(first!.id) });
    await eventually(async () => homeOf("U_FRAN").text.includes("*Your open action items* (1)"));
    await h.bot.outbox.waitUntilIdle();
    expect(homeOf("U_FRAN").text).not.toContain(first!.description);

    await h.driver.clickInHome({ userId: "U_FRAN", actionId: "action_item_snooze", value: String(second!.id) });
    await eventually(async () => homeOf("U_FRAN").text.includes("due 2030-03-08"));
    // Nothing was said in a channel: a Home has none; the change shows on the Home itself.
    expect(h.fake.ephemeralsFor("U_FRAN")).toEqual([]);
  });

  it("tells the person in a small form when a click from the Home cannot be done", async () => {
    const home = await openHome("U_ERIN");
    const declare = home.buttons.find((b) => b.action_id === "home_declare")!;
    // A Mark done for an item that is gone (a hand-made click: no Home shows one).
    const answer = await h.driver.interaction({
      type: "block_actions",
      user: { id: "U_ERIN", username: "erin", name: "erin", team_id: h.fake.teamId },
      api_app_id: h.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      container: { type: "view", view_id: h.fake.homeOf("U_ERIN")!.id },
      trigger_id: h.fake.issueTriggerId("U_ERIN"),
      team: { id: h.fake.teamId, domain: h.fake.workspace.team.domain },
      view: { id: h.fake.homeOf("U_ERIN")!.id, type: "home", team_id: h.fake.teamId, blocks: [] },
      actions: [{ type: "button", action_id: "action_item_done", block_id: "x", value: "999999", text: declare.text, action_ts: "1" }],
    });
    expect(answer.status).toBe(200);
    const told = await waitFor(() => h.fake.views.find((v) => v.user === "U_ERIN" && v.callback_id === "home_refusal"));
    expect(JSON.stringify(told.view.blocks)).toMatch(/action item/i);
  });
});
