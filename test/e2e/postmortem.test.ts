// A whole postmortem through Slack: start from the card, write it over several sittings, add action items,
// review, publish, export; plus waiving, the rules of who may publish, and action item lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { botLinesIn, clickOnCard, command, declaredIncident, modalOpenedBy, nextEphemeral, reload, say } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const general = () => h.fake.channelByName("general")!.id;

async function resolvedIncident(title: string, severity = "sev1") {
  const incident = await declaredIncident(h, { title, severity, userId: "U_ALICE" });
  await say(h, "U_BOB", incident.channelId!, "ack");
  await say(h, "U_ALICE", incident.channelId!, "status identified Bad cache TTL");
  await say(h, "U_ALICE", incident.channelId!, "note Decided to roll back instead of hotfixing");
  await say(h, "U_ALICE", incident.channelId!, "resolve Rolled back the cache config");
  return reload(h, incident);
}

/** Submits the view currently open for a person and returns what the modal shows next. */
async function submitOpen(userId: string, callbackId: string, values: Record<string, string | string[]>) {
  const view = await waitFor(() => h.fake.views.find((v) => v.user === userId && !v.closed && v.callback_id === callbackId));
  const answer = await h.driver.submitView({ viewId: view.id, userId, values });
  await h.bot.outbox.waitUntilIdle();
  return { view, answer };
}

