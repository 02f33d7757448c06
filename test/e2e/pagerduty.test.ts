// PagerDuty end to end: incidents declared, acknowledged and resolved in the fake Slack through the real receiver move
// one alert in the fake PagerDuty, once per action, whatever PagerDuty answers (429, 5xx, answers lost).
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { incidents } from "../../src/db/schema.js";
import { startFakePagerDuty, type FakeAlert, type FakePagerDuty } from "../../src/fake-pagerduty/server.js";
import { dedupKeyOf } from "../../src/pagerduty/events.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack, eventually } from "../support/declare.js";
import { acknowledgeOnCard, botLinesIn, command, declaredIncident, modalOpenedBy, say } from "../support/war-room.js";

// A PagerDuty account per describe: incident numbers (and so dedup keys) start again with each bot's database.
let pd: FakePagerDuty;
let globalKey: string;
async function freshPagerDuty() {
  pd = await startFakePagerDuty();
  globalKey = pd.addIntegration();
}

afterEach(() => {
  pd.faults.clear();
});

const bot = (env: Record<string, string>) =>
  startTestBot({ PAGERDUTY_EVENTS_URL: pd.url, ...env }, { outsideTiming: { timeoutMs: 2000, pagerDutyRateLimitedWaitMs: 20 }, outboxMaxBackoffMs: 40 });

/** What moved the alert: its log without the repeats PagerDuty de-duplicated. */
const changes = (alert: FakeAlert) => alert.log.filter((e) => !e.deduplicated).map((e) => e.action);
const alertOf = (t: TestBot, number: number) => pd.alertsFor(dedupKeyOf({ teamId: t.fake.teamId, number }));
const general = (t: TestBot) => t.fake.channelByName("general")!.id;

