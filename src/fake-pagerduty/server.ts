// A faithful fake of PagerDuty's Events API v2 (POST /v2/enqueue): its validation, its 202/400/429 answers, alert
// de-duplication by dedup_key per routing key, its per-integration rate limit, and the faults of the fake Slack
// (429s, 5xx, slow or held calls, answers lost after the event was applied). Tests and the benchmark start it here.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Faults } from "../fake-slack/faults.js";
import { seededRandom } from "../fake-slack/server.js";
import { eventProblems, type EventAction, type ValidEvent } from "./events-schema.js";

const METHOD = "enqueue";
// "Events API payloads are limited to 512 KB."
const MAX_BODY_BYTES = 512 * 1024;
// "The Events v2 API has a limit of approximately 120 calls/minute per integration key", over a 60 s window.
const RATE_WINDOW_MS = 60_000;

export interface FakePagerDutyOptions {
  port?: number;
  /** Calls per routing key per 60 s before 429 (PagerDuty: about 120). */
  ratePerMinute?: number;
  /** Seed for the fault dice (default 1). */
  seed?: number;
}

/** One request as it reached the fake, whatever became of it. */
export interface ReceivedEvent {
  status: number;
  body: unknown;
  /** False when the fake applied the event and then lost the answer (no response, or a 5xx). */
  answered: boolean;
  at: number;
}

interface AlertLogEntry {
  action: EventAction;
  at: number;
  /**
   * A trigger for an alert already open (PagerDuty adds it to the alert's log and notifies nobody), or an acknowledge
   * of an alert already acknowledged: nothing changed.
   */
  deduplicated?: boolean;
}

/** A PagerDuty alert: opened by a trigger, moved by acknowledge and resolve sent with its dedup_key and routing key. */
export interface FakeAlert {
  id: string;
  routingKey: string;
  dedupKey: string;
  status: "triggered" | "acknowledged" | "resolved";
  summary: string;
  severity: string;
  source: string;
  customDetails?: Record<string, unknown>;
  links?: Array<{ href: string; text?: string }>;
  log: AlertLogEntry[];
}

export class FakePagerDuty {
  readonly faults: Faults;
  readonly received: ReceivedEvent[] = [];
  readonly alerts: FakeAlert[] = [];
  /** Acknowledge and resolve events for no open alert: accepted (202) and dropped, as PagerDuty does. */
  readonly dropped: ValidEvent[] = [];
  private readonly integrations = new Set<string>();
  private readonly calls = new Map<string, number[]>();
  private readonly ratePerMinute: number;
  private dropAnswers = 0;
  private server!: Server;
  url = "";

