// Alert ingest under a burst: alerts posted to /alerts/generic (each its own alert, spread over 50 groups, so the
// bot declares, groups and tells war rooms while it answers) beside a bare endpoint in the same process and
// database that stores each body with one insert. The two take turns in short slices after a warm-up, so whatever
// else the machine does hits both alike, each slice starting once the bot has turned the alerts sent so far into
// incidents and told their war rooms; each answer is timed from the request to the last byte of the answer.
import { Agent, request } from "node:http";
import { BARE_INSERT_PATH } from "./bare-insert.js";
import { percentile } from "./load.js";

export interface IngestFigures {
  p50: number;
  p99: number;
  perSecond: number;
  samples: number;
  cpuMicrosPerRequest: number;
}

export interface IngestComparison {
  concurrency: number;
  alerts: IngestFigures;
  bare: IngestFigures;
  /** How long after the last slice the bot took to turn every alert into incidents. */
  catchUpMs: number;
}

export interface IngestTarget {
  origin: string;
  cpuMicros(): Promise<number>;
  alertsIdle(timeoutMs?: number): Promise<void>;
  /** Every Slack delivery made (the benchmark's bot does not pace itself, and its fake Slack enforces no tiers). */
  outboxIdle(timeoutMs?: number): Promise<void>;
}

export interface IngestPlan {
  token: string;
  concurrencies: number[];
  seconds: number;
  slices: number;
  warmupSeconds: number;
}

const GROUPS = 50;
const LABELS = ["critical", "error", "warning", "info"];
let sequence = 0;

/** One alert as a script would send it: its own fingerprint, one of 50 groups, a start time (no lookup needed). */
function alertBody(): string {
  const n = ++sequence;
  const group = n % GROUPS;
  return JSON.stringify({
    title: `Bench group ${group} is failing`,
    severity: LABELS[group % LABELS.length],
    service: `bench-${group}`,
    group: `bench-${group}`,
    fingerprint: `bench-${n}`,
    started_at: new Date(Date.UTC(2026, 10, 22, 9, 0, 0, n)).toISOString(),
    description: "Synthetic alert from npm run bench.",
  });
}

function post(url: URL, agent: Agent, body: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function closedLoop(url: URL, agent: Agent, token: string | undefined, concurrency: number, seconds: number) {
  const latenciesMs: number[] = [];
  let refused = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const body = alertBody();
        const sent = performance.now();
        const status = await post(url, agent, body, token);
        if (status === 202) latenciesMs.push(performance.now() - sent);
        else refused++;
      }
    }),
  );
  return { latenciesMs, seconds: (performance.now() - started) / 1000, refused };
}

export async function compareIngest(bot: IngestTarget, plan: IngestPlan): Promise<IngestComparison[]> {
  const results: IngestComparison[] = [];
  const sides = [
    { name: "alerts", url: new URL("/alerts/generic", bot.origin), token: plan.token as string | undefined },
    { name: "bare", url: new URL(BARE_INSERT_PATH, bot.origin), token: undefined },
  ];
  for (const concurrency of plan.concurrencies) {
    const agents = new Map(sides.map((s) => [s.name, new Agent({ keepAlive: true, maxSockets: concurrency })]));
    for (const side of sides) {
      const warm = await closedLoop(side.url, agents.get(side.name)!, side.token, concurrency, plan.warmupSeconds);
      if (warm.refused) throw new Error(`${side.name} refused ${warm.refused} requests during warm-up`);
    }
    const collected = new Map(sides.map((s) => [s.name, { latencies: [] as number[], seconds: 0, refused: 0, cpuMicros: 0 }]));
    const sliceSeconds = plan.seconds / plan.slices;
    for (let slice = 0; slice < plan.slices; slice++) {
      for (const side of slice % 2 === 0 ? sides : [...sides].reverse()) {
        // Each slice starts on an idle bot, the alerts already sent turned into incidents and their war rooms told:
        // the bare side never pays for the bot's work, and the alerts side pays for all of it that falls in its slice.
        await bot.alertsIdle(300_000);
        await bot.outboxIdle(300_000);
        const cpuBefore = await bot.cpuMicros();
        const result = await closedLoop(side.url, agents.get(side.name)!, side.token, concurrency, sliceSeconds);
        const into = collected.get(side.name)!;
        into.cpuMicros += (await bot.cpuMicros()) - cpuBefore;
        for (const l of result.latenciesMs) into.latencies.push(l);
        into.seconds += result.seconds;
        into.refused += result.refused;
      }
    }
    for (const agent of agents.values()) agent.destroy();
    const caughtUp = performance.now();
    await bot.alertsIdle(300_000);
    const figures = (name: string): IngestFigures => {
      const { latencies, seconds, refused, cpuMicros } = collected.get(name)!;
      if (refused) throw new Error(`${name} refused ${refused} requests at concurrency ${concurrency}`);
      latencies.sort((a, b) => a - b);
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perSecond: latencies.length / seconds, samples: latencies.length, cpuMicrosPerRequest: cpuMicros / latencies.length };
    };
    results.push({ concurrency, alerts: figures("alerts"), bare: figures("bare"), catchUpMs: performance.now() - caughtUp });
  }
  return results;
}
