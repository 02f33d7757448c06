// The sandbox as its page drives it (the same HTTP calls the page makes): what survives a restart, what reset
// forgets, the clock, Slack's encoding of what is typed, Slack's own checks of a modal, live updates, and a page
// server that only this machine can reach.
import { rmSync } from "node:fs";
import { request } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REQUIRED } from "../../src/sandbox/modal-checks.js";
import type { Screen } from "../../src/sandbox/screen.js";
import { incidents } from "../../src/db/schema.js";
import { eventually } from "../support/declare.js";
import { listeningAddresses } from "../support/listening.js";
import { act, pageBase, screen, startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { stepView, useStandIn, type StandInApp } from "../support/stand-in-app.js";

let h: TestSandbox | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const base = pageBase;

const channelNamed = async (t: TestSandbox, name: string, as = "U_ALICE") => (await screen(t, as)).conversations.find((c) => c.name === name);

async function declare(t: TestSandbox, title: string, values: Record<string, unknown> = {}) {
  const general = (await channelNamed(t, "general"))!.id;
  expect(await act(t, "composer", { as: "U_ALICE", channel: general, text: `/incident declare ${title}` })).toMatchObject({ ok: true });
  const modal = (await screen(t)).modal!;
  const answer = await act(t, "submit", { as: "U_ALICE", viewId: modal.id, values: { severity: "sev1", ...values } });
  await t.sandbox.bot().outbox.waitUntilIdle();
  return answer;
}

/** The war room of the incident with this title, whatever its number. */
const warRoom = async (t: TestSandbox, slug: string) => (await screen(t)).conversations.find((c) => /^inc-\d+-/.test(c.name) && c.name.endsWith(`-${slug}`))!;

/** Every piece of text in some blocks, as a person reads them (mrkdwn unrendered). */
const textOf = (blocks: unknown[] | undefined): string => JSON.stringify(blocks ?? []).match(/"text":"[^"]*"/g)?.join("\n") ?? "";

const botLines = (s: Screen) => s.open!.messages.filter((m) => m.bot_id && !m.subtype).map((m) => m.text);

describe("the sandbox's state", () => {
  it("keeps its incidents, channels, messages and clock across a restart", async () => {
    h = await startTestSandbox();
    expect(await declare(h, "Checkout is down")).toMatchObject({ ok: true });
    await act(h, "clock", { minutes: 60 });
    const room = (await channelNamed(h, "inc-1-checkout-is-down"))!;
    const before = await screen(h, "U_ALICE", room.id);

    await h.restart();
    const after = await screen(h, "U_ALICE", room.id);
    expect(after.open!.messages).toEqual(before.open!.messages);
    expect(after.open!.pinned).toEqual(before.open!.pinned);
    expect(after.aheadMs).toBe(3_600_000);
    // The welcome line is a new sandbox's, said once: a restart does not say it again.
    const general = await screen(h, "U_ALICE", (await channelNamed(h, "general"))!.id);
    expect(general.open!.messages.filter((m) => m.text.includes("Try `/incident declare"))).toHaveLength(1);

    // The bot goes on where it was: the card still answers, and the next incident is #2 in a room of its own.
    const card = after.open!.messages.find((m) => m.ts === after.open!.pinned[0])!;
    expect(await act(h, "interact", { as: "U_BOB", channel: room.id, ts: card.ts, actionId: "incident_acknowledge", value: "1" })).toMatchObject({ ok: true });
    // The card's Acknowledge is answered before the bot acts on it; an hour on, the room may also have had a reminder.
    await eventually(async () => botLines(await screen(h!, "U_ALICE", room.id)).some((l) => l.includes("<@U_BOB> acknowledged the incident")), 15_000);
    await declare(h, "Search is slow");
    expect(await channelNamed(h, "inc-2-search-is-slow")).toBeDefined();
    // Two starts of the whole sandbox: longer than the default on a busy machine.
  }, 90_000);

  it("reset forgets every incident, channel and message and puts the clock back", async () => {
    h = await startTestSandbox();
    await declare(h, "Checkout is down");
    await act(h, "clock", { minutes: 1440 });
    expect(await act(h, "reset", {})).toMatchObject({ ok: true });
    const after = await screen(h);
    expect(after.conversations.map((c) => c.name)).toEqual(["general", "incidents"]);
    expect(after.aheadMs).toBe(0);
    // A new sandbox again: #general holds only Slackbot's line saying what to type first.
    expect(after.open!.messages.map((m) => [m.username, m.text])).toEqual([["Slackbot", expect.stringContaining("Try `/incident declare Checkout is down`")]]);
    expect(await h.database.db.select().from(incidents)).toEqual([]);
    await declare(h, "Again");
    expect(await channelNamed(h, "inc-1-again")).toBeDefined();
  }, 90_000);

  it("starts both halves afresh when the Slack file is gone but the database is not", async () => {
    h = await startTestSandbox();
    await declare(h, "Checkout is down");
    await h.stop();
    rmSync(h.slackFile);
    await h.start();
    expect((await screen(h)).conversations.map((c) => c.name)).toEqual(["general", "incidents"]);
    expect(await h.database.db.select().from(incidents)).toEqual([]);
  }, 90_000);
});

describe("driving the bot from the page", () => {
  // One sandbox for these: each test makes its own incidents and channels, so none depends on another.
  let shared: TestSandbox;
  beforeAll(async () => {
    shared = await startTestSandbox();
  });
  afterAll(async () => {
    await shared?.close();
  });
  const t = () => shared;

  describe("the clock", () => {
    it("moves the bot's clock forward and runs what fell due, so a missed acknowledgement shows at once", async () => {
      await declare(t(), "Nobody answers");
      const room = await warRoom(t(), "nobody-answers");
      const ahead = (await screen(t())).aheadMs;
      expect(botLines(await screen(t(), "U_ALICE", room.id)).join("\n")).not.toContain("Acknowledgement target missed");
      await act(t(), "clock", { minutes: 5 });
      expect(botLines(await screen(t(), "U_ALICE", room.id)).join("\n")).toContain("Acknowledgement target missed");
      expect((await screen(t())).aheadMs).toBe(ahead + 300_000);
    });

    it("only moves forward, by the page's steps", async () => {
      expect(await act(t(), "clock", { minutes: -60 })).toMatchObject({ status: 400 });
      expect(await act(t(), "clock", { minutes: 7 })).toMatchObject({ status: 400 });
    });
  });

  describe("typing in the composer", () => {
    it("sends a command's text the way Slack encodes it for /incident (should_escape)", async () => {
      await declare(t(), "Escaping");
      const room = await warRoom(t(), "escaping");
      await act(t(), "composer", { as: "U_ALICE", channel: room.id, text: "/incident note Asked @bob to look; <!channel> & co" });
      await t().sandbox.bot().outbox.waitUntilIdle();
      const note = (await screen(t(), "U_ALICE", room.id)).open!.messages.at(-1)!;
      expect(note.text).toContain("<@U_BOB");
      expect(note.text).toContain("&lt;!channel&gt; &amp; co");
    });

    it("posts a plain message as Slack's client stores it: entities for & < >, a known @name as a mention", async () => {
      const general = (await channelNamed(t(), "general"))!.id;
      await act(t(), "composer", { as: "U_CAROL", channel: general, text: "Hello @bob <b>bold</b> & more" });
      expect((await screen(t(), "U_CAROL", general)).open!.messages.at(-1)).toMatchObject({ user: "U_CAROL", text: "Hello <@U_BOB|bob> &lt;b&gt;bold&lt;/b&gt; &amp; more" });
    });

    it("answers an unknown command as Slack does, without bothering the bot", async () => {
      const general = (await channelNamed(t(), "general"))!.id;
      expect(await act(t(), "composer", { as: "U_ALICE", channel: general, text: "/deploy now" })).toMatchObject({
        ok: false,
        problem: '/deploy is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.',
      });
    });

    it("lets nobody post in an archived channel", async () => {
      await declare(t(), "Archive me");
      const room = await warRoom(t(), "archive-me");
      t().sandbox.fake.archiveAsUser(room.id, "U_ALICE");
      expect(await act(t(), "composer", { as: "U_ALICE", channel: room.id, text: "hello?" })).toMatchObject({ ok: false, problem: expect.stringContaining("archived") });
      expect((await screen(t())).conversations.find((c) => c.id === room.id)).toMatchObject({ archived: true });
    });
  });

  describe("modals", () => {
    it("are checked as Slack's client checks them before the bot hears of the submission", async () => {
      const general = (await channelNamed(t(), "general"))!.id;
      await act(t(), "composer", { as: "U_ALICE", channel: general, text: "/incident declare" });
      const modal = (await screen(t())).modal!;
      const since = Date.now();
      const declared = (await t().database.db.select().from(incidents)).length;
      expect(await act(t(), "submit", { as: "U_ALICE", viewId: modal.id, values: { title: null, severity: null } })).toMatchObject({
        ok: false,
        errors: { title: REQUIRED, severity: REQUIRED },
      });
      expect(await act(t(), "submit", { as: "U_ALICE", viewId: modal.id, values: { title: "x".repeat(151), severity: "sev2" } })).toMatchObject({
        ok: false,
        errors: { title: "Please enter at most 150 characters." },
      });
      // The errors stay beside the fields until the form is submitted again, and the bot never heard of either.
      expect((await screen(t())).modal).toMatchObject({ id: modal.id, errors: { title: "Please enter at most 150 characters." } });
      expect(t().sandbox.fake.calls.filter((c) => c.at >= since).map((c) => c.method)).toEqual([]);
      expect(await t().database.db.select().from(incidents)).toHaveLength(declared);
      await act(t(), "close", { as: "U_ALICE", viewId: modal.id, whole: true });
    });

    it("shows the bot's response_action errors beside the field they name", async () => {
      const general = (await channelNamed(t(), "general"))!.id;
      await act(t(), "composer", { as: "U_ALICE", channel: general, text: "/incident oncall schedule" });
      const modal = (await screen(t())).modal!;
      const answer = await act(t(), "submit", {
        as: "U_ALICE",
        viewId: modal.id,
        values: { name: "Primary", members: ["U_BOB"], time_zone: "Mars/Olympus_Mons", handoff: "09:00", length: "24", start_date: "2026-11-22" },
      });
      expect(answer).toMatchObject({ ok: false, errors: { time_zone: expect.any(String) } });
      expect((await screen(t())).modal!.errors.time_zone).toBe(answer.errors.time_zone);
      await act(t(), "close", { as: "U_ALICE", viewId: modal.id, whole: true });
    });

    it("close as a stack: the close button closes them all", async () => {
      const general = (await channelNamed(t(), "general"))!.id;
      await act(t(), "composer", { as: "U_ALICE", channel: general, text: "/incident declare" });
      const modal = (await screen(t())).modal!;
      expect(await act(t(), "close", { as: "U_ALICE", viewId: modal.id, whole: true })).toMatchObject({ ok: true });
      expect((await screen(t())).modal).toBeUndefined();
    });
  });

  describe("the App Home tab", () => {
    it("is published when the person opens it (app_home_opened), its buttons reach the bot, and it follows what changes", async () => {
      // Carol has never opened the Home: the bot has published none for her.
      const before = await screen(t(), "U_CAROL");
      expect(before.homeTab).toBe(true);
      expect(before.home).toBeUndefined();
      const opened = Date.now();
      expect(await act(t(), "home", { as: "U_CAROL" })).toMatchObject({ ok: true });
      // The event is acknowledged before the bot acts on it: wait for the publish it names, as the page does.
      await eventually(async () => (await screen(t(), "U_CAROL")).home !== undefined, 15_000);
      const first = (await screen(t(), "U_CAROL")).home!;
      expect(textOf(first.blocks)).toContain("you hold no role in an open incident");
      expect(t().sandbox.fake.calls.filter((c) => c.at >= opened && c.method === "views.publish").length).toBeGreaterThan(0);

      // Declare on her Home opens the declare form on her screen, as Slack's block_actions from a Home view does.
      const declare = first.blocks.map((b) => JSON.stringify(b)).find((b) => b.includes('"action_id":"home_declare"'));
      expect(declare).toBeDefined();
      expect(await act(t(), "homeinteract", { as: "U_CAROL", actionId: "home_declare", value: "declare" })).toMatchObject({ ok: true });
      const form = (await screen(t(), "U_CAROL")).modal!;
      expect(form.view.callback_id).toBe("declare_incident");
      expect(await act(t(), "submit", { as: "U_CAROL", viewId: form.id, values: { title: "Home grown", severity: "sev3" } })).toMatchObject({ ok: true });
      // Without opening it again, her Home now lists the incident she commands (the page refreshes it live).
      await eventually(async () => textOf((await screen(t(), "U_CAROL")).home?.blocks).includes("Home grown"), 15_000);
      expect((await screen(t(), "U_CAROL")).home!.hash).not.toBe(first.hash);
      // Only hers: Bob, who never opened his Home, has none.
      expect((await screen(t(), "U_BOB")).home).toBeUndefined();
    });

    it("refuses a click on a button the Home does not have, with a sentence", async () => {
      await act(t(), "home", { as: "U_BOB" });
      await eventually(async () => (await screen(t(), "U_BOB")).home !== undefined, 15_000);
      expect(await act(t(), "homeinteract", { as: "U_BOB", actionId: "no_such_button" })).toMatchObject({ ok: false, problem: expect.stringContaining("That button is gone") });
    });
  });

  describe("a stack of modals (views.push, Back, response_action update, push and clear)", () => {
    // The bot itself never pushes a view; a stand-in app answers these submissions as Slack's reference says an app
    // may, and the page drives them as a person would. What GET /api/screen says is what the page's modal shows.
    let app: StandInApp;
    beforeAll(async () => {
      app = await useStandIn(t().sandbox);
      app.answers.step_one = { response_action: "push", view: stepView("Step 2", "step_two") };
      app.answers.step_two = { response_action: "update", view: stepView("Step 2, checked", "step_two_checked") };
      app.answers.step_two_checked = { response_action: "push", view: stepView("Step 3", "step_three") };
      app.answers.step_three = { response_action: "clear" };
    });
    afterAll(async () => {
      await app?.close();
    });

    const modal = async () => (await screen(t(), "U_CAROL")).modal;
    const titleOf = (m: Screen["modal"]) => (m?.view.title as { text?: string } | undefined)?.text;

    it("shows the pushed view on top, goes Back to the one under it, updates in place, and clear closes them all", async () => {
      const root = await app.open("U_CAROL", stepView("Step 1", "step_one"));
      expect(await modal()).toMatchObject({ id: root, depth: 1 });

      // Next: the app answers push; the new view is on top, the first one under it.
      expect(await act(t(), "submit", { as: "U_CAROL", viewId: root, values: {} })).toMatchObject({ ok: true });
      const pushed = (await modal())!;
      expect(titleOf(pushed)).toBe("Step 2");
      expect(pushed).toMatchObject({ depth: 2 });
      expect(pushed.id).not.toBe(root);

      // Back (the arrow, or the close button of a pushed view) shows the view under it, as it was.
      expect(await act(t(), "close", { as: "U_CAROL", viewId: pushed.id, whole: false })).toMatchObject({ ok: true });
      const back = (await modal())!;
      expect(back).toMatchObject({ id: root, depth: 1 });
      expect(titleOf(back)).toBe("Step 1");

      // Next again pushes a new Step 2; its submission answered with update replaces it in place.
      await act(t(), "submit", { as: "U_CAROL", viewId: root, values: {} });
      const again = (await modal())!;
      expect(again.id).not.toBe(pushed.id);
      await act(t(), "submit", { as: "U_CAROL", viewId: again.id, values: { note: "looks right" } });
      const updated = (await modal())!;
      expect(updated).toMatchObject({ id: again.id, depth: 2 });
      expect(updated.hash).not.toBe(again.hash);
      expect(titleOf(updated)).toBe("Step 2, checked");

      // A third view, then clear: every view of the stack closes at once.
      await act(t(), "submit", { as: "U_CAROL", viewId: updated.id, values: {} });
      const third = (await modal())!;
      expect(third).toMatchObject({ depth: 3 });
      expect(titleOf(third)).toBe("Step 3");
      expect(await act(t(), "submit", { as: "U_CAROL", viewId: third.id, values: {} })).toMatchObject({ ok: true });
      expect(await modal()).toBeUndefined();
      expect(t().sandbox.fake.views.filter((v) => v.root_view_id === root).map((v) => v.closed)).toEqual([true, true, true, true]);
    });

    it("the close button (×) on a pushed view closes the whole stack", async () => {
      await act(t(), "submit", { as: "U_CAROL", viewId: await app.open("U_CAROL", stepView("Step 1", "step_one")), values: {} });
      const pushed = (await modal())!;
      expect(pushed).toMatchObject({ depth: 2 });
      await act(t(), "close", { as: "U_CAROL", viewId: pushed.id, whole: true });
      expect(await modal()).toBeUndefined();
    });
  });

  describe("the page server", () => {
    it("sends an event to the page when the workspace changes", async () => {
      const events = await fetch(`${base(t())}/api/events`);
      const reader = events.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/^retry: 1000\ndata: \d+/);
      const general = (await channelNamed(t(), "general"))!.id;
      await act(t(), "composer", { as: "U_BOB", channel: general, text: "anyone?" });
      const next = new TextDecoder().decode((await reader.read()).value);
      expect(next).toMatch(/^data: \d+\n\n$/);
      await reader.cancel();
    });

    it("listens on 127.0.0.1 only and answers only requests made to this machine's names", async () => {
      expect(t().sandbox.url).toBe(`http://localhost:${t().sandbox.port}/`);
      expect(listeningAddresses(t().sandbox.port)).toEqual(["127.0.0.1"]);
      expect(listeningAddresses(t().sandbox.bot().port)).toEqual(["127.0.0.1"]);
      const status = await new Promise<number>((resolve, reject) =>
        request({ host: "127.0.0.1", port: shared.sandbox.port, path: "/", headers: { host: "attacker.example:80" } }, (res) => resolve(res.statusCode ?? 0))
          .on("error", reject)
          .end(),
      );
      expect(status).toBe(421);
      const page = await fetch(`${base(t())}/`);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await page.text()).toContain('<script type="importmap">');
      expect((await fetch(`${base(t())}/vendor/preact.mjs`)).status).toBe(200);
    });

    it("takes only JSON, and answers bad input with a sentence", async () => {
      const asForm = await fetch(`${base(t())}/api/reset`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
      expect(asForm.status).toBe(415);
      expect(await act(t(), "composer", { as: "U_NOBODY", channel: "C000000001", text: "hi" })).toMatchObject({ status: 400, error: "There is nobody called U_NOBODY in this workspace." });
      expect(await act(t(), "composer", { as: "U_ALICE", channel: "#general", text: "hi" })).toMatchObject({ status: 400, error: "channel must be a channel ID" });
    });
  });

});