  constructor(private readonly options: FakePagerDutyOptions = {}) {
    this.faults = new Faults(seededRandom(options.seed ?? 1));
    this.ratePerMinute = options.ratePerMinute ?? 120;
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end(`fake pagerduty failed: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2/enqueue`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A new Events API v2 integration on a service: its 32-character integration (routing) key. */
  addIntegration(key = randomBytes(16).toString("hex")): string {
    this.integrations.add(key);
    return key;
  }

  /** The next `times` events are applied, then the connection is cut before any answer: the caller never hears. */
  loseNextAnswers(times = 1): void {
    this.dropAnswers += times;
  }

  alertsFor(dedupKey: string): FakeAlert[] {
    return this.alerts.filter((a) => a.dedupKey === dedupKey);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/v2/enqueue" || req.method !== "POST") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ status: "Not found", message: "Not found" }));
      return;
    }
    const raw = await readBody(req, MAX_BODY_BYTES);
    const record = (status: number, body: unknown, answered = true) => this.received.push({ status, body, answered, at: Date.now() });
    if (raw === undefined) {
      record(400, undefined);
      return json(res, 400, { status: "invalid event", message: "Event object is invalid", errors: ["Event is larger than 512 KB"] });
    }
    let body: unknown;
    try {
      // Stricter than the docs, which only show JSON: anything but application/json is refused.
      if (!String(req.headers["content-type"] ?? "").includes("application/json")) throw new Error("not JSON");
      body = JSON.parse(raw);
    } catch {
      record(400, raw);
      return json(res, 400, { status: "Unrecognized object", message: "Event object format is unrecognized", errors: ["JSON parse error"] });
    }
    const problems = eventProblems(body);
    const event = body as ValidEvent;
    // The docs do not say what an unknown integration key gets; the fake refuses it rather than accept it silently.
    if (problems.length === 0 && !this.integrations.has(event.routing_key)) problems.push("Invalid routing key");
    if (problems.length) {
      record(400, body);
      return json(res, 400, { status: "invalid event", message: "Event object is invalid", errors: problems });
    }
    if (this.rateLimited(event.routing_key)) {
      record(429, body);
      // PagerDuty sends no Retry-After: a caller must choose its own wait.
      return json(res, 429, { status: "throttle event", message: "Requests for this service are arriving too quickly.  Please retry later." });
    }

    const fault = this.faults.decide(METHOD);
    await fault.hold;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.kind === "fail" && !fault.afterApply) {
      record(fault.status, body);
      return fault.status === 429
        ? json(res, 429, { status: "throttle event", message: "Requests for this service are arriving too quickly.  Please retry later." })
        : json(res, fault.status, { status: "Internal Server Error", message: "Internal Server Error" });
    }
    const dedupKey = this.apply(event);
    if (this.dropAnswers > 0) {
      this.dropAnswers -= 1;
      record(0, body, false);
      res.socket?.destroy();
      return;
    }
    if (fault.kind === "fail") {
      record(fault.status, body, false);
      return json(res, fault.status, { status: "Internal Server Error", message: "Internal Server Error" });
    }
    record(202, body);
    json(res, 202, { status: "success", message: "Event processed", dedup_key: dedupKey });
  }

  private rateLimited(routingKey: string): boolean {
    const now = Date.now();
    const recent = (this.calls.get(routingKey) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
    if (recent.length >= this.ratePerMinute) {
      this.calls.set(routingKey, recent);
      return true;
    }
    recent.push(now);
    this.calls.set(routingKey, recent);
    return false;
  }

  /**
   * "Submitting subsequent events for the same dedup_key will result in those events being applied to an open alert
   * matching that dedup_key. Once the alert is resolved, any further events with the same dedup_key will create a new
   * alert (for trigger events) or be dropped (for acknowledge and resolve events)." Only via the trigger's routing key.
   */
  private apply(event: ValidEvent): string {
    const dedupKey = event.dedup_key ?? randomUUID();
    const open = this.alerts.find((a) => a.routingKey === event.routing_key && a.dedupKey === dedupKey && a.status !== "resolved");
    const at = Date.now();
    if (event.event_action === "trigger") {
      if (open) {
        open.log.push({ action: "trigger", at, deduplicated: true });
      } else {
        const p = event.payload!;
        this.alerts.push({
          id: randomUUID(),
          routingKey: event.routing_key,
          dedupKey,
          status: "triggered",
          summary: p.summary,
          severity: p.severity,
          source: p.source,
          customDetails: p.custom_details,
          links: event.links,
          log: [{ action: "trigger", at }],
        });
      }
      return dedupKey;
    }
    if (!open) {
      this.dropped.push(event);
      return dedupKey;
    }
    // An acknowledged alert stays acknowledged: a repeated acknowledge only adds to its log.
    const repeated = event.event_action === "acknowledge" && open.status === "acknowledged";
    open.log.push({ action: event.event_action, at, ...(repeated ? { deduplicated: true } : {}) });
    if (event.event_action === "resolve") open.status = "resolved";
    else open.status = "acknowledged";
    return dedupKey;
  }
}

export async function startFakePagerDuty(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  return new FakePagerDuty(options).listen();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The body as text, or undefined when it is larger than `max` bytes (read to its end either way). */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on("end", () => resolve(size > max ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
