// Declaring an incident end to end: signed requests into the real Bolt receiver (or envelopes over Socket Mode),
// Web API calls into the fake Slack. Every test runs over both transports, except those about HTTP signatures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { incidents } from "../../src/db/schema.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, transports, type TestBot } from "../support/bot.js";
import { declareThroughSlack, openDeclareModal, submitDeclare, waitFor } from "../support/declare.js";

describe.each(transports)("over %s", (transport) => {
  let h: TestBot;
  beforeAll(async () => {
    h = await startTestBot({}, { transport });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.fake.faults.clear();
  });

  const team = () => h.fake.teamId;
  const incidentsOfTeam = () => h.database.db.select().from(incidents).where(eq(incidents.teamId, team()));
  const incidentNumbered = async (n: number) =>
    (await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, team()), eq(incidents.number, n))))[0]!;
  const botMessagesIn = (channelId: string) => h.fake.messagesIn(channelId).filter((m) => m.user === h.fake.botUserId && !m.subtype);
  const announcementsOf = (n: number) =>
    botMessagesIn(h.fake.channelByName("incidents")!.id).filter((m) => m.text.includes(`incident #${n} declared`));

  describe("declaring an incident from Slack", () => {
    it("opens the declare modal with the typed title and the declarer as commander", async () => {
      const { command, view } = await openDeclareModal(h, { title: "Checkout is down" });
      expect(command.status).toBe(200);
      const json = JSON.stringify(view.view ?? view);
      expect(json).toContain('"initial_value":"Checkout is down"');
      expect(json).toContain('"initial_user":"U_ALICE"');
      for (const sev of ["SEV1", "SEV2", "SEV3", "SEV4"]) expect(json).toContain(sev);
    });

    it("opens a war room, pins the card, announces it and sends the declarer a link", async () => {
      const { submission } = await declareThroughSlack(h, {
        title: "Checkout is down",
        severity: "sev1",
        description: "Payments fail with 502 for every user",
        services: "checkout, payments",
        commander: "U_BOB",
      });
      // An empty answer closes the modal at once.
      expect(submission.status).toBe(200);
      expect(submission.body === "" || Object.keys(submission.body ?? {}).length === 0).toBe(true);
      await h.bot.outbox.waitUntilIdle();

      const incident = await incidentNumbered(1);
      expect(incident).toMatchObject({ title: "Checkout is down", severity: "sev1", status: "investigating", commanderId: "U_BOB", declaredBy: "U_ALICE" });
      expect(incident.affectedServices).toEqual(["checkout", "payments"]);

      const channel = h.fake.channelByName("inc-1-checkout-is-down")!;
      expect(channel).toBeDefined();
      expect(incident.channelId).toBe(channel.id);
      expect(channel.is_private).toBe(false);
      expect(channel.members).toEqual(expect.arrayContaining(["U_ALICE", "U_BOB"]));
      expect(channel.topic.value).toBe("[SEV1] Checkout is down | Investigating | IC: <@U_BOB>");

      const [card, ...others] = botMessagesIn(channel.id);
      expect(others).toHaveLength(0);
      const cardJson = JSON.stringify(card!.blocks);
      for (const text of ["SEV1", "Investigating", "<@U_BOB>", "Payments fail with 502", "checkout, payments", "Acknowledge", "Update status", "Assign roles", "Post update", "Resolve"]) {
        expect(cardJson).toContain(text);
      }
      expect(h.fake.pinsIn(channel.id).map((p) => p.ts)).toContain(card!.ts);

      const [announcement, ...moreAnnouncements] = announcementsOf(1);
      expect(moreAnnouncements).toHaveLength(0);
      expect(JSON.stringify(announcement)).toContain(`<#${channel.id}>`);

      const link = h.fake.ephemeralsFor("U_ALICE").find((e) => e.text.includes("Incident #1 is declared"));
      expect(link?.text).toContain(`<#${channel.id}>`);

      const timeline = await timelineOf(h.database.db, team(), incident.id);
      expect(timeline.map((e) => e.type)).toEqual([
        "declared",
        "channel_created",
        "responders_invited",
        "declarer_notified",
        "topic_set",
        "card_posted",
        "card_pinned",
        "announced",
      ]);
      expect(timeline[0]).toMatchObject({ actor: "U_ALICE" });
      expect(timeline[0]!.data).toMatchObject({ severity: "sev1", commanderId: "U_BOB" });
    });

    it("gives 20 simultaneous declares 20 distinct numbers and 20 channels", async () => {
      const before = (await incidentsOfTeam()).length;
      await Promise.all(Array.from({ length: 20 }, (_, i) => declareThroughSlack(h, { title: `Burst ${i}`, userId: i % 2 ? "U_BOB" : "U_CAROL" })));
      await h.bot.outbox.waitUntilIdle(20_000);
      const burst = (await incidentsOfTeam()).filter((i) => i.title.startsWith("Burst "));
      expect(burst).toHaveLength(20);
      expect(new Set(burst.map((i) => i.number)).size).toBe(20);
      expect(Math.min(...burst.map((i) => i.number))).toBe(before + 1);
      expect(Math.max(...burst.map((i) => i.number))).toBe(before + 20);
      const channels = new Set(burst.map((i) => i.channelId));
      expect(channels.size).toBe(20);
      for (const i of burst) expect(h.fake.channel(i.channelId!)?.name).toBe(`inc-${i.number}-burst-${i.title.split(" ")[1]}`);
    });

    it("makes one incident of a modal submitted twice and retried by Slack", async () => {
      const { view } = await openDeclareModal(h, { title: "Double submit" });
      const answers = await Promise.all([
        submitDeclare(h, view.id),
        submitDeclare(h, view.id),
        submitDeclare(h, view.id, { retryNum: 1 }),
      ]);
      for (const a of answers) expect(a.status).toBe(200);
      await h.bot.outbox.waitUntilIdle();
      const made = (await incidentsOfTeam()).filter((i) => i.title === "Double submit");
      expect(made).toHaveLength(1);
      expect(h.fake.channels.filter((c) => c.name.includes("double-submit"))).toHaveLength(1);
      expect(announcementsOf(made[0]!.number)).toHaveLength(1);
    });

    it("adds a suffix when the channel name is taken, instead of failing", async () => {
      const next = (await incidentsOfTeam()).length + 1;
      h.fake.createChannel({ name: `inc-${next}-name-collision`, creator: "U_CAROL", members: ["U_CAROL"] });
      await declareThroughSlack(h, { title: "Name collision" });
      await h.bot.outbox.waitUntilIdle();
      const incident = await incidentNumbered(next);
      expect(incident.channelName).toBe(`inc-${next}-name-collision-2`);
      expect(botMessagesIn(incident.channelId!)).toHaveLength(1);
    });
  });

  describe("when Slack misbehaves", () => {
    it("still makes exactly one channel, one pinned card and one announcement with 30% of calls rate-limited", async () => {
      const { view } = await openDeclareModal(h, { title: "Rate limited" });
      h.fake.faults.set({ rateLimit: { ratio: 0.3, retryAfterSec: 1 } });
      await submitDeclare(h, view.id);
      await h.bot.outbox.waitUntilIdle(25_000);
      h.fake.faults.clear();
      const incident = (await incidentsOfTeam()).find((i) => i.title === "Rate limited")!;
      expect(h.fake.channels.filter((c) => c.name.includes("rate-limited"))).toHaveLength(1);
      expect(botMessagesIn(incident.channelId!)).toHaveLength(1);
      expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(1);
      expect(announcementsOf(incident.number)).toHaveLength(1);
      expect(h.fake.calls.some((c) => c.status === 429)).toBe(true);
    });

    it("does not double anything when Slack acted but the answer was lost", async () => {
      const { view } = await openDeclareModal(h, { title: "Lost answers" });
      h.fake.faults.failNext("conversations.create", { afterApply: true, status: 500 });
      h.fake.faults.failNext("chat.postMessage", { afterApply: true, status: 503, times: 2 });
      await submitDeclare(h, view.id);
      await h.bot.outbox.waitUntilIdle(20_000);
      const incident = (await incidentsOfTeam()).find((i) => i.title === "Lost answers")!;
      expect(h.fake.channels.filter((c) => c.name.includes("lost-answers"))).toHaveLength(1);
      expect(incident.channelName).toBe(`inc-${incident.number}-lost-answers`);
      expect(botMessagesIn(incident.channelId!)).toHaveLength(1);
      expect(announcementsOf(incident.number)).toHaveLength(1);
    });

    it("resumes an interrupted setup after a restart without doubling anything", async () => {
      const { view } = await openDeclareModal(h, { title: "Restarted" });
      h.fake.faults.set({ serverError: { ratio: 1, status: 503, methods: ["pins.add"] } });
      await submitDeclare(h, view.id);
      const incident = await (async () => {
        for (;;) {
          const found = (await incidentsOfTeam()).find((i) => i.title === "Restarted");
          if (found?.summaryTs) return found;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(0);

      await h.restart();
      h.fake.faults.clear();
      await h.bot.outbox.waitUntilIdle(20_000);

      expect(h.fake.channels.filter((c) => c.name.includes("restarted"))).toHaveLength(1);
      expect(botMessagesIn(incident.channelId!)).toHaveLength(1);
      expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(1);
      expect(announcementsOf(incident.number)).toHaveLength(1);
    });
  });

  describe("when the declare form cannot open", () => {
    it("tells the person to try again instead of failing silently", async () => {
      h.fake.faults.failNext("views.open", { status: 503, times: 2 });
      const seen = h.fake.ephemeralsFor("U_BOB").length;
      const command = await h.driver.slashCommand({ userId: "U_BOB", channelId: h.fake.channelByName("general")!.id, text: "declare Flaky Slack" });
      expect(command.status).toBe(200);
      const note = await waitFor(() => h.fake.ephemeralsFor("U_BOB")[seen]);
      expect(note.text).toBe("Slack had trouble opening the form (HTTP 503). Please run the command again in a moment.");
      expect(h.fake.views.filter((v) => v.triggerId === command.triggerId)).toHaveLength(0);
    });
  });

  describe.skipIf(transport === "socket")("requests that are not from Slack", () => {
    it("rejects a bad signature and a 10-minute-old timestamp without calling Slack", async () => {
      const callsBefore = h.fake.calls.length;
      const body = new URLSearchParams({ command: "/incident", text: "declare Forged", user_id: "U_ALICE", team_id: team(), trigger_id: "x" }).toString();
      const forged = await h.driver.raw({ body, contentType: "application/x-www-form-urlencoded", signature: "v0=" + "0".repeat(64) });
      const stale = await h.driver.raw({ body, contentType: "application/x-www-form-urlencoded", timestamp: Math.floor(Date.now() / 1000) - 600 });
      expect(forged.status).toBe(401);
      expect(stale.status).toBe(401);
      expect(h.fake.calls.length).toBe(callsBefore);
    });
  });

  describe("what people type", () => {
    it("lists the subcommands for /incident and /incident help", async () => {
      for (const text of ["", "help"]) {
        const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: "C_ANY", text });
        expect(answer.status).toBe(200);
        expect(answer.body.response_type).toBe("ephemeral");
        expect(answer.body.text).toContain("/incident declare");
      }
    });

    it("answers an unknown subcommand kindly, with the list", async () => {
      const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: "C_ANY", text: "frobnicate now" });
      expect(answer.status).toBe(200);
      expect(answer.body.text).toContain("I don't know `/incident frobnicate`");
      expect(answer.body.text).toContain("/incident declare");
    });

    it("asks for a title when it is left empty", async () => {
      const { view } = await openDeclareModal(h);
      const answer = await submitDeclare(h, view.id, { typedTitle: "" });
      expect(answer.body.response_action).toBe("errors");
      expect(answer.body.errors.title).toMatch(/title/i);
    });

    it("asks for a shorter title when 5,000 characters arrive (more than Slack's client lets anyone type)", async () => {
      const { view } = await openDeclareModal(h);
      const answer = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev1", title: "x".repeat(5000) }, beyondClientLimits: true });
      expect(answer.body.response_action).toBe("errors");
      expect(answer.body.errors.title).toMatch(/under 150 characters/);
    });

    it("never lets a typed <!channel> reach Slack unescaped", async () => {
      const evil = "<!channel> <@U123> & <script>";
      await declareThroughSlack(h, { title: evil, description: `${evil} in the description`, services: "<!here>, api" });
      await h.bot.outbox.waitUntilIdle();
      const incident = (await incidentsOfTeam()).find((i) => i.title === evil)!;
      expect(incident.channelName).toBe(`inc-${incident.number}-channel-u123-script`);
      // What people type into subcommands comes back in answers too, and the title is on the timeline.
      // Typed as plain @channel, Slack sends the command a real <!channel> (the command escapes mentions).
      for (const text of ["timeline", "status <!channel>", "status identified @channel", "note @here look", "list <!here>", "oncall schedule <!everyone>", "escalation policy @channel", "search status:<!channel>"]) {
        const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text });
        expect(answer.status).toBe(200);
      }
      const said = JSON.stringify(h.fake.everythingTheBotSaid());
      expect(said).not.toMatch(/<!(channel|here|everyone)>/);
      expect(said).not.toContain("<@U123>");
      expect(said).toContain("&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;script&gt;");
    });
  });
});
