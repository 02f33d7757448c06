// Starting the bot: health once ready, a clear refusal of a bad token, and where announcements go.
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { SlackAuthError, startWarroom } from "../../src/warroom.js";
import { startFakeSlack } from "../../src/fake-slack/server.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { openTestDatabase } from "../support/database.js";
import { listeningAddresses } from "../support/listening.js";
import { declareThroughSlack } from "../support/declare.js";
import { incidentsOf } from "../support/incidents.js";
import { placeholderAppToken, placeholderBotToken } from "../support/placeholder-tokens.js";

let h: TestBot | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const botSaysIn = (bot: TestBot, channelId: string) =>
  bot.fake.messagesIn(channelId).filter((m) => m.user === bot.fake.botUserId && !m.subtype);

describe("starting the bot", () => {
  it("answers /healthz with 200 once the database is migrated", async () => {
    h = await startTestBot();
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it("refuses to start with a token Slack rejects, saying which variable to fix", async () => {
    const fake = await startFakeSlack();
    const database = await openTestDatabase();
    const config = loadConfig({ SLACK_BOT_TOKEN: placeholderBotToken("not-the-right-one"), SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543", SLACK_API_URL: fake.url, PORT: "0" });
    try {
      const starting = startWarroom({ config, database, logger: createLogger("silent") });
      await expect(starting).rejects.toBeInstanceOf(SlackAuthError);
      await expect(starting).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    } finally {
      await database.destroy();
      await fake.close();
    }
  });

  it("refuses to start in Socket Mode with an app-level token Slack rejects, saying which variable to fix", async () => {
    const fake = await startFakeSlack();
    const database = await openTestDatabase();
    const config = loadConfig({
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543",
      SLACK_APP_TOKEN: placeholderAppToken("1-A0FAKEAPP1-0000-revoked"),
      SLACK_API_URL: fake.url,
      PORT: "0",
    });
    try {
      const starting = startWarroom({ config, database, logger: createLogger("silent") });
      await expect(starting).rejects.toBeInstanceOf(SlackAuthError);
      await expect(starting).rejects.toThrow(/^Slack refused SLACK_APP_TOKEN \(invalid_auth\): create an app-level token with the connections:write scope/);
      // Socket Mode asked the Slack the bot is configured for, with the app-level token.
      expect(fake.calls.filter((c) => c.method === "apps.connections.open").map((c) => c.error)).toEqual(["invalid_auth"]);
    } finally {
      await database.destroy();
      await fake.close();
    }
  });
});

describe("where the bot listens", () => {
  it("listens only on the address it is given (the sandbox keeps the bot on loopback)", async () => {
    const fake = await startFakeSlack();
    const database = await openTestDatabase();
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543", SLACK_API_URL: fake.url, PORT: "0" });
    const bot = await startWarroom({ config, database, logger: createLogger("silent"), listenHost: "127.0.0.1", stopLingerMs: 0 });
    try {
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
      expect(listeningAddresses(bot.port)).toEqual(["127.0.0.1"]);
    } finally {
      await bot.stop();
      await database.destroy();
      await fake.close();
    }
  });
});

describe("the announcement channel", () => {
  it("announces in the channel named by INCIDENTS_CHANNEL", async () => {
    h = await startTestBot({ INCIDENTS_CHANNEL: "ops-alerts" });
    const ops = h.fake.createChannel({ name: "ops-alerts", creator: "U_BOB" });
    await declareThroughSlack(h, { title: "Search is slow", severity: "sev3" });
    await h.bot.outbox.waitUntilIdle();
    const [incident] = await incidentsOf(h);
    expect(botSaysIn(h, ops.id).map((m) => m.text)).toEqual([expect.stringContaining("incident #1 declared")]);
    expect(botSaysIn(h, h.fake.channelByName("incidents")!.id)).toHaveLength(0);
    expect(incident!.announcementChannelId).toBe(ops.id);
  });

  it("tells the war room, once, when the announcement channel does not exist", async () => {
    h = await startTestBot({ INCIDENTS_CHANNEL: "no-such-channel" });
    await declareThroughSlack(h, { title: "Nobody hears" });
    await h.bot.outbox.waitUntilIdle();
    const [incident] = await incidentsOf(h);
    const said = botSaysIn(h, incident!.channelId!).map((m) => m.text);
    expect(said).toHaveLength(2);
    expect(said[1]).toContain("I could not announce this incident in #no-such-channel: there is no public channel #no-such-channel");
    const timeline = await timelineOf(h.database.db, h.fake.teamId, incident!.id);
    expect(timeline.at(-1)).toMatchObject({ type: "announcement_failed", data: { error: "channel_not_found" } });
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });
});
