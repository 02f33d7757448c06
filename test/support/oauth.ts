// The bot in OAuth (multi-workspace) mode against a fake Slack that hosts two workspaces, and the install flow a
// person goes through: /slack/install → Add to Slack → Slack's consent page → /slack/oauth_redirect.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { FakeSlack, startFakeSlack, type FakeSlackOptions } from "../../src/fake-slack/server.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { startTestBot, type TestBot } from "./bot.js";

export const clientId = "1234567890.0987654321";
export const clientSecret = randomBytes(16).toString("hex");

export interface TwoWorkspaces {
  /** The bot, with the first workspace's fake and driver. */
  h: TestBot;
  fake: FakeSlack;
  /** The second workspace, hosted by the first fake (same Web API URL, its own team, people ids, channels, tokens). */
  other: FakeSlack;
  /** The bot as the second workspace sees it: its fake and a driver that signs its team's requests. */
  second: TestBot;
  botUrl: string;
  close(): Promise<void>;
}

export async function startOAuthBot(oauth: Omit<NonNullable<FakeSlackOptions["oauth"]>, "clientId" | "clientSecret"> = {}, env: Record<string, string> = {}): Promise<TwoWorkspaces> {
  const fake = await startFakeSlack({ oauth: { clientId, clientSecret, ...oauth } });
  const other = await new FakeSlack({
    identity: { team: { id: "T0FAKE0002", domain: "second-shop", name: "Second Shop" }, bot: { userId: "UBOT2", botId: "B0FAKEBOT2", appId: "A0FAKEAPP1", name: "warroom" }, idTag: "1" },
  }).listen();
  fake.host(other);
  const h = await startTestBot(
    { SLACK_BOT_TOKEN: "", SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: randomBytes(16).toString("hex"), ENCRYPTION_KEY: randomBytes(32).toString("base64"), ...env },
    { fakeSlack: fake },
  );
  const botUrl = `http://127.0.0.1:${h.bot.port}`;
  fake.redirectUrl = `${botUrl}/slack/oauth_redirect`;
  const second = { ...h, fake: other, driver: driverFor(other, h) } as TestBot;
  return {
    h,
    fake,
    other,
    second,
    botUrl,
    async close() {
      await h.close();
      await other.close();
    },
  };
}

/** A person opens /slack/install, clicks Add to Slack, agrees on Slack's page (for `team`), and comes back to the bot. */
export async function install(botUrl: string, team: string): Promise<{ page: string; status: number; redirect: string; cookie: string }> {
  const start = await fetch(`${botUrl}/slack/install`, { redirect: "manual" });
  expect(start.status).toBe(200);
  const html = await start.text();
  expect(html).toContain("Add to Slack");
  const link = /<a href="([^"]+)"><img alt="Add to Slack"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
  expect(link).toBeDefined();
  const cookie = start.headers.get("set-cookie")?.split(";")[0] ?? "";
  const consent = await fetch(`${link}&team=${team}`, { redirect: "manual" });
  expect(consent.status).toBe(302);
  const redirect = consent.headers.get("location")!;
  const back = await fetch(redirect, { redirect: "manual", headers: { cookie } });
  return { page: await back.text(), status: back.status, redirect, cookie };
}

export function driverFor(fake: FakeSlack, bot: TestBot): SlackDriver {
  return new SlackDriver({ fake, botUrl: `http://127.0.0.1:${bot.bot.port}/slack/events`, signingSecret: bot.config.SLACK_SIGNING_SECRET });
}