describe("PagerDuty follows the incident", () => {
  let t: TestBot;
  beforeAll(async () => {
    await freshPagerDuty();
    t = await bot({ PAGERDUTY_ROUTING_KEY: globalKey });
  });
  afterAll(async () => {
    await t.close();
    await pd.close();
  });

  it("triggers on declare, acknowledges on Acknowledge and resolves on resolve: one alert, each action once", async () => {
    const incident = await declaredIncident(t, { title: "Checkout is down", severity: "sev1", services: "checkout, payments" });
    const [alert] = alertOf(t, incident.number);
    expect(alert).toMatchObject({
      routingKey: globalKey,
      status: "triggered",
      summary: `[SEV1] #${incident.number} Checkout is down`,
      severity: "critical",
      source: "checkout, payments",
    });
    // People go from PagerDuty to the war room.
    expect(alert!.links).toEqual([{ href: `https://slack.com/app_redirect?team=${t.fake.teamId}&channel=${incident.channelId}`, text: `War room #${incident.channelName}` }]);

    await acknowledgeOnCard(t, incident, "U_BOB");
    expect(alertOf(t, incident.number)[0]!.status).toBe("acknowledged");

    await say(t, "U_ALICE", incident.channelId!, "resolve Rolled back");
    expect(alertOf(t, incident.number)).toHaveLength(1);
    expect(changes(alertOf(t, incident.number)[0]!)).toEqual(["trigger", "acknowledge", "resolve"]);
    expect(alertOf(t, incident.number)[0]!.log.every((e) => !e.deduplicated)).toBe(true);
  });

  it("moves the alert exactly once per action while PagerDuty rate-limits, fails and loses answers", async () => {
    const seen = pd.received.length;
    pd.faults.failNext("enqueue", { status: 429 });
    pd.faults.failNext("enqueue", { status: 500 });
    pd.loseNextAnswers(1); // the trigger lands, its answer does not
    const incident = await declaredIncident(t, { title: "Flaky pager", severity: "sev2" });
    await eventually(async () => alertOf(t, incident.number)[0]);

    pd.faults.failNext("enqueue", { status: 503, afterApply: true }); // the acknowledge lands, then a 503
    await say(t, "U_ALICE", incident.channelId!, "ack");
    pd.loseNextAnswers(1);
    pd.faults.failNext("enqueue", { status: 502 });
    await say(t, "U_ALICE", incident.channelId!, "resolve Replaced the disk");
    await t.bot.outbox.waitUntilIdle();

    const alerts = alertOf(t, incident.number);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.status).toBe("resolved");
    expect(changes(alerts[0]!)).toEqual(["trigger", "acknowledge", "resolve"]);
    // Every repeat was a retry of an event whose answer was lost or refused, never a second action.
    const sent = pd.received.slice(seen).map((r) => `${(r.body as { event_action: string }).event_action} ${r.status}`);
    expect(sent).toEqual(["trigger 429", "trigger 500", "trigger 0", "trigger 202", "acknowledge 503", "acknowledge 202", "resolve 502", "resolve 0", "resolve 202"]);
    // Nobody was told of a failure: every delivery got through.
    expect(botLinesIn(t, incident.channelId!).map((m) => m.text).join("\n")).not.toContain("could not tell PagerDuty");
  });

  it("counts a status change as the acknowledgement, as the incident does", async () => {
    const incident = await declaredIncident(t, { title: "Straight to identified", severity: "sev3" });
    await say(t, "U_ALICE", incident.channelId!, "status identified Bad config");
    await say(t, "U_ALICE", incident.channelId!, "status monitoring Fix rolled out");
    const [alert] = alertOf(t, incident.number);
    expect(alert!.severity).toBe("warning");
    expect(changes(alert!)).toEqual(["trigger", "acknowledge"]);
  });

  it("triggers a new alert under the same key when a resolved incident is reopened, acknowledged as the incident is", async () => {
    const incident = await declaredIncident(t, { title: "Comes back", severity: "sev2" });
    await say(t, "U_ALICE", incident.channelId!, "ack");
    await say(t, "U_ALICE", incident.channelId!, "resolve Restarted");
    await say(t, "U_ALICE", incident.channelId!, "reopen The errors are back");
    await say(t, "U_ALICE", incident.channelId!, "close");
    const alerts = alertOf(t, incident.number);
    expect(alerts.map((a) => a.status)).toEqual(["resolved", "acknowledged"]);
    expect(alerts.map(changes)).toEqual([["trigger", "acknowledge", "resolve"], ["trigger", "acknowledge"]]);
    await say(t, "U_ALICE", incident.channelId!, "resolve Really fixed");
    expect(alertOf(t, incident.number).map((a) => a.status)).toEqual(["resolved", "resolved"]);
  });

  it("keeps setting up the war room while PagerDuty is down, and pages once it is back", async () => {
    pd.faults.set({ serverError: { ratio: 1, status: 503 } });
    const refusedBefore = pd.received.filter((r) => r.status === 503).length;
    const { view } = await declareThroughSlack(t, { title: "Pager outage", severity: "sev1" });
    const incident = await eventually(async () => {
      const [row] = await t.database.db.select().from(incidents).where(eq(incidents.declareKey, `view:${view.id}`));
      return row?.announcementTs && row.summaryTs ? row : undefined;
    });
    // The card is pinned and the incident announced while PagerDuty answers nothing but 503s.
    expect(t.fake.pinsIn(incident.channelId!)).toHaveLength(1);
    // The page waits a moment for the war room's channel, so its first (refused) try may come after the card.
    await eventually(async () => pd.received.filter((r) => r.status === 503).length > refusedBefore, 10_000);
    expect(alertOf(t, incident.number)).toEqual([]);
    pd.faults.clear();
    await eventually(async () => alertOf(t, incident.number)[0], 10_000);
    await t.bot.outbox.waitUntilIdle();
    expect(changes(alertOf(t, incident.number)[0]!)).toEqual(["trigger"]);
  });

});

