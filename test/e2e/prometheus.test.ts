// The operator's view, end to end: Prometheus scrapes GET /metrics on the real receiver, reads it with a Prometheus
// text parser, and sees the counters move as people declare, acknowledge and resolve through the fake Slack, as the
// REST API and alert senders act, and as Slack rate-limits or fails; METRICS_TOKEN keeps other scrapers out.
import { readFileSync } from "node:fs";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alertsSettled, postAlerts } from "../support/alerts.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { eventually, openDeclareModal, submitDeclare } from "../support/declare.js";
import { acknowledgeOnCard, declaredIncident, reload } from "../support/war-room.js";
import { MINUTE } from "../support/clock.js";
import { ManualClock } from "../../src/clock.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const ALERTS_TOKEN = "alerts-token-0123456789abcdef0123";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot({ METRICS_TOKEN, ALERTS_TOKEN, INCIDENT_ADMINS: "U_ALICE" });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.fake.faults.clear());

interface Scrape {
  status: number;
  contentType: string;
  text: string;
}

async function scrape(authorization?: string): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${h.bot.port}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

/** One scrape as Prometheus makes it, read with the Prometheus text parser. */
class Metrics {
  readonly families: ParsedFamily[];
  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text);
  }

  family(name: string): ParsedFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** A counter's or gauge's sample with exactly these labels; 0 when the series does not exist yet. */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.family(name)?.metrics.find((m) => sameLabels(m.labels ?? {}, labels));
    return sample ? Number(sample.value) : 0;
  }

  /** The sum of a counter over every series whose labels include these. */
  sum(name: string, labels: Record<string, string>): number {
    return (this.family(name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)).reduce((n, m) => n + Number(m.value), 0);
  }

  /**
   * How many observations a histogram series holds. The parser folds a labelled histogram's series into one (it
   * keeps only the buckets of the last), so its `_count` sample is read from the exposition line itself.
   */
  observations(name: string, labels: Record<string, string>): number {
    const sample = this.lines(`${name}_count`).find((l) => sameLabels(l.labels, labels));
    return sample?.value ?? 0;
  }

  /** A labelled histogram series' cumulative bucket counts, by upper bound (read from the lines, as above). */
  buckets(name: string, labels: Record<string, string>): Map<string, number> {
    const series = this.lines(`${name}_bucket`).filter((l) => sameLabels(Object.fromEntries(Object.entries(l.labels).filter(([k]) => k !== "le")), labels));
    return new Map(series.map((l) => [l.labels.le!, l.value]));
  }

  private lines(sampleName: string): Array<{ labels: Record<string, string>; value: number }> {
    return this.text
      .split("\n")
      .filter((l) => l.startsWith(`${sampleName}{`))
      .map((l) => {
        const [, labelText, value] = /^[^{]+\{(.*)\} (\S+)$/.exec(l)!;
        const labels = Object.fromEntries([...labelText!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
        return { labels, value: Number(value) };
      });
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

async function metrics(): Promise<Metrics> {
  const answer = await scrape(`Bearer ${METRICS_TOKEN}`);
  expect(answer.status).toBe(200);
  return new Metrics(answer.text);
}

/** Scrapes until the probe holds: a fact is counted just after its outbox item commits. */
async function metricsWhen(probe: (m: Metrics) => boolean, timeoutMs = 10_000): Promise<Metrics> {
  let last: Metrics | undefined;
  try {
    return await eventually(async () => {
      last = await metrics();
      return probe(last) && last;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`the metrics never showed what was expected; the last scrape:\n${last?.text.split("\n").filter((l) => l.startsWith("warroom_")).join("\n")}`, { cause: error });
  }
}

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("GET /metrics", () => {
  it("answers in Prometheus's text format, with the process's metrics and every Warroom metric documented in the README", async () => {
    const answer = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    const m = new Metrics(answer.text);

    const ours = m.families.filter((f) => f.name.startsWith("warroom_"));
    expect(ours.map((f) => f.name).sort()).toEqual(
      [
        "warroom_alert_webhooks_total",
        "warroom_alerts_received_total",
        "warroom_database_readings_up",
        "warroom_incident_time_to_acknowledge_seconds",
        "warroom_incident_time_to_resolve_seconds",
        "warroom_incidents_acknowledged_total",
        "warroom_incidents_declared_total",
        "warroom_incidents_open",
        "warroom_incidents_resolved_total",
        "warroom_outbox_delivered_total",
        "warroom_outbox_given_up_total",
        "warroom_outbox_oldest_pending_age_seconds",
        "warroom_outbox_pending",
        "warroom_outbox_retried_total",
        "warroom_scheduler_jobs_due",
        "warroom_scheduler_jobs_failed_total",
        "warroom_scheduler_jobs_handled_total",
        "warroom_scheduler_tick_duration_seconds",
        "warroom_slack_api_calls_total",
      ].sort(),
    );
    for (const family of ours) {
      expect(family.help, family.name).not.toBe("");
      expect(readme, `README documents ${family.name}`).toContain(`\`${family.name}\``);
      if (family.type === "COUNTER") expect(family.name).toMatch(/_total$/);
    }
    // The gauges read the database: every severity is there, at zero when nothing is open.
    expect(m.value("warroom_database_readings_up")).toBe(1);
    expect(m.family("warroom_incidents_open")!.metrics.map((s) => s.labels?.severity).sort()).toEqual(["sev1", "sev2", "sev3", "sev4"]);
    expect(m.family("process_cpu_user_seconds_total")?.type).toBe("COUNTER");
    expect(m.family("process_resident_memory_bytes")?.type).toBe("GAUGE");
    expect(m.family("nodejs_eventloop_lag_seconds")?.type).toBe("GAUGE");
    // Start-up asked Slack who the bot is.
    expect(m.value("warroom_slack_api_calls_total", { method: "auth.test", result: "ok" })).toBe(1);
  });

  it("refuses a scraper without METRICS_TOKEN, with a wrong one, or with it in the wrong scheme", async () => {
    for (const authorization of [undefined, "Bearer not-the-metrics-token-at-all", `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const answer = await scrape(authorization);
      expect(answer.status, String(authorization)).toBe(401);
      expect(answer.text).not.toContain("warroom_");
    }
    expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(200);
  });
});

describe("the counters", () => {
  it("count a declare through Slack once (even when Slack sends the submission twice), with the Slack calls and deliveries that set up its war room", async () => {
    const before = await metrics();
    const { command, view } = await openDeclareModal(h, { title: "Checkout is slow" });
    expect(command.status).toBe(200);
    // A double click and Slack's retry of the same submission: one incident, counted once.
    const answers = await Promise.all([submitDeclare(h, view.id, { severity: "sev2" }), submitDeclare(h, view.id, { severity: "sev2" }), submitDeclare(h, view.id, { severity: "sev2", retryNum: 1 })]);
    for (const answer of answers) expect(answer.status).toBe(200);
    await h.bot.outbox.waitUntilIdle();

    const after = await metricsWhen((m) => m.value("warroom_incidents_declared_total", { severity: "sev2", source: "person" }) > before.value("warroom_incidents_declared_total", { severity: "sev2", source: "person" }));
    const delta = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    expect(delta("warroom_incidents_declared_total", { severity: "sev2", source: "person" })).toBe(1);
    expect(after.sum("warroom_incidents_declared_total", {}) - before.sum("warroom_incidents_declared_total", {})).toBe(1);
    expect(delta("warroom_incidents_open", { severity: "sev2" })).toBe(1);
    // The form opened with Bolt's client, the war room through the gateway.
    expect(delta("warroom_slack_api_calls_total", { method: "views.open", result: "ok" })).toBe(1);
    expect(delta("warroom_slack_api_calls_total", { method: "conversations.create", result: "ok" })).toBe(1);
    expect(delta("warroom_slack_api_calls_total", { method: "pins.add", result: "ok" })).toBe(1);
    expect(delta("warroom_slack_api_calls_total", { method: "chat.postMessage", result: "ok" })).toBeGreaterThanOrEqual(2);
    for (const kind of ["war_room.create_channel", "war_room.post_card", "war_room.pin_card", "war_room.announce", "outside.fact"]) {
      expect(delta("warroom_outbox_delivered_total", { kind }), kind).toBe(1);
    }
    expect(after.value("warroom_outbox_pending")).toBe(0);
    expect(after.value("warroom_outbox_oldest_pending_age_seconds")).toBe(0);
  });

  it("count an acknowledgement on the card and resolutions through the REST API, with how long each took", async () => {
    const acked = await declaredIncident(h, { severity: "sev3" });
    const unacked = await declaredIncident(h, { severity: "sev4" });
    const before = await metrics();

    await acknowledgeOnCard(h, acked, "U_BOB");
    const afterAck = await metricsWhen((m) => m.value("warroom_incidents_acknowledged_total", { severity: "sev3", source: "person" }) > before.value("warroom_incidents_acknowledged_total", { severity: "sev3", source: "person" }));
    expect(afterAck.value("warroom_incidents_acknowledged_total", { severity: "sev3", source: "person" }) - before.value("warroom_incidents_acknowledged_total", { severity: "sev3", source: "person" })).toBe(1);
    expect(afterAck.observations("warroom_incident_time_to_acknowledge_seconds", { severity: "sev3" }) - before.observations("warroom_incident_time_to_acknowledge_seconds", { severity: "sev3" })).toBe(1);

    const token = await apiToken("metrics-bot");
    for (const incident of [acked, unacked]) {
      const answer = await fetch(`http://127.0.0.1:${h.bot.port}/api/v1/incidents/${incident.number}/resolve`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ summary: "Rolled back the deploy." }),
      });
      expect(answer.status).toBe(200);
    }
    await h.bot.outbox.waitUntilIdle();
    const after = await metricsWhen((m) => m.sum("warroom_incidents_resolved_total", { source: "api" }) - before.sum("warroom_incidents_resolved_total", { source: "api" }) === 2);
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta("warroom_incidents_resolved_total", { severity: "sev3", source: "api" })).toBe(1);
    expect(delta("warroom_incidents_resolved_total", { severity: "sev4", source: "api" })).toBe(1);
    // Resolving what nobody had acknowledged is its acknowledgement, by whoever resolved it.
    expect(delta("warroom_incidents_acknowledged_total", { severity: "sev4", source: "api" })).toBe(1);
    expect(delta("warroom_incidents_acknowledged_total", { severity: "sev3", source: "api" })).toBe(0);
    expect(after.observations("warroom_incident_time_to_resolve_seconds", { severity: "sev3" }) - before.observations("warroom_incident_time_to_resolve_seconds", { severity: "sev3" })).toBe(1);
    expect(after.observations("warroom_incident_time_to_resolve_seconds", { severity: "sev4" }) - before.observations("warroom_incident_time_to_resolve_seconds", { severity: "sev4" })).toBe(1);
    expect(delta("warroom_incidents_open", { severity: "sev3" })).toBe(-1);
    expect(delta("warroom_incidents_open", { severity: "sev4" })).toBe(-1);
    expect((await reload(h, unacked)).status).toBe("resolved");
  });

  it("show Slack's 429 as ratelimited and a failed call by its result, and the delivery retried", async () => {
    const before = await metrics();
    h.fake.faults.failNext("chat.postMessage", { status: 429, retryAfterSec: 1 });
    h.fake.faults.failNext("conversations.setTopic", { status: 500 });
    await declaredIncident(h, { severity: "sev1" });

    const after = await metricsWhen((m) => m.value("warroom_outbox_delivered_total", { kind: "outside.fact" }) > before.value("warroom_outbox_delivered_total", { kind: "outside.fact" }));
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta("warroom_slack_api_calls_total", { method: "chat.postMessage", result: "ratelimited" })).toBe(1);
    expect(delta("warroom_slack_api_calls_total", { method: "conversations.setTopic", result: "http_500" })).toBe(1);
    expect(delta("warroom_slack_api_calls_total", { method: "conversations.setTopic", result: "ok" })).toBe(1);
    // A 500 is a failed attempt, tried again; a 429 is Slack asking to wait, not a failure.
    expect(delta("warroom_outbox_retried_total", { kind: "war_room.set_topic" })).toBe(1);
    expect(after.sum("warroom_outbox_retried_total", {}) - before.sum("warroom_outbox_retried_total", {})).toBe(1);
    expect(after.sum("warroom_outbox_given_up_total", {}) - before.sum("warroom_outbox_given_up_total", {})).toBe(0);
  });

  it("count alert webhooks by source and outcome, and the incident an alert declares", async () => {
    const before = await metrics();
    const alert = { title: "Search latency above 2 s", severity: "critical", service: "search", fingerprint: "metrics-test-1" };
    expect((await postAlerts(h, "generic", alert, ALERTS_TOKEN)).status).toBe(202);
    expect((await postAlerts(h, "generic", alert, ALERTS_TOKEN)).body).toMatchObject({ repeated: 1 });
    expect((await postAlerts(h, "generic", alert, "not-the-alerts-token-0123456789")).status).toBe(401);
    expect((await postAlerts(h, "alertmanager", "{not json", ALERTS_TOKEN)).status).toBe(400);
    await alertsSettled(h);

    const after = await metricsWhen((m) => m.sum("warroom_incidents_declared_total", { source: "alert" }) > before.sum("warroom_incidents_declared_total", { source: "alert" }));
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta("warroom_alert_webhooks_total", { source: "generic", outcome: "ok", code: "202" })).toBe(2);
    expect(delta("warroom_alert_webhooks_total", { source: "generic", outcome: "refused", code: "401" })).toBe(1);
    expect(delta("warroom_alert_webhooks_total", { source: "alertmanager", outcome: "refused", code: "400" })).toBe(1);
    expect(delta("warroom_alerts_received_total", { source: "generic", result: "recorded" })).toBe(1);
    expect(delta("warroom_alerts_received_total", { source: "generic", result: "repeated" })).toBe(1);
    expect(after.sum("warroom_incidents_declared_total", { source: "alert" }) - before.sum("warroom_incidents_declared_total", { source: "alert" })).toBe(1);
  });
});

describe("the gauges and the scheduler", () => {
  it("show a delivery waiting on Slack as the outbox's backlog, and its age, until Slack answers", async () => {
    const held = h.fake.faults.holdNext("conversations.create");
    const { view } = await openDeclareModal(h, { title: "Held by Slack" });
    await submitDeclare(h, view.id, { severity: "sev2" });
    await held.arrived;

    const waiting = await metrics();
    expect(waiting.value("warroom_outbox_pending")).toBeGreaterThanOrEqual(1);
    expect(waiting.value("warroom_outbox_oldest_pending_age_seconds")).toBeGreaterThan(0);

    held.release();
    await h.bot.outbox.waitUntilIdle();
    const done = await metrics();
    expect(done.value("warroom_outbox_pending")).toBe(0);
    expect(done.value("warroom_outbox_oldest_pending_age_seconds")).toBe(0);
  });

});

describe("on the incident clock", () => {
  let t: TestBot;
  const clock = new ManualClock("2026-11-22T10:00:00Z");
  beforeAll(async () => {
    // No METRICS_TOKEN here: /metrics is open. The scheduler ticks only when the test says so.
    t = await startTestBot({}, { clock });
  });
  afterAll(async () => {
    await t.close();
  });

  const open = async (): Promise<Metrics> => {
    const answer = await fetch(`http://127.0.0.1:${t.bot.port}/metrics`);
    expect(answer.status).toBe(200);
    return new Metrics(await answer.text());
  };

  it("shows jobs due until a tick handles them, times the tick, and files a 31-minute acknowledgement under 1 hour", async () => {
    const incident = await declaredIncident(t, { severity: "sev3" });
    const declared = await open();
    expect(declared.value("warroom_scheduler_jobs_due")).toBe(0);

    // SEV3's acknowledgement target is 30 minutes: its reminder and first escalation are due now.
    clock.advance(31 * MINUTE);
    const due = await open();
    expect(due.value("warroom_scheduler_jobs_due")).toBeGreaterThanOrEqual(1);
    const handled = await t.bot.scheduler.tick();
    await t.bot.outbox.waitUntilIdle();
    expect(handled).toBe(due.value("warroom_scheduler_jobs_due"));
    const ticked = await open();
    expect(ticked.value("warroom_scheduler_jobs_due")).toBe(0);
    expect(ticked.sum("warroom_scheduler_jobs_handled_total", {}) - due.sum("warroom_scheduler_jobs_handled_total", {})).toBe(handled);
    expect(ticked.family("warroom_scheduler_tick_duration_seconds")!.metrics[0]!.count).toBe(String(Number(due.family("warroom_scheduler_tick_duration_seconds")!.metrics[0]!.count) + 1));

    await acknowledgeOnCard(t, incident, "U_BOB");
    // Counted just after the acknowledgement's outbox item commits.
    const acked = await eventually(async () => {
      const m = await open();
      return m.observations("warroom_incident_time_to_acknowledge_seconds", { severity: "sev3" }) === 1 && m;
    });
    const buckets = acked.buckets("warroom_incident_time_to_acknowledge_seconds", { severity: "sev3" });
    expect(buckets.get("1800")).toBe(0);
    expect(buckets.get("3600")).toBe(1);
    expect(acked.value("warroom_incidents_acknowledged_total", { severity: "sev3", source: "person" })).toBe(1);
  });
});

async function apiToken(name: string): Promise<string> {
  const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: h.fake.channelByName("general")!.id, text: `api-token create ${name}` });
  const token = /```(wrapi_[A-Za-z0-9_-]+)```/.exec(String(answer.body?.text ?? ""))?.[1];
  if (!token) throw new Error(`no token in: ${String(answer.body?.text)}`);
  return token;
}