describe("a postmortem from start to export", () => {
  it("is written over several sittings, published, and exported with every section and the generated timeline in order", async () => {
    const incident = await resolvedIncident("Checkout cache meltdown");

    // First sitting: from the card's Postmortem button, the summary, then the modal is closed.
    const click = await clickOnCard(h, incident, "U_ALICE", "postmortem_start");
    const first = await modalOpenedBy(h, click.triggerId);
    expect(first.callback_id).toBe("postmortem_summary");
    const tooLong = await h.driver.submitView({ viewId: first.id, userId: "U_ALICE", values: { summary: "One. Two. Three. Four. Five. Six." } });
    expect(tooLong.body.errors.summary).toMatch(/5 sentences/);
    const saved = await h.driver.submitView({
      viewId: first.id,
      userId: "U_ALICE",
      values: { summary: "Checkout failed for 40 minutes after a cache TTL change. EU users were hit hardest.", users_affected: "~12% of EU checkouts", revenue: "about 40k EUR", services: "cdn" },
    });
    expect(saved.body.response_action).toBe("update");
    expect(saved.body.view.callback_id).toBe("postmortem_cause");
    h.fake.view(first.id)!.closed = true; // the person closes the modal after saving the first step

    // Second sitting: /incident postmortem resumes at the first step with nothing written: the five whys.
    const resumed = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "postmortem" });
    const second = await modalOpenedBy(h, resumed.triggerId);
    expect(second.callback_id).toBe("postmortem_cause");
    await h.driver.submitView({ viewId: second.id, userId: "U_ALICE", values: { why_1: "Checkout timed out", why_2: "Every request missed the cache", why_3: "The TTL was set to 0", why_4: "The config had no validation" } });
    await submitOpen("U_ALICE", "postmortem_reflection", { went_well: "Rollback took 4 minutes", could_improve: "Config changes skip review", lucky: "It happened at low traffic", lessons: "Validate config like code" });
    await submitOpen("U_ALICE", "postmortem_timeline", {});
    h.fake.view(second.id)!.closed = true; // closed again, at the action items step

    // Third sitting: the timeline step, annotate and drop, then three action items.
    const third = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "postmortem" });
    const summaryAgain = await modalOpenedBy(h, third.triggerId);
    expect(JSON.stringify(summaryAgain.view)).toContain("Checkout failed for 40 minutes");
    await h.driver.submitView({ viewId: summaryAgain.id, userId: "U_ALICE", values: {} });
    await submitOpen("U_ALICE", "postmortem_cause", {});
    await submitOpen("U_ALICE", "postmortem_reflection", {});
    const timelineView = await waitFor(() => h.fake.views.find((v) => v.user === "U_ALICE" && !v.closed && v.callback_id === "postmortem_timeline"));
    const options = JSON.stringify(timelineView.view);
    const declaredNumber = options.match(/"text":"(\d+)\. \d\d:\d\d Declared/)![1];
    expect(options).toContain("Decided to roll back");
    const ackOption = options.match(/"text":"\d+\. \d\d:\d\d Acknowledged[^"]*","emoji":true\},"value":"(\d+)"/)!;
    await h.driver.submitView({ viewId: timelineView.id, userId: "U_ALICE", values: { dropped: [ackOption[1]!], notes: `${declaredNumber}. paged by the synthetic checkout probe` } });
    await submitOpen("U_ALICE", "postmortem_actions", { description: "Validate cache config in CI", owner: "U_BOB", due: "2026-12-15", priority: "high", another: ["another"] });
    await submitOpen("U_ALICE", "postmortem_actions", { description: "Add a canary for config pushes", owner: "U_CAROL", due: "2026-12-20", priority: "medium", another: ["another"] });
    const last = await submitOpen("U_ALICE", "postmortem_actions", { description: "Alert on cache hit ratio", owner: "U_BOB", due: "2026-12-31", priority: "low" });
    expect(JSON.stringify(last.answer.body.view)).toContain("3 action items");
    expect(h.fake.dmsTo("U_BOB").filter((m) => m.text.includes("New action item"))).toHaveLength(2);

    // Review, then publish by the commander; the war room and the announcement channel get a summary card.
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem review")).toBe("The postmortem is in review.");
    expect(await say(h, "U_CAROL", incident.channelId!, "postmortem publish")).toContain("Sorry, only the Incident Commander");
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem publish")).toContain("Published");
    expect(JSON.stringify(botLinesIn(h, incident.channelId!).at(-1)!.blocks)).toContain("Postmortem published");
    expect(JSON.stringify(botLinesIn(h, h.fake.channelByName("incidents")!.id).at(-1)!.blocks)).toContain("Postmortem published");

    // Export from anywhere: the Markdown has every section and the generated timeline, in order.
    const exported = await command(h, "U_CAROL", general(), `postmortem export #${incident.number}`);
    expect(exported.rejectedBySlack).toBeUndefined();
    const markdown = (exported.body.blocks as Array<{ text?: { text: string } }>)
      .slice(1)
      .map((b) => b.text!.text.replace(/^```|```$/g, ""))
      .join("")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    const sections = ["# Postmortem: #", "## Summary", "## Impact", "## Timeline (UTC)", "## Root cause", "## What went well", "## What could be improved", "## Where we got lucky", "## Action items", "## Lessons learned"];
    let at = -1;
    for (const heading of sections) {
      const found = markdown.indexOf(heading);
      expect(found, heading).toBeGreaterThan(at);
      at = found;
    }
    expect(markdown).toContain("- **Users affected:** ~12% of EU checkouts");
    expect(markdown).toContain("1. Why? Checkout timed out");
    expect(markdown).toContain("4. Why? The config had no validation");
    expect(markdown).toContain("- [ ] Validate cache config in CI — owner @bob, due 2026-12-15, priority high");
    expect(markdown).toContain("Validate config like code");
    const timeline = markdown.slice(markdown.indexOf("## Timeline"), markdown.indexOf("## Root cause"));
    const order = ["Declared SEV1 incident", "Status Investigating → Identified", "Decided to roll back", "Resolved: Rolled back the cache config"].map((t) => timeline.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(timeline).toContain("_(paged by the synthetic checkout probe)_");
    expect(timeline).not.toContain("Acknowledged the incident");
    expect(timeline).not.toContain("Pinned the incident card");
    expect(timeline).toContain("@alice");

    // Published postmortems are searchable, and can no longer be edited.
    expect(JSON.stringify((await command(h, "U_CAROL", general(), "search validate config")).body)).toContain(`#${incident.number} · `);
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem")).toContain("is published");
    const types = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["postmortem_started", "postmortem_saved", "action_item_added", "postmortem_in_review", "postmortem_published"]));
  });
});

