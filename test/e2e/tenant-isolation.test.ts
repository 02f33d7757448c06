// Two workspaces installed side by side (OAuth mode): nothing one of them does (commands, buttons, forms, events,
// REST API calls), not even with the other's ids forged into button values, private_metadata, channel ids and API
// paths, reads or changes the other's incidents, timelines, numbers, postmortems or schedules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne, sql } from "drizzle-orm";
import { createApiToken } from "../../src/access/api-tokens.js";
import { actionItems, incidents, oncallSchedules, outboxItems, postmortems, scheduledJobs, timelineEntries, workspaces, type Incident } from "../../src/db/schema.js";
import type { TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { install, startOAuthBot, type TwoWorkspaces } from "../support/oauth.js";
import { clickOnCard, declaredIncident, modalOpenedBy, reload } from "../support/war-room.js";
import { addSourceThroughSlack, alertsSettled, fixture, postAlerts } from "../support/alerts.js";

let env: TwoWorkspaces;
let a: TestBot;
let b: TestBot;
let checkout: Incident;
let payments: Incident;
let login: Incident;
/** Words only the first workspace's incidents contain: the second must never see them. */
const secrets = ["Zanzibar outage", "zanzibar-outage", "Quokka latency", "quokka-latency"];

beforeAll(async () => {
  env = await startOAuthBot({}, { INCIDENT_ADMINS: "U_ALICE" });
  await install(env.botUrl, env.fake.teamId);
  await install(env.botUrl, env.other.teamId);
  a = env.h;
  b = env.second;
  checkout = await declaredIncident(a, { title: "Zanzibar outage" });
  payments = await declaredIncident(a, { title: "Quokka latency" });
  login = await declaredIncident(b, { title: "Login broken" });
}, 60_000);
afterAll(async () => {
  await env?.close();
});

/** Everything the first workspace has, as it is now. */
async function firstWorkspace() {
  const team = a.fake.teamId;
  const db = a.database.db;
  return JSON.stringify({
    workspace: await db.select().from(workspaces).where(eq(workspaces.teamId, team)),
    incidents: await db.select().from(incidents).where(eq(incidents.teamId, team)).orderBy(incidents.id),
    timeline: await db.select().from(timelineEntries).where(eq(timelineEntries.teamId, team)).orderBy(timelineEntries.id),
    postmortems: await db.select().from(postmortems).where(eq(postmortems.teamId, team)),
    actionItems: await db.select().from(actionItems).where(eq(actionItems.teamId, team)),
    schedules: await db.select().from(oncallSchedules).where(eq(oncallSchedules.teamId, team)),
    jobs: await db.select().from(scheduledJobs).where(eq(scheduledJobs.teamId, team)).orderBy(scheduledJobs.id),
  });
}

/** Everything the second workspace's people could read that the bot sent them. */
function seenBySecond(): string {
  return JSON.stringify(b.fake.everythingTheBotSaid());
}

/** A click on a button the bot never showed (block_actions made up by hand), with any value. */
async function forgedClick(actionId: string, value: string, channelId = login.channelId!) {
  return b.driver.interaction({
    type: "block_actions",
    user: { id: "U_ALICE", username: "alice", name: "alice", team_id: b.fake.teamId },
    api_app_id: b.fake.workspace.bot.appId,
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: login.summaryTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: b.fake.issueTriggerId("U_ALICE"),
    team: { id: b.fake.teamId, domain: "second-shop" },
    channel: { id: channelId, name: "forged" },
    response_url: b.fake.issueResponseUrl({ userId: "U_ALICE", channelId: login.channelId! }),
    actions: [{ type: "button", action_id: actionId, block_id: "forged", value, action_ts: String(Date.now() / 1000), text: { type: "plain_text", text: "x" } }],
  });
}

describe("two workspaces side by side", () => {
  it("numbers incidents per workspace", async () => {
    expect([checkout.number, payments.number, login.number]).toEqual([1, 2, 1]);
    expect(checkout.teamId).toBe(a.fake.teamId);
    expect(login.teamId).toBe(b.fake.teamId);
    expect(b.fake.channel(login.channelId!)).toBeDefined();
    expect(a.fake.channel(login.channelId!)).toBeUndefined();
  });

  it("commands in one workspace never reach the other's incidents, even naming their numbers or war rooms", async () => {
    await a.bot.outbox.waitUntilIdle();
    const before = await firstWorkspace();
    const callsToFirst = a.fake.calls.length;
    const general = b.fake.channelByName("general")!.id;
    const answers: string[] = [];
    const run = async (channelId: string, text: string) => {
      const answer = await b.driver.slashCommand({ userId: "U_ALICE", channelId, text });
      await waitFor(() => answer.status === 200);
      answers.push(JSON.stringify(answer.body ?? ""));
      await b.bot.requestsIdle();
    };
    for (const text of ["list", "list all", "status #2", "timeline #2", "note #2 forged note", "resolve #2", "severity #2 sev4", "ack #2", "close #2", "reopen #2", "role #2 commander <@U_BOB>", "postmortem #2", "search zanzibar", "search quokka latency", "oncall", "metrics", "comms #2", "task #2 add forged"]) {
      await run(general, text);
    }
    // The first workspace's war room id, sent as the channel of a command in the second workspace.
    for (const text of ["note forged note", "resolve", "status", "timeline", "ack"]) await run(checkout.channelId!, text);
    await a.bot.outbox.waitUntilIdle();

    expect(await firstWorkspace()).toBe(before);
    expect(a.fake.calls.length).toBe(callsToFirst);
    const seen = answers.join("\n") + seenBySecond();
    for (const word of secrets) expect(seen).not.toContain(word);
    expect(seen).toContain("There is no incident #2");
  });

  it("buttons with the other workspace's incident ids forged into their values change nothing there", async () => {
    const before = await firstWorkspace();
    const callsToFirst = a.fake.calls.length;
    for (const target of [checkout, payments]) {
      for (const actionId of ["incident_acknowledge", "incident_update_status", "incident_assign_roles", "incident_post_update", "incident_resolve"]) {
        await b.driver.clickButton({ userId: "U_ALICE", channelId: login.channelId!, messageTs: login.summaryTs!, actionId, value: String(target.id) });
        await b.bot.requestsIdle();
      }
      for (const actionId of ["nudge_claim_comms_lead", "nudge_claim_scribe", "nudge_escalate", "nudge_snooze_unclaimed_roles", "nudge_snooze_no_progress", "comms_internal", "comms_executive", "comms_customer", "postmortem_start"]) {
        await forgedClick(actionId, String(target.id));
        await b.bot.requestsIdle();
      }
    }
    await a.bot.outbox.waitUntilIdle();
    expect(await firstWorkspace()).toBe(before);
    expect(a.fake.calls.length).toBe(callsToFirst);
    expect(b.fake.views.filter((v) => secrets.some((s) => JSON.stringify(v.view).includes(s)))).toEqual([]);
    for (const word of secrets) expect(seenBySecond()).not.toContain(word);
    // The second workspace's own incident was not acknowledged by any of it either (the values named no incident of its).
    expect((await reload(b, login)).acknowledgedAt).toBeNull();
    // The same forged click naming its own workspace's incident does act: the refusals above were about the ids.
    await forgedClick("incident_acknowledge", String(login.id));
    await b.bot.requestsIdle();
    expect((await reload(b, login)).acknowledgedBy).toBe("U_ALICE");
  });

  it("forms whose private_metadata names the other workspace's incident change nothing there", async () => {
    const before = await firstWorkspace();
    const forms: Array<[string, Record<string, string>]> = [
      ["incident_update_status", { status: "monitoring", message: "forged status" }],
      ["incident_post_update", { impact: "forged impact", current_action: "forged action" }],
      ["incident_assign_roles", { tech_lead: "U_BOB" }],
      ["incident_resolve", { summary: "forged summary" }],
    ];
    for (const [actionId, values] of forms) {
      const click = await clickOnCard(b, login, "U_ALICE", actionId);
      const view = await modalOpenedBy(b, click.triggerId);
      // What a person could send with a doctored client: the other workspace's incident in the form's metadata.
      b.fake.view(view.id)!.view.private_metadata = JSON.stringify({ incidentId: checkout.id });
      await b.driver.submitView({ viewId: view.id, userId: "U_ALICE", values }).catch(() => undefined);
      await b.bot.requestsIdle();
    }
    await a.bot.outbox.waitUntilIdle();
    expect(await firstWorkspace()).toBe(before);
    for (const word of secrets) expect(seenBySecond()).not.toContain(word);
    // The status form with its own incident in the metadata does change it.
    const click = await clickOnCard(b, login, "U_ALICE", "incident_update_status");
    const view = await modalOpenedBy(b, click.triggerId);
    await b.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { status: "monitoring", message: "own status" } });
    await b.bot.requestsIdle();
    expect((await reload(b, login)).status).toBe("monitoring");
  });

  it("an event from one workspace about the other's war room changes nothing there", async () => {
    const before = await firstWorkspace();
    // A :pushpin: in the first workspace's war room, on its card, reported with the second workspace's team.
    await b.driver.sendEvent({ type: "reaction_added", user: "U_ALICE", reaction: "pushpin", item: { type: "message", channel: checkout.channelId, ts: checkout.summaryTs }, item_user: "UBOT", event_ts: String(Date.now() / 1000) });
    await b.driver.sendEvent({ type: "app_home_opened", user: "U_ALICE", channel: "D0000001", tab: "home" });
    await b.bot.requestsIdle();
    await a.bot.outbox.waitUntilIdle();
    expect(await firstWorkspace()).toBe(before);
    await waitFor(() => b.fake.homeOf("U_ALICE"), 20_000);
    const home = JSON.stringify(b.fake.homeOf("U_ALICE")!.view);
    expect(home).toContain("Login broken");
    for (const word of secrets) expect(home).not.toContain(word);
  });

  it("a REST API token of one workspace never reads or changes the other's incidents by their paths", async () => {
    const before = await firstWorkspace();
    const made = await createApiToken(b.database.db, { now: () => new Date() } as never, { teamId: b.fake.teamId, name: "ci", userId: "U_ALICE", admins: new Set(["U_ALICE"]) });
    if (!made.ok) throw new Error("no token");
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${env.botUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${made.token}`, "content-type": "application/json", "idempotency-key": `k-${Math.random()}`, ...init.headers } });
    const list = await (await api("/incidents")).text();
    expect(list).toContain("Login broken");
    for (const word of secrets) expect(list).not.toContain(word);
    expect((await api("/incidents/2")).status).toBe(404);
    const one = await (await api("/incidents/1")).text();
    expect(one).toContain("Login broken");
    expect((await api("/incidents/2/acknowledge", { method: "POST", body: "{}" })).status).toBe(404);
    expect((await api("/incidents/2/updates", { method: "POST", body: JSON.stringify({ impact: "forged impact", currentAction: "forged action" }) })).status).toBe(404);
    expect((await api("/incidents/2/resolve", { method: "POST", body: JSON.stringify({ summary: "forged" }) })).status).toBe(404);
    await a.bot.outbox.waitUntilIdle();
    expect(await firstWorkspace()).toBe(before);
  });

  it("an alert source's token opens incidents only in its own workspace", async () => {
    const before = await firstWorkspace();
    const callsToFirst = a.fake.calls.length;
    const { token } = await addSourceThroughSlack(b, "U_ALICE", { name: "Prometheus" });
    const posted = await postAlerts(b, "alertmanager", fixture("alertmanager-firing"), token);
    expect(posted.status).toBeLessThan(300);
    await alertsSettled(b);
    const opened = await b.database.db.select().from(incidents).where(and(eq(incidents.teamId, b.fake.teamId), ne(incidents.id, login.id)));
    expect(opened.length).toBeGreaterThan(0);
    // The war room of the alert's incident is in the second workspace's Slack, numbered after its own incidents.
    expect(opened.map((i) => i.number)).toContain(2);
    expect(b.fake.channel(opened[0]!.channelId!)).toBeDefined();
    expect(await firstWorkspace()).toBe(before);
    expect(a.fake.calls.length).toBe(callsToFirst);
    // A made-up token is nobody's source, in either workspace.
    expect((await postAlerts(b, "alertmanager", fixture("alertmanager-firing"), "wra_madeup")).status).toBe(401);
  });

  it("scheduled jobs of each workspace act in that workspace only", async () => {
    const db = a.database.db;
    // Everything planned (nudges, reminders, escalations, the weekly report) comes due now, for both workspaces.
    const planned = await db.select().from(scheduledJobs).where(eq(scheduledJobs.status, "pending"));
    expect(new Set(planned.map((j) => j.teamId))).toEqual(new Set([a.fake.teamId, b.fake.teamId]));
    // Each installed workspace has its own weekly report planned.
    expect(planned.filter((j) => j.kind === "metrics.weekly_report").map((j) => j.teamId).sort()).toEqual([a.fake.teamId, b.fake.teamId].sort());
    await db.update(scheduledJobs).set({ dueAt: new Date(Date.now() - 1000) }).where(eq(scheduledJobs.status, "pending"));
    const secondSawBefore = seenBySecond();
    await a.bot.scheduler.sweep();
    await a.bot.outbox.waitUntilIdle();
    const handled = await db.select().from(scheduledJobs).where(ne(scheduledJobs.status, "pending"));
    expect(handled.length).toBeGreaterThan(0);
    for (const word of secrets) expect(seenBySecond()).not.toContain(word);
    expect(seenBySecond().length).toBeGreaterThanOrEqual(secondSawBefore.length);
    // Nothing about the second workspace's incidents reached the first workspace's Slack.
    expect(JSON.stringify(a.fake.everythingTheBotSaid())).not.toContain("Login broken");
  });

  it("every row that belongs to an incident belongs to that incident's workspace", async () => {
    const db = a.database.db;
    for (const table of [timelineEntries, outboxItems, scheduledJobs, postmortems, actionItems]) {
      const crossed = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .innerJoin(incidents, eq(incidents.id, table.incidentId))
        .where(and(ne(incidents.teamId, table.teamId)));
      expect(crossed[0]!.n).toBe(0);
    }
    // Each workspace's Slack only ever got calls made with its own tokens (the fake tells them apart by token).
    expect(b.fake.channels.some((c) => secrets.some((s) => c.name.includes(s.toLowerCase())))).toBe(false);
  });
});
