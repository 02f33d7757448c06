// OAuth (multi-workspace) mode end to end: the install flow through its redirects and the fake's oauth.v2.access,
// tokens encrypted at rest, two workspaces side by side each with its own incident #1, uninstall, token rotation.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { incidents, outboxItems, scheduledJobs, slackInstallations } from "../../src/db/schema.js";
import { install, startOAuthBot, type TwoWorkspaces } from "../support/oauth.js";
import { declareThroughSlack, eventually, waitFor } from "../support/declare.js";

let env: TwoWorkspaces | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function twoWorkspaces(opts: Parameters<typeof startOAuthBot>[0] = {}): Promise<TwoWorkspaces> {
  env = await startOAuthBot(opts);
  return env;
}

describe("OAuth install", () => {
  it("installs through Add to Slack, stores the token encrypted, and refuses a forged or reused state", async () => {
    const { h, fake, botUrl } = await twoWorkspaces();
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
    const { h, fake, other, second, botUrl } = await twoWorkspaces();
    expect((await install(botUrl, fake.teamId)).status).toBe(200);
    expect((await install(botUrl, other.teamId)).status).toBe(200);
    
    await declareThroughSlack(h, { title: "Checkout down" });
    await declareThroughSlack(second, { title: "Login broken" });
    await h.bot.outbox.waitUntilIdle();
    const roomA = fake.channels.find((c) => c.name.startsWith("inc-1-"))!;
    const roomB = other.channels.find((c) => c.name.startsWith("inc-1-"))!;
    expect(roomA.name).toContain("checkout");
    expect(roomB.name).toContain("login");
    expect(fake.channels.some((c) => c.name.includes("login"))).toBe(false);
    expect(other.channels.some((c) => c.name.includes("checkout"))).toBe(false);
    // Each workspace's bot posted with its own token.
    expect(fake.calls.filter((c) => c.method === "conversations.create").every((c) => c.ok)).toBe(true);
    expect(other.calls.some((c) => c.method === "conversations.create" && c.ok)).toBe(true);
    const rows = await h.database.db.select().from(incidents);
    expect(rows.map((r) => `${r.teamId}#${r.number}`).sort()).toEqual([`${fake.teamId}#1`, `${other.teamId}#1`].sort());
    // /metrics counts the deployment's open incidents across its workspaces.
    const metrics = await (await fetch(`${botUrl}/metrics`)).text();
    expect(metrics).toMatch(/^warroom_incidents_open\{severity="sev1"\} 2$/m);
  });

  it("app_uninstalled removes the tokens and holds that workspace's deliveries only; its incidents stay", async () => {
    const { h, fake, other, second, botUrl } = await twoWorkspaces();
    await install(botUrl, fake.teamId);
    await install(botUrl, other.teamId);
    await declareThroughSlack(second, { title: "Login broken" });
    await h.bot.outbox.waitUntilIdle();
    expect(other.channels.find((c) => c.name.startsWith("inc-1-"))).toBeDefined();

    other.uninstall();
    await second.driver.sendEvent({ type: "app_uninstalled" });
    await h.bot.requestsIdle();
    const [row] = await h.database.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, other.teamId));
    expect(row?.revokedAt).not.toBeNull();
    expect(row?.botTokenEncrypted).toBeNull();

    // The first workspace goes on as before.
    await declareThroughSlack(h, { title: "Checkout down" });
    // (The outbox is never idle now: the second workspace's deliveries are held.)
    await waitFor(() => fake.channels.find((c) => c.name.startsWith("inc-1-")), 30_000);
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
    }, 20_000);
    expect(held.filter((i) => i.status === "failed")).toEqual([]);

    // Its scheduled jobs (nudges, reminders) come due: what they ask for is held too, nothing reaches its Slack.
    await h.database.db.update(scheduledJobs).set({ dueAt: new Date(Date.now() - 1000) }).where(and(eq(scheduledJobs.teamId, other.teamId), eq(scheduledJobs.status, "pending")));
    expect((await h.bot.scheduler.sweep()).handled).toBeGreaterThan(0);
    await h.bot.outbox.deliverDue();
    await h.bot.outbox.deliverDue();
    const after = await h.database.db.select().from(outboxItems).where(eq(outboxItems.teamId, other.teamId));
    expect(after.filter((i) => i.status === "failed")).toEqual([]);
    expect(other.calls.length).toBe(before);
  });

  it("refreshes a rotating token before it expires and keeps delivering with the new one", async () => {
    const { h, fake, botUrl } = await twoWorkspaces({ tokenRotation: true });
    await install(botUrl, fake.teamId);
    const first = fake.issuedTokens[0]!;
    expect(first).toMatch(/^xoxe\.xoxb-/);
    // Eleven of its twelve hours have gone by: less than two are left, so the next call refreshes it first.
    await h.database.db.update(slackInstallations).set({ expiresAt: new Date(Date.now() + 60 * 60_000) }).where(eq(slackInstallations.teamId, fake.teamId));
    await declareThroughSlack(h, { title: "Checkout down" });
    await h.bot.outbox.waitUntilIdle();
    expect(fake.channels.find((c) => c.name.startsWith("inc-1-"))).toBeDefined();
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