describe("a postmortem after the war room is archived", () => {
  it("asks the commander by DM for review and announces the publication, without trying the archived room", async () => {
    const incident = await resolvedIncident("Closed before the postmortem");
    const room = incident.channelId!;
    expect(await say(h, "U_ALICE", room, "close")).toContain("is closed");
    const elsewhere = general();
    expect(await say(h, "U_ALICE", elsewhere, `postmortem #${incident.number}`)).toBe("");
    await submitOpen("U_ALICE", "postmortem_summary", { summary: "The cache TTL went to zero.", users_affected: "", revenue: "", services: "" });
    expect(await say(h, "U_BOB", elsewhere, `postmortem review #${incident.number}`)).toBe("The postmortem is in review.");
    // U_ALICE declared it and is its commander: she is asked to publish.
    expect(h.fake.dmsTo("U_ALICE").at(-1)!.text).toContain(`The postmortem of incident #${incident.number} is ready for review`);
    expect(await say(h, "U_ALICE", elsewhere, `postmortem publish #${incident.number}`)).toContain("Published");
    expect(botLinesIn(h, h.fake.channelByName("incidents")!.id).at(-1)!.text).toBe(`Postmortem published for incident #${incident.number}`);
    const afterArchive = h.fake.calls.filter((c) => c.args.channel === room && c.method === "chat.postMessage" && !c.ok);
    expect(afterArchive).toEqual([]);
    expect((await timelineOf(h.database.db, h.fake.teamId, incident.id)).map((e) => e.type)).not.toContain("delivery_failed");
  });
});

describe("the exported Markdown", () => {
  it("shows the postmortem as it is now: an action item done after publishing shows as done", async () => {
    const incident = await resolvedIncident("Export after publish", "sev3");
    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "postmortem" });
    const first = await modalOpenedBy(h, opened.triggerId);
    await h.driver.submitView({ viewId: first.id, userId: "U_ALICE", values: { summary: "The export follows the action items." } });
    await h.bot.outbox.waitUntilIdle();
    const add = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "action add Backfill the lost orders" });
    await h.driver.submitView({ viewId: (await modalOpenedBy(h, add.triggerId)).id, userId: "U_ALICE", values: { owner: "U_BOB", due: "2030-02-01", priority: "high" } });
    await h.bot.outbox.waitUntilIdle();
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem publish")).toContain("Published");

    const exported = async () => JSON.stringify((await command(h, "U_CAROL", general(), `postmortem export #${incident.number}`)).body.blocks);
    expect(await exported()).toContain("- [ ] Backfill the lost orders");
    // Bob finishes it from the DM he got about it, after the postmortem was published.
    const dm = await waitFor(() => h.fake.dmsTo("U_BOB").find((m) => JSON.stringify(m.blocks).includes("Backfill the lost orders")));
    const seen = h.fake.ephemeralsFor("U_BOB").length;
    await h.driver.clickButton({ userId: "U_BOB", channelId: dm.channel, messageTs: dm.ts, actionId: "action_item_done" });
    // The click is acknowledged first; Bob is told once it is recorded.
    expect((await nextEphemeral(h, "U_BOB", seen)).text).toContain("Marked done");
    const after = await exported();
    expect(after).toContain("- [x] Backfill the lost orders");
    expect(after).not.toContain("- [ ] Backfill the lost orders");
  });
});

