// Outgoing webhooks end to end: what people do in the fake Slack, through the real receiver, reaches a webhook
// receiver (written as README says) as signed JSON, once per fact, in order, whatever the receiver answers.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incidents } from "../../src/db/schema.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack, eventually, waitFor } from "../support/declare.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";
import { acknowledgeOnCard, botLinesIn, declaredIncident, reload, say, submitForm } from "../support/war-room.js";

const secret = randomBytes(24).toString("hex");
let h: TestBot;
let receiver: WebhookReceiver;
let second: WebhookReceiver;
let refusing: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver(secret);
  second = await startWebhookReceiver(secret, "/other");
  refusing = await startWebhookReceiver(secret, "/gone");
  h = await startTestBot(
    { WEBHOOK_URLS: `${receiver.url}, ${second.url},${refusing.url}`, WEBHOOK_SECRET: secret },
    { outsideTiming: { timeoutMs: 1000 }, outboxMaxBackoffMs: 40 },
  );
});
afterAll(async () => {
  await h.close();
  await Promise.all([receiver.close(), second.close(), refusing.close()]);
});

/** What one receiver kept about one incident, event names in order. */
const eventsOf = (r: WebhookReceiver, number: number) => r.events.filter((e) => (e.body.incident as { number: number }).number === number);
const namesOf = (r: WebhookReceiver, number: number) => eventsOf(r, number).map((e) => e.event);

