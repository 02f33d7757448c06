// The operator's view of one running bot: its Prometheus registry and every instrument in it. The bot's parts report
// to it through small hooks (the gateway's onCall, the outbox's DeliveryObserver, the scheduler's onSwept, the alert
// routes' observe), each told only what has committed; the gauges read the database when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { OutboxItem } from "../db/schema.js";
import { Deliveries } from "../incidents/deliveries.js";
import { severities } from "../incidents/lifecycle.js";
import type { Logger } from "../log.js";
import type { DeliveryObserver } from "../outbox/outbox.js";
import { toldFact } from "../outside/fan-out.js";
import type { SweepReport } from "../scheduler/scheduler.js";
import { countedFact } from "./facts.js";
import { readGauges, type Readings } from "./readings.js";

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Incidents are acknowledged in minutes and resolved in hours to days; the buckets follow the SLA targets' scale.
const acknowledgeBuckets = [30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 12 * HOUR, DAY, 3 * DAY];
const resolveBuckets = [5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];
const tickBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Where the gauges read from: the bot's workspace, known once Slack has said who the bot is (every workspace with OAuth). */
interface GaugeSource {
  db: Db;
  clock: Clock;
  teamId: string | undefined;
}

export class Telemetry {
  /** This bot's own metrics (fresh per bot, so several bots in one process never share a count). */
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private source: GaugeSource | undefined;
  private reading: Promise<Readings | undefined> | undefined;

  private readonly declared = this.counter("warroom_incidents_declared_total", "Incidents declared, by severity and by who declared (person, api, alert).", ["severity", "source"]);
  private readonly acknowledged = this.counter(
    "warroom_incidents_acknowledged_total",
    "Incidents acknowledged (first acknowledgement, or a status change or resolution that was one), by severity and source.",
    ["severity", "source"],
  );
  private readonly resolved = this.counter("warroom_incidents_resolved_total", "Incident resolutions (a reopened incident resolved again counts again), by severity and source.", ["severity", "source"]);
  private readonly timeToAcknowledge = new Histogram({
    name: "warroom_incident_time_to_acknowledge_seconds",
    help: "Seconds from declaring an incident to its first acknowledgement.",
    labelNames: ["severity"],
    buckets: acknowledgeBuckets,
    registers: [this.registry],
  });
  private readonly timeToResolve = new Histogram({
    name: "warroom_incident_time_to_resolve_seconds",
    help: "Seconds from declaring an incident to its resolution.",
    labelNames: ["severity"],
    buckets: resolveBuckets,
    registers: [this.registry],
  });
  private readonly delivered = this.counter("warroom_outbox_delivered_total", "Deliveries done (Slack, PagerDuty, webhooks, the outside fan-out), by outbox kind.", ["kind"]);
  private readonly retried = this.counter("warroom_outbox_retried_total", "Delivery attempts that failed and will be tried again, by outbox kind.", ["kind"]);
  private readonly givenUp = this.counter("warroom_outbox_given_up_total", "Deliveries given up for good (told on the timeline and to the commander), by outbox kind.", ["kind"]);
  private readonly slackCalls = this.counter(
    "warroom_slack_api_calls_total",
    "Slack Web API calls that reached Slack, by method and result: ok, Slack's error code, ratelimited (HTTP 429), http_<status>, request_failed.",
    ["method", "result"],
  );
  private readonly tickDuration = new Histogram({
    name: "warroom_scheduler_tick_duration_seconds",
    help: "Seconds one scheduler pass took (claiming and handling every due job).",
    buckets: tickBuckets,
    registers: [this.registry],
  });
  private readonly jobsHandled = this.counter("warroom_scheduler_jobs_handled_total", "Scheduled jobs handled (escalations, reminders, SLA checks), by kind.", ["kind"]);
  private readonly jobsFailed = this.counter("warroom_scheduler_jobs_failed_total", "Scheduled job attempts that failed (retried later, or given up after ten).", []);
  private readonly alertRequests = this.counter(
    "warroom_alert_webhooks_total",
    "Alert webhook requests answered, by source endpoint (alertmanager, grafana, generic), outcome (ok, refused, failed) and HTTP status code.",
    ["source", "outcome", "code"],
  );
  private readonly alertsReceived = this.counter(
    "warroom_alerts_received_total",
    "Alerts in accepted webhook requests, by source endpoint and whether they were new (recorded) or a repeat of one already stored (repeated).",
    ["source", "result"],
  );