describe("the rules around postmortems", () => {
  it("waives a SEV3 postmortem with a reason, but never a SEV1", async () => {
    const minor = await resolvedIncident("Flaky test alarm", "sev3");
    expect(await say(h, "U_ALICE", minor.channelId!, "postmortem waive")).toContain("Say why");
    expect(await say(h, "U_ALICE", minor.channelId!, "postmortem waive Known flaky probe, fixed the same hour")).toBe("Postmortem waived.");
    const major = await resolvedIncident("Database down");
    expect(await say(h, "U_ALICE", major.channelId!, "postmortem waive Not worth it")).toContain("SEV1 incident needs a postmortem");
  });

  it("waits for resolution, and exports only what is published", async () => {
    const open = await declaredIncident(h, { title: "Still burning" });
    expect(await say(h, "U_ALICE", open.channelId!, "postmortem")).toContain("still open");
    const resolved = await resolvedIncident("Not written yet");
    expect(await say(h, "U_ALICE", resolved.channelId!, "postmortem export")).toContain("not started");
  });

  it("adds action items by command and lists them by owner, incident and overdue", async () => {
    const incident = await resolvedIncident("Needs follow-up");
    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "action add Rotate the leaked key" });
    const form = await modalOpenedBy(h, opened.triggerId);
    expect(JSON.stringify(form.view)).toContain('"initial_value":"Rotate the leaked key"');
    const answer = await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { owner: "U_CAROL", due: "2026-01-05", priority: "high" } });
    expect(answer.body).toBe("");
    await h.bot.outbox.waitUntilIdle();
    expect(JSON.stringify((await command(h, "U_CAROL", general(), "actions")).body)).toContain("Rotate the leaked key");
    expect(JSON.stringify((await command(h, "U_CAROL", general(), `actions #${incident.number}`)).body)).toContain("Rotate the leaked key");
    expect(JSON.stringify((await command(h, "U_CAROL", general(), "actions overdue")).body)).toContain(":warning: overdue");
    h.fake.addUser({ id: "U_DAN", name: "dan", real_name: "Dan New" });
    expect(await say(h, "U_DAN", general(), "actions mine")).toBe("Your open action items: none.");
  });

  it("asks again, under the field, for a due date that does not exist or is more than ten years away, and for an owner Slack does not know", async () => {
    const incident = await resolvedIncident("Due some day");
    const year = new Date().getUTCFullYear();
    const refused: Record<string, unknown> = {};
    for (const due of [`${year + 11}-01-15`, "9999-12-31", `${year - 11}-06-01`, `${year}-02-30`, `${year}-13-01`]) {
      const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "action add Renew the certificate" });
      const form = await modalOpenedBy(h, opened.triggerId);
      refused[due] = (await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { owner: "U_BOB", due, priority: "low" } })).body;
    }
    const tenYears = expect.stringMatching(/^Pick a due date within 10 years of today \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)\.$/);
    expect(refused).toEqual({
      [`${year + 11}-01-15`]: { response_action: "errors", errors: { due: tenYears } },
      "9999-12-31": { response_action: "errors", errors: { due: tenYears } },
      [`${year - 11}-06-01`]: { response_action: "errors", errors: { due: tenYears } },
      [`${year}-02-30`]: { response_action: "errors", errors: { due: "Pick a due date from the calendar." } },
      [`${year}-13-01`]: { response_action: "errors", errors: { due: "Pick a due date from the calendar." } },
    });
    expect(await say(h, "U_BOB", general(), `actions #${incident.number}`)).toContain("none");
    // An owner no list offered (a forged form) is asked for again too.
    const forged = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "action add Renew the certificate" });
    const forgedForm = await modalOpenedBy(h, forged.triggerId);
    expect((await h.driver.submitView({ viewId: forgedForm.id, userId: "U_ALICE", values: { owner: "W0NOBODY01", priority: "low" } })).body).toEqual({
      response_action: "errors",
      errors: { owner: "Slack does not know this person. Pick someone from the list." },
    });
    // Nine years ahead is still a date someone can plan for.
    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "action add Renew the certificate" });
    const form = await modalOpenedBy(h, opened.triggerId);
    expect((await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { owner: "U_BOB", due: `${year + 9}-06-01`, priority: "low" } })).body).toBe("");
  });
});