describe("outgoing webhooks", () => {
  it("tells every fact of an incident's life once, signed, in order, with the incident as it is when sent", async () => {
    const incident = await declaredIncident(h, { title: "Checkout is down", severity: "sev2", services: "checkout", description: "5xx on /pay" });
    await acknowledgeOnCard(h, incident, "U_BOB");
    await say(h, "U_ALICE", incident.channelId!, "status identified Bad config push");
    await say(h, "U_ALICE", incident.channelId!, "sev 1 Spreading to the US");
    await submitForm(h, incident, "U_ALICE", "incident_post_update", { impact: "EU checkout fails", current_action: "Rolling back", next_update: "14:30" });
    await say(h, "U_ALICE", incident.channelId!, "note Not told outside: notes stay in Slack");
    await say(h, "U_ALICE", incident.channelId!, "resolve Rolled back deploy 4512");
    await say(h, "U_ALICE", incident.channelId!, "close");
    await say(h, "U_ALICE", incident.channelId!, "reopen The errors are back");
    await h.bot.outbox.waitUntilIdle();

    const expected = [
      "incident.declared",
      "incident.acknowledged",
      "incident.status_changed",
      "incident.severity_changed",
      "incident.update_posted",
      "incident.resolved",
      "incident.closed",
      "incident.reopened",
    ];
    expect(namesOf(receiver, incident.number)).toEqual(expected);
    expect(namesOf(second, incident.number)).toEqual(expected);
    expect(receiver.refused).toEqual([]);
    // Nothing repeated: every request was a new delivery.
    expect(receiver.arrivals.filter((a) => (a.body.incident as { number: number }).number === incident.number)).toHaveLength(expected.length);

    const [declared, acknowledged, status, severity, update, resolved] = eventsOf(receiver, incident.number);
    expect(declared!.body).toMatchObject({
      version: 1,
      id: declared!.id,
      event: "incident.declared",
      team_id: h.fake.teamId,
      actor: { type: "user", slack_user_id: "U_ALICE" },
      data: { title: "Checkout is down", severity: "sev2", commander: "U_ALICE", services: ["checkout"] },
      incident: { number: incident.number, title: "Checkout is down", description: "5xx on /pay", services: ["checkout"], commander: "U_ALICE", declared_by: "U_ALICE" },
    });
    expect(declared!.headers["content-type"]).toBe("application/json");
    expect(declared!.id).toMatch(/^whd_[0-9a-f]{32}$/);
    expect(acknowledged!.body).toMatchObject({ actor: { slack_user_id: "U_BOB" }, data: { after_ms: expect.any(Number) }, incident: { acknowledged_by: "U_BOB" } });
    expect(status!.body.data).toEqual({ from: "investigating", to: "identified", message: "Bad config push" });
    expect(severity!.body.data).toEqual({ from: "sev2", to: "sev1", reason: "Spreading to the US" });
    expect(update!.body.data).toEqual({ impact: "EU checkout fails", current_action: "Rolling back", next_update: "14:30", shared: false });
    expect(resolved!.body.data).toMatchObject({ from: "identified", summary: "Rolled back deploy 4512", root_cause: null, time_to_resolve_ms: expect.any(Number) });
    // Rendered when sent: the incident is shown as it was then, not as it was when the fact happened.
    const current = await reload(h, incident);
    const reopened = eventsOf(receiver, incident.number).at(-1)!;
    expect(reopened.body).toMatchObject({
      data: { from: "closed", reason: "The errors are back" },
      incident: { status: "investigating", severity: "sev1", resolved_at: null, closed_at: null, resolution_summary: "Rolled back deploy 4512" },
    });
    expect(current.status).toBe("investigating");
    // One id per delivery: each endpoint has its own, so receivers can deduplicate without colliding.
    const ids = [...eventsOf(receiver, incident.number), ...eventsOf(second, incident.number)].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("tells the receiver of a published postmortem, with its Markdown", async () => {
    const incident = await declaredIncident(h, { title: "Cache TTL zero", severity: "sev3" });
    await say(h, "U_ALICE", incident.channelId!, "resolve Fixed the TTL");
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem")).toBe("");
    const view = await waitFor(() => h.fake.views.find((v) => v.user === "U_ALICE" && !v.closed && v.callback_id === "postmortem_summary"));
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { summary: "The cache TTL went to zero." } });
    expect(await say(h, "U_ALICE", incident.channelId!, "postmortem publish")).toContain("Published");
    const published = eventsOf(receiver, incident.number).at(-1)!;
    expect(published.event).toBe("postmortem.published");
    expect(published.body).toMatchObject({ postmortem: { status: "published", published_by: "U_ALICE", summary: "The cache TTL went to zero." } });
    expect((published.body.postmortem as { markdown: string }).markdown).toContain(`# Postmortem: #${incident.number} Cache TTL zero`);
  });

  it("delivers each fact exactly once while the receiver fails, rate-limits and loses its answers", async () => {
    const before = receiver.arrivals.length;
    receiver.failNext(1, 503);
    receiver.failNext(1, 429, "0");
    receiver.loseNextAnswers(2);
    receiver.failNext(1, 500);
    const incident = await declaredIncident(h, { title: "Flaky receiver" });
    await say(h, "U_ALICE", incident.channelId!, "ack");
    await say(h, "U_ALICE", incident.channelId!, "resolve Fixed");
    await h.bot.outbox.waitUntilIdle();

    expect(namesOf(receiver, incident.number)).toEqual(["incident.declared", "incident.acknowledged", "incident.resolved"]);
    // The receiver saw repeats (retries of answers it lost or failed), always with the same delivery id and a fresh signature.
    const arrivals = receiver.arrivals.slice(before).filter((a) => (a.body.incident as { number: number }).number === incident.number);
    expect(arrivals.length).toBeGreaterThan(3);
    expect(new Set(arrivals.map((a) => a.id)).size).toBe(3);
    expect(receiver.refused).toEqual([]);
    expect(botLinesIn(h, incident.channelId!).map((m) => m.text).join("\n")).not.toContain("could not send a webhook");
  });

  it("lets a receiver that hangs hold up neither Slack nor the other receiver, and catches it up in order", async () => {
    const hanging = second.hold();
    const { view } = await declareThroughSlack(h, { title: "Second receiver hangs" });
    const incident = await eventually(async () => {
      const [row] = await h.database.db.select().from(incidents).where(eq(incidents.declareKey, `view:${view.id}`));
      return row?.summaryTs ? row : undefined;
    });
    await h.driver.slashCommand({ userId: "U_BOB", channelId: incident.channelId!, text: "ack" });
    await eventually(async () => namesOf(receiver, incident.number).length === 2);
    await eventually(async () => (await reload(h, incident)).acknowledgedAt !== null && h.fake.pinsIn(incident.channelId!).length === 1);
    expect(namesOf(second, incident.number)).toEqual([]);
    hanging.release();
    await h.bot.outbox.waitUntilIdle();
    expect(namesOf(second, incident.number)).toEqual(["incident.declared", "incident.acknowledged"]);
  });

  it("gives up on a receiver that refuses (4xx) and tells the commander and the war room", async () => {
    refusing.failNext(1, 404);
    const incident = await declaredIncident(h, { title: "Wrong webhook URL", commander: "U_BOB" });
    await h.bot.outbox.waitUntilIdle();
    const host = new URL(refusing.url).host;
    const line = botLinesIn(h, incident.channelId!).map((m) => m.text).find((text) => text.includes("send a webhook"));
    expect(line).toContain(`I could not send a webhook for incident #${incident.number}: the receiver answered \`the webhook receiver ${host} answered 404\``);
    expect(h.fake.dmsTo("U_BOB").map((m) => m.text)).toContain(`A webhook failed for incident #${incident.number}`);
    // Refused once, never retried (a 404 will not heal); the other receivers were not held up.
    expect(refusing.arrivals.filter((a) => (a.body.incident as { number: number }).number === incident.number)).toHaveLength(1);
    expect(namesOf(receiver, incident.number)).toEqual(["incident.declared"]);
  });
});