describe("a PagerDuty service per escalation policy", () => {
  let t: TestBot;
  beforeAll(async () => {
    await freshPagerDuty();
    t = await bot({});
  });
  afterAll(async () => {
    await t.close();
    await pd.close();
  });

  /** Opens the policy form (a new one, or the named policy's) and submits it, as a person would. */
  async function savePolicy(t: TestBot, values: Record<string, string | string[]>, edit = false) {
    const opened = await t.driver.slashCommand({ userId: "U_ALICE", channelId: general(t), text: edit ? `escalation policy ${String(values.name)}` : "escalation policy" });
    const form = await modalOpenedBy(t, opened.triggerId);
    return { form, answer: await t.driver.submitView({ viewId: form.id, userId: "U_ALICE", values }) };
  }

  it("pages the policy's own PagerDuty service for its services, and nothing else without PAGERDUTY_ROUTING_KEY", async () => {
    const paymentsKey = pd.addIntegration();
    const bad = await savePolicy(t, { name: "Payments", services: "payments", repeat: "0", pagerduty: "not-a-key" });
    expect(bad.answer.body.errors.pagerduty).toMatch(/32-character Integration Key/);
    // PagerDuty alone is enough for a policy: no Slack level needed.
    const saved = await savePolicy(t, { name: "Payments", services: "payments", repeat: "0", pagerduty: paymentsKey });
    expect(saved.answer.body).toBe("");

    const seen = pd.received.length;
    const other = await declaredIncident(t, { title: "Search is slow", services: "search" });
    await say(t, "U_ALICE", other.channelId!, "resolve Fine");
    expect(pd.received.length).toBe(seen);

    const payments = await declaredIncident(t, { title: "Card payments fail", services: "payments" });
    expect(alertOf(t, payments.number).map((a) => [a.routingKey, a.status])).toEqual([[paymentsKey, "triggered"]]);

    // The form never shows the saved key back, only its end; leaving the field empty keeps it.
    const { form } = await savePolicy(t, { name: "Payments", services: "payments, billing", repeat: "0" }, true);
    expect(JSON.stringify(form.view)).not.toContain(paymentsKey);
    expect(JSON.stringify(form.view)).toContain(`…${paymentsKey.slice(-4)}`);
    const overview = JSON.stringify((await command(t, "U_ALICE", general(t), "oncall")).body);
    expect(overview).toContain("*Payments* (services: payments, billing): PagerDuty");
    const billing = await declaredIncident(t, { title: "Invoices stuck", services: "billing" });
    expect(alertOf(t, billing.number).map((a) => a.routingKey)).toEqual([paymentsKey]);

    // The alert's follow-ups go to the service its trigger went to, even once the policy's key is removed.
    await savePolicy(t, { name: "Payments", services: "payments, billing", repeat: "0", pagerduty: "none", level_1_users: ["U_BOB"] }, true);
    await say(t, "U_ALICE", payments.channelId!, "resolve Fixed");
    expect(alertOf(t, payments.number).map((a) => [a.routingKey, a.status])).toEqual([[paymentsKey, "resolved"]]);
  });

  it("gives up on an event PagerDuty refuses (400) and tells the commander and the war room, without the key", async () => {
    // Well formed, but no integration of this PagerDuty account has it.
    const unknownKey = "0123456789abcdef0123456789abcdef";
    await savePolicy(t, { name: "Ledger", services: "ledger", repeat: "0", pagerduty: unknownKey });
    const incident = await declaredIncident(t, { title: "Misconfigured pager", severity: "sev1", services: "ledger", commander: "U_BOB" });
    await t.bot.outbox.waitUntilIdle();
    const line = botLinesIn(t, incident.channelId!).map((m) => m.text).find((text) => text.includes("tell PagerDuty"));
    expect(line).toContain(`I could not tell PagerDuty for incident #${incident.number}: PagerDuty answered`);
    expect(line).toContain("400 invalid event: Event object is invalid — Invalid routing key");
    expect(JSON.stringify(t.fake.dmsTo("U_BOB").map((m) => m.blocks))).toContain(`I could not tell PagerDuty for incident #${incident.number}`);
    expect(JSON.stringify(t.fake.everythingTheBotSaid())).not.toContain(unknownKey);
    const sentWith = () => pd.received.filter((r) => (r.body as { routing_key?: string }).routing_key === unknownKey);
    // Refused once: a 400 is never retried.
    expect(sentWith()).toHaveLength(1);
    // Acknowledging later sends nothing: PagerDuty never opened an alert.
    await say(t, "U_ALICE", incident.channelId!, "ack");
    expect(sentWith()).toHaveLength(1);
  });
});
