// OAuth (multi-workspace) mode end to end: the install flow through its redirects and the fake's oauth.v2.access,
// tokens encrypted at rest, two workspaces side by side each with its own incident #1, uninstall, token rotation.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { FakeSlack, startFakeSlack } from "../../src/fake-slack/server.js";
import { SlackDriver } from "../../src/fake-slack/driver.js";
import { incidents, outboxItems, slackInstallations } from "../../src/db/schema.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack, eventually, waitFor } from "../support/declare.js";

const clientId = "1234567890.0987654321";
const clientSecret = randomBytes(16).toString("hex");

let h: TestBot | undefined;
let other: FakeSlack | undefined;
afterEach(async () => {
  await h?.close();
  await other?.close();
  h = undefined;
  other = undefined;
});

async function startOAuthBot(opts: { tokenRotation?: boolean; tokenLifetimeSec?: number } = {}) {
  const fake = await startFakeSlack({ oauth: { clientId, clientSecret, ...opts } });
  other = await new FakeSlack({
    identity: { team: { id: "T0FAKE0002", domain: "second-shop", name: "Second Shop" }, bot: { userId: "UBOT2", botId: "B0FAKEBOT2", appId: "A0FAKEAPP1", name: "warroom" }, idTag: "1" },
  }).listen();
  fake.host(other);
  h = await startTestBot(
    { SLACK_BOT_TOKEN: "", SLACK_CLIENT_ID: clientId, SLACK_CLIENT_SECRET: clientSecret, SLACK_STATE_SECRET: randomBytes(16).toString("hex"), ENCRYPTION_KEY: randomBytes(32).toString("base64") },
    { fakeSlack: fake },
  );
  const botUrl = `http://127.0.0.1:${h.bot.port}`;
  fake.redirectUrl = `${botUrl}/slack/oauth_redirect`;
  return { h, fake, other, botUrl };
}