  constructor(private readonly logger: Logger) {
    processRegistry();
    const readings = () => this.readings();
    new Gauge({
      name: "warroom_incidents_open",
      help: "Incidents open now (investigating, identified or monitoring), by severity; drills are not counted.",
      labelNames: ["severity"],
      registers: [this.registry],
      async collect() {
        const r = await readings();
        this.reset();
        if (r) for (const severity of severities) this.set({ severity }, r.openBySeverity[severity]);
      },
    });
    const backlog = (name: string, help: string, value: (r: Readings) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const r = await readings();
          this.reset();
          if (r) this.set(value(r));
        },
      });
    backlog("warroom_outbox_pending", "Deliveries waiting to be made (due now, waiting out a retry, or held behind an earlier step).", (r) => r.outboxPending);
    backlog("warroom_outbox_oldest_pending_age_seconds", "Seconds since the oldest pending delivery was enqueued; 0 when none is pending.", (r) => r.outboxOldestPendingSeconds);
    backlog("warroom_scheduler_jobs_due", "Scheduled jobs whose due time has passed and that no tick has handled yet.", (r) => r.jobsDue);
    new Gauge({
      name: "warroom_database_readings_up",
      help: "1 when this scrape could read the gauges above from the database, 0 when it could not (they are then absent).",
      registers: [this.registry],
      async collect() {
        this.set((await readings()) ? 1 : 0);
      },
    });
  }

  /** The gauges read this workspace's rows from now on. */
  readFrom(source: GaugeSource): void {
    this.source = source;
  }

  /** The whole exposition: the process's metrics (CPU, memory, event loop, GC) and this bot's. */
  async scrape(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processRegistry().metrics()]);
    return `${process}\n${own}`;
  }

  /** The gateway's onCall. */
  readonly slackCall = (method: string, result: string): void => {
    this.slackCalls.inc({ method, result });
  };

  /** Deliveries as the outbox commits them; a told fact is read back (two lookups by key) and counted. */
  deliveryObserver(db: Db): DeliveryObserver {
    return {
      delivered: (item: OutboxItem) => {
        this.delivered.inc({ kind: item.kind });
        if (item.kind === Deliveries.tellOutside) void this.countFact(db, item);
      },
      retrying: (item) => this.retried.inc({ kind: item.kind }),
      gaveUp: (item) => this.givenUp.inc({ kind: item.kind }),
    };
  }

  /** The scheduler's onSwept. */
  readonly swept = (report: SweepReport, seconds: number): void => {
    this.tickDuration.observe(seconds);
    for (const [kind, n] of Object.entries(report.byKind)) this.jobsHandled.inc({ kind }, n);
    if (report.failed) this.jobsFailed.inc(report.failed);
  };

  /** The alert routes' observer: each request as answered, and the alerts an accepted one committed. */
  readonly alertWebhooks = {
    answered: (source: string, status: number): void => {
      const outcome = status < 300 ? "ok" : status < 500 ? "refused" : "failed";
      this.alertRequests.inc({ source, outcome, code: String(status) });
    },
    recorded: (source: string, alerts: { received: number; recorded: number }): void => {
      if (alerts.recorded) this.alertsReceived.inc({ source, result: "recorded" }, alerts.recorded);
      if (alerts.received > alerts.recorded) this.alertsReceived.inc({ source, result: "repeated" }, alerts.received - alerts.recorded);
    },
  };

  private async countFact(db: Db, item: OutboxItem): Promise<void> {
    try {
      const { entry, incident } = await toldFact(db, item);
      const counted = countedFact(entry, incident);
      if (counted.declared) this.declared.inc(counted.declared);
      if (counted.acknowledged) {
        const { severity, source, afterSeconds } = counted.acknowledged;
        this.acknowledged.inc({ severity, source });
        this.timeToAcknowledge.observe({ severity }, afterSeconds);
      }
      if (counted.resolved) {
        const { severity, source, afterSeconds } = counted.resolved;
        this.resolved.inc({ severity, source });
        this.timeToResolve.observe({ severity }, afterSeconds);
      }
    } catch (error) {
      // The fact is committed and told; only its count is lost (the incident or entry was deleted meanwhile).
      this.logger.warn({ err: error, outboxId: item.id }, "could not count a told fact");
    }
  }

  /** One database read shared by every gauge of a scrape, and by scrapes that overlap. */
  private readings(): Promise<Readings | undefined> {
    const source = this.source;
    if (!source) return Promise.resolve(undefined);
    this.reading ??= readGauges(source.db, source.teamId, source.clock.now())
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, "could not read the metrics' gauges from the database");
        return undefined;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

let processMetrics: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, handles, event-loop lag, GC), collected once per process: they describe
 * the process, not one bot, and each collection starts monitors that are never stopped.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