/** A person opens /slack/install, clicks Add to Slack, agrees on Slack's page, and comes back to the bot. */
async function install(botUrl: string, team: string): Promise<{ page: string; status: number; redirect: string; cookie: string }> {
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

function driverFor(fake: FakeSlack, bot: TestBot): SlackDriver {
  return new SlackDriver({ fake, botUrl: `http://127.0.0.1:${bot.bot.port}/slack/events`, signingSecret: bot.config.SLACK_SIGNING_SECRET });
}

describe("OAuth install", () => {
  it("installs through Add to Slack, stores the token encrypted, and refuses a forged or reused state", async () => {
    const { h, fake, botUrl } = await startOAuthBot();
    const done = await install(botUrl, fake.teamId);
    expect(done.status).toBe(200);
    expect(done.page).toContain("Thank you!");
    const [row] = await h.database.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, fake.teamId));
    expect(row?.botUserId).toBe(fake.botUserId);
    const issued = fake.issuedTokens[0]!;
    expect(issued).toMatch(/^xoxb-/);
    // At rest: neither the token nor any part of it that matters.
    expect(JSON.stringify(row)).not.toContain(issued);
    expect(JSON.stringify(row)).not.toContain(issued.split("-").at(-1));

    // A state the bot never issued (no cookie, made up) is refused, and Slack's code is never exchanged.
    const calls = fake.calls.filter((c) => c.method === "oauth.v2.access").length;
    const forged = await fetch(`${botUrl}/slack/oauth_redirect?code=whatever&state=forged`, { redirect: "manual" });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(await forged.text()).not.toContain("Thank you!");
    expect(fake.calls.filter((c) => c.method === "oauth.v2.access").length).toBe(calls);

    // The same redirect again (a reload, or someone who copied it): Slack's code is single-use, nothing is stored again.
    const again = await fetch(done.redirect, { redirect: "manual", headers: { cookie: done.cookie } });
    expect(await again.text()).not.toContain("Thank you!");
    expect(fake.calls.filter((c) => c.method === "oauth.v2.access").map((c) => c.error ?? "ok")).not.toContain(undefined);
    const stored = await h.database.db.select().from(slackInstallations);
    expect(stored).toHaveLength(1);

    // A genuine state brought back by another browser (without the cookie /slack/install set) is refused too.
    const start = await (await fetch(`${botUrl}/slack/install`)).text();
    const link = /<a href="([^"]+)"><img alt="Add to Slack"/.exec(start)![1]!.replaceAll("&amp;", "&");
    const consent = await fetch(`${link}&team=${fake.teamId}`, { redirect: "manual" });
    const stolen = await fetch(consent.headers.get("location")!, { redirect: "manual" });
    expect(await stolen.text()).not.toContain("Thank you!");
    expect(await h.database.db.select().from(slackInstallations)).toHaveLength(1);
  });

  it("serves two workspaces side by side: each declares its own incident #1 in its own Slack", async () => {
    const { h, fake, other, botUrl } = await startOAuthBot();
    expect((await install(botUrl, fake.teamId)).status).toBe(200);
    expect((await install(botUrl, other.teamId)).status).toBe(200);
    const second = { ...h, fake: other, driver: driverFor(other, h) } as TestBot;

    await declareThroughSlack(h, { title: "Checkout down" });
    await declareThroughSlack(second, { title: "Login broken" });
    const roomA = await waitFor(() => fake.channels.find((c) => c.name.startsWith("inc-1-")));
    const roomB = await waitFor(() => other.channels.find((c) => c.name.startsWith("inc-1-")));
    expect(roomA.name).toContain("checkout");
    expect(roomB.name).toContain("login");
    expect(fake.channels.some((c) => c.name.includes("login"))).toBe(false);
    expect(other.channels.some((c) => c.name.includes("checkout"))).toBe(false);
    // Each workspace's bot posted with its own token.
    expect(fake.calls.filter((c) => c.method === "conversations.create").every((c) => c.ok)).toBe(true);
    expect(other.calls.some((c) => c.method === "conversations.create" && c.ok)).toBe(true);
    const rows = await h.database.db.select().from(incidents);
    expect(rows.map((r) => `${r.teamId}#${r.number}`).sort()).toEqual([`${fake.teamId}#1`, `${other.teamId}#1`].sort());
  });

  it("app_uninstalled removes the tokens and holds that workspace's deliveries only; its incidents stay", async () => {
    const { h, fake, other, botUrl } = await startOAuthBot();
    await install(botUrl, fake.teamId);
    await install(botUrl, other.teamId);
    const second = { ...h, fake: other, driver: driverFor(other, h) } as TestBot;
    await declareThroughSlack(second, { title: "Login broken" });
    await waitFor(() => other.channels.find((c) => c.name.startsWith("inc-1-")));

    other.uninstall();
    await second.driver.sendEvent({ type: "app_uninstalled" });
    await h.bot.requestsIdle();
    const [row] = await h.database.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, other.teamId));
    expect(row?.revokedAt).not.toBeNull();
    expect(row?.botTokenEncrypted).toBeNull();

    // The first workspace goes on as before.
    await declareThroughSlack(h, { title: "Checkout down" });
    await waitFor(() => fake.channels.find((c) => c.name.startsWith("inc-1-")));
    // The second's incident is still there, and nothing more is sent to its Slack.
    const kept = await h.database.db.select().from(incidents).where(eq(incidents.teamId, other.teamId));
    expect(kept).toHaveLength(1);
    const before = other.calls.length;
    await h.database.db.insert(outboxItems).values({
      teamId: other.teamId,
      incidentId: kept[0]!.id,
      // What a scheduled job or the REST API would ask for: the card refreshed in the war room.
      kind: "war_room.refresh_card",
      idempotencyKey: `test:held:${kept[0]!.id}`,
      payload: {},
      createdAt: new Date(),
      nextAttemptAt: new Date(),
    } as never);
    h.bot.outbox.kick();
    // Held, not failed: each waits a quarter of an hour before it looks again (a later install would let it through).
    const held = await eventually(async () => {
      const items = await h.database.db.select().from(outboxItems).where(eq(outboxItems.teamId, other.teamId));
      return items.some((i) => i.status === "pending" && i.nextAttemptAt.getTime() > Date.now() + 10 * 60_000) && items;
    });
    expect(held.filter((i) => i.status === "failed")).toEqual([]);
    expect(other.calls.length).toBe(before);
  });

  it("refreshes a rotating token before it expires and keeps delivering with the new one", async () => {
    const { h, fake, botUrl } = await startOAuthBot({ tokenRotation: true });
    await install(botUrl, fake.teamId);
    const first = fake.issuedTokens[0]!;
    expect(first).toMatch(/^xoxe\.xoxb-/);
    // Eleven of its twelve hours have gone by: less than two are left, so the next call refreshes it first.
    await h.database.db.update(slackInstallations).set({ expiresAt: new Date(Date.now() + 60 * 60_000) }).where(eq(slackInstallations.teamId, fake.teamId));
    await declareThroughSlack(h, { title: "Checkout down" });
    await waitFor(() => fake.channels.find((c) => c.name.startsWith("inc-1-")));
    const refreshes = fake.calls.filter((c) => c.method === "oauth.v2.access" && c.args.grant_type === "refresh_token");
    expect(refreshes.length).toBe(1);
    expect(refreshes[0]!.ok).toBe(true);
    expect(fake.issuedTokens.length).toBe(2);
    const [row] = await h.database.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, fake.teamId));
    expect(JSON.stringify(row)).not.toContain(fake.issuedTokens[1]!);
    expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 60 * 60_000);
    // The war room was made with the new token.
    const create = fake.calls.find((c) => c.method === "conversations.create" && c.ok);
    expect(create).toBeDefined();
  });
});
