// npm run bench: ack latency under load beside a bare Bolt app, declares per second and idle memory, on embedded
// PGlite and on PostgreSQL; then the scheduler tick, /incident search, the REST API's incident list and App Home publishes. Variables: README → Benchmark.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeSlack, type FakeSlack } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";
import { compareAcks, type AckComparison, type AckFigures } from "./ack.js";
import { compareIngest, type IngestComparison, type IngestFigures } from "./alerts.js";
import { BenchChild, childNodeFlags, type MemoryUsage } from "./children.js";
import type { EventLoopDelay } from "./processes/ipc.js";
import { compileForChildren } from "./compile.js";
import { post, signedSlashCommand, type SlashCommandShape } from "./load.js";
import { choosePostgres, scratchDatabase } from "./postgres.js";
import { describeRecovery, recoveryBench } from "./recovery.js";
import { outsideBench, startTimingReceiver, type OutsideFigures } from "./outside.js";
import { startFakePagerDuty } from "../src/fake-pagerduty/server.js";
import { searchLatency } from "./search-latency.js";
import { apiListLatency } from "./api-list-latency.js";
import { statusPageLatency } from "./status-page-latency.js";
import { homeBench } from "./home-publish.js";
import { auditLatency } from "./audit-latency.js";
import { tickCost } from "./tick-cost.js";
import { scrapeOverHistory, scrapeOverHttp, type ScrapeFigures } from "./scrape.js";
import { metricsLatency } from "./metrics-latency.js";

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  ackSeconds: number("BENCH_ACK_SECONDS", 8),
  ackSlices: Math.round(number("BENCH_ACK_SLICES", 16)),
  concurrencies: (process.env.BENCH_ACK_CONCURRENCY ?? "10,50").split(",").map((c) => Math.round(Number(c))),
  warmupSeconds: number("BENCH_WARMUP_SECONDS", 2),
  idleSeconds: number("BENCH_IDLE_SECONDS", 5),
  declares: Math.round(number("BENCH_DECLARES", 200)),
  declareConcurrency: Math.round(number("BENCH_CONCURRENCY", 8)),
  tickRounds: Math.round(number("BENCH_TICK_ROUNDS", 20)),
  searchRounds: Math.round(number("BENCH_SEARCH_ROUNDS", 5)),
  apiRounds: Math.round(number("BENCH_API_ROUNDS", 20)),
  statusRounds: Math.round(number("BENCH_STATUS_ROUNDS", 200)),
  homeUsers: Math.round(number("BENCH_HOME_USERS", 10_000)),
  homeRounds: Math.round(number("BENCH_HOME_ROUNDS", 200)),
  auditEntries: Math.round(number("BENCH_AUDIT_ENTRIES", 1_000_000)),
  recoverySeed: Math.round(number("BENCH_SEED", 7)),
  alertConcurrencies: (process.env.BENCH_ALERT_CONCURRENCY ?? "10,50").split(",").map((c) => Math.round(Number(c))),
  alertSeconds: number("BENCH_ALERT_SECONDS", 8),
  alertSlices: Math.round(number("BENCH_ALERT_SLICES", 8)),
  scrapeSeconds: number("BENCH_SCRAPE_SECONDS", 5),
  scrapeConcurrency: Math.round(number("BENCH_SCRAPE_CONCURRENCY", 10)),
  scrapeIncidents: Math.max(1, Math.round(number("BENCH_SCRAPE_INCIDENTS", 100_000) / 400)) * 400,
  metricsIncidents: Math.round(number("BENCH_METRICS_INCIDENTS", 1_000_000)),
  metricsRounds: Math.round(number("BENCH_METRICS_ROUNDS", 20)),
  metricsPerDay: number("BENCH_METRICS_PER_DAY", 50),
};
const parts = ["ack", "declares", "alerts", "memory", "outside", "tick", "search", "api", "metrics", "audit", "home", "recovery", "scrape", "status"] as const;
type Part = (typeof parts)[number];
const only = new Set((process.env.BENCH_ONLY ?? parts.join(",")).split(",").map((p) => p.trim()).filter(Boolean));
for (const p of only) if (!parts.includes(p as Part)) throw new Error(`BENCH_ONLY: unknown part ${p} (choose from ${parts.join(", ")})`);
const wants = (part: Part) => only.has(part);
const databaseKinds = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",").map((d) => d.trim());
for (const d of databaseKinds) if (d !== "pglite" && d !== "postgres") throw new Error(`BENCH_DATABASES: unknown database ${d} (pglite, postgres)`);
if (settings.concurrencies.some((c) => !(c > 0))) throw new Error("BENCH_ACK_CONCURRENCY must list positive numbers, e.g. 10,50");
if (settings.alertConcurrencies.some((c) => !(c > 0))) throw new Error("BENCH_ALERT_CONCURRENCY must list positive numbers, e.g. 10,50");
const TARGET = 1.2;
// Alert ingest does more than the bare insert (find the source by its token, validate, record), so its target is looser.
const ALERT_TARGET = 2;
const ALERT_TOKEN = `bench-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}-alerts`;
// /metrics is scraped with its bearer token, as a guarded production scrape is.
const METRICS_TOKEN = `bench-${Math.random().toString(36).slice(2)}-metrics`;

const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const ratio = (n: number) => `${n.toFixed(2)}x`;

interface DatabaseRun {
  label: string;
  acks?: AckComparison[];
  declaresPerSecond?: number;
  ingest?: IngestComparison[];
  outside?: OutsideFigures;
  idle?: MemoryUsage;
  afterRun?: MemoryUsage;
  restartIdle?: MemoryUsage;
  idleLoop?: EventLoopDelay;
  scrape?: ScrapeFigures;
}

async function main() {
  const began = Date.now();
  const compiled = compileForChildren();
  const here = (file: string) => compiled(fileURLToPath(new URL(file, import.meta.url)));
  const scratchDir = mkdtempSync(join(tmpdir(), "warroom-bench-"));
  const fake = await startFakeSlack();
  const signingSecret = `bench-${Math.random().toString(36).slice(2)}-secret`;
  const slackEnv = { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: fake.url };
  const childEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, ...slackEnv, ...extra });
  const shape: SlashCommandShape = {
    signingSecret,
    teamId: fake.teamId,
    teamDomain: fake.workspace.team.domain,
    appId: fake.workspace.bot.appId,
    responseUrlBase: fake.baseUrl,
    text: fake.slashCommandText("/incident", "help"),
  };

  // PagerDuty and two webhook receivers for the outside part, timed on this process's clock.
  const pd = wants("outside") ? await startFakePagerDuty({ ratePerMinute: 1_000_000 }) : undefined;
  const receiver = wants("outside") ? await startTimingReceiver() : undefined;
  const webhookPaths = ["/one", "/two"];
  const outsideEnv = (): NodeJS.ProcessEnv =>
    pd && receiver
      ? { PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.addIntegration(), WEBHOOK_URLS: webhookPaths.map((p) => `${receiver.url}${p}`).join(","), WEBHOOK_SECRET: "bench-webhook-secret-0123456789" }
      : {};

  const postgres = await choosePostgres();
  const databases: Array<{ label: string; env: () => Promise<{ env: NodeJS.ProcessEnv; cleanUp: () => Promise<void> }> }> = [];
  if (databaseKinds.includes("pglite")) {
    databases.push({
      label: "embedded PGlite",
      env: async () => {
        const dir = mkdtempSync(join(scratchDir, "pglite-"));
        return { env: { PGLITE_DIR: dir }, cleanUp: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    });
  }
  if (databaseKinds.includes("postgres") && postgres.url) {
    const adminUrl = postgres.url;
    databases.push({
      label: "PostgreSQL",
      env: async () => {
        const scratch = await scratchDatabase(adminUrl);
        return { env: { DATABASE_URL: scratch.url }, cleanUp: scratch.drop };
      },
    });
  }

  console.log(`Warroom benchmark (${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs)`);
  console.log(`children: node ${childNodeFlags.join(" ") || "(no flags)"} on compiled JavaScript (dist/), load from this process; fake Slack on loopback`);
  console.log(`PostgreSQL: ${postgres.url ? `${redactPassword(postgres.url)}, a throw-away database per run (${postgres.why})` : postgres.why}`);
  console.log("");

  // For the alert part: a source from ALERTS_TOKEN (whose incidents the admin commands) and the bare baseline route.
  const alertEnv = wants("alerts") ? { ALERTS_TOKEN: ALERT_TOKEN, INCIDENT_ADMINS: "U_ALICE", BENCH_BARE_INSERT: "1" } : {};
  const bot = (label: string, env: NodeJS.ProcessEnv) =>
    BenchChild.start(`warroom (${label})`, here("./processes/bot.ts"), childEnv({ PORT: "0", BENCH_SLACK_PACING: "off", METRICS_TOKEN, ...alertEnv, ...env }), join(scratchDir, `bot-${label.replace(/\W+/g, "-")}.log`));

  const runs: DatabaseRun[] = [];
  let bare: BenchChild | undefined;
  let expected: string | undefined;
  try {
    for (const database of databases) {
      const run: DatabaseRun = { label: database.label };
      runs.push(run);
      const { env, cleanUp } = await database.env();
      try {
        const warroom = await bot(database.label, env);
        try {
          // Idle after start-up for the memory figure; otherwise a moment to settle.
          await warroom.eventLoopDelay();
          await sleep((wants("memory") ? settings.idleSeconds : 1) * 1000);
          if (wants("memory")) {
            run.idle = await warroom.memory();
            run.idleLoop = await warroom.eventLoopDelay();
          }

          if (wants("ack")) {
            const answer = await helpAnswer(warroom.url, shape);
            if (expected === undefined) {
              expected = answer;
              bare = await BenchChild.start("bare Bolt", here("./processes/bare-bolt.ts"), childEnv({ BENCH_BARE_ANSWER: answer, BENCH_BOT_USER_ID: fake.botUserId, BENCH_BOT_ID: fake.botId }), join(scratchDir, "bare.log"));
            }
            if (answer !== expected) throw new Error(`warroom (${database.label}) answered /incident help differently from the first run`);
            const bareAnswer = await helpAnswer(bare!.url, shape);
            if (bareAnswer !== expected) throw new Error("the bare Bolt app does not answer the same bytes as Warroom");
            run.acks = await compareAcks({ name: "warroom", url: warroom.url, cpuMicros: () => warroom.cpuMicros() }, { name: "bare", url: bare!.url, cpuMicros: () => bare!.cpuMicros() }, {
              shape,
              expected,
              concurrencies: settings.concurrencies,
              seconds: settings.ackSeconds,
              slices: settings.ackSlices,
              warmupSeconds: settings.warmupSeconds,
            });
          }
          if (wants("declares")) run.declaresPerSecond = await declaresPerSecond(fake, warroom, signingSecret);
          if (wants("alerts")) {
            run.ingest = await compareIngest(
              { origin: warroom.origin, cpuMicros: () => warroom.cpuMicros(), alertsIdle: (t) => warroom.alertsIdle(t), outboxIdle: (t) => warroom.outboxIdle(t) },
              { token: ALERT_TOKEN, concurrencies: settings.alertConcurrencies, seconds: settings.alertSeconds, slices: settings.alertSlices, warmupSeconds: settings.warmupSeconds },
            );
          }
          if (wants("scrape")) run.scrape = await scrapeOverHttp(warroom.origin, METRICS_TOKEN, settings.scrapeConcurrency, settings.scrapeSeconds);
          if (wants("memory")) run.afterRun = await warroom.memory();
        } finally {
          await warroom.stop();
        }
        if (wants("outside")) {
          // A bot of its own, with PagerDuty and the webhooks configured, on a fresh database.
          const fresh = await database.env();
          const outside = await bot(`${database.label} outside`, { ...fresh.env, ...outsideEnv() });
          try {
            run.outside = await outsideBench({
              fake,
              pd: pd!,
              receiver: receiver!,
              webhookPaths,
              botUrl: outside.url,
              signingSecret,
              declares: Math.min(settings.declares, 100),
              concurrency: settings.declareConcurrency,
              outboxIdle: (timeoutMs) => outside.outboxIdle(timeoutMs),
              label: database.label,
            });
          } finally {
            await outside.stop();
            await fresh.cleanUp();
          }
        }
        if (wants("memory") && env.PGLITE_DIR) {
          // A restart on the data it made: no initdb this time, as every start after the first.
          const again = await bot(`${database.label} restart`, env);
          try {
            await sleep(settings.idleSeconds * 1000);
            run.restartIdle = await again.memory();
          } finally {
            await again.stop();
          }
        }
      } finally {
        await cleanUp();
      }
    }
    const bareIdle = bare ? await bare.memory() : undefined;

    if (wants("ack")) printAcks(runs, expected ?? "");
    if (wants("declares")) printDeclares(runs);
    if (wants("alerts")) printIngest(runs);
    if (wants("outside")) printOutside(runs);
    if (wants("memory")) printMemory(runs, bareIdle);
    if (wants("scrape")) printScrapes(runs);
    if (!postgres.url && databaseKinds.includes("postgres")) console.log(`\nNo PostgreSQL figures in this run: ${postgres.why}.`);
  } finally {
    await bare?.stop();
    await fake.close();
    await pd?.close();
    await receiver?.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }

  // The scheduler tick and search run in this process against each database (PGlite in memory here).
  const stores = [
    ...(databaseKinds.includes("pglite") ? [{ label: "embedded PGlite (in memory)", url: undefined }] : []),
    ...(databaseKinds.includes("postgres") && postgres.url ? [{ label: "PostgreSQL (throw-away database)", url: postgres.url }] : []),
  ];
  if (wants("tick")) {
    console.log("");
    console.log(`scheduler tick with 10 jobs due, ${settings.tickRounds} ticks each; every stored incident has a pending far-future job`);
    for (const store of stores) {
      const rows = await tickCost([100, 10_000, 100_000], settings.tickRounds, store.url);
      console.log(`  ${store.label}: ${rows.map((r) => `${r.incidents.toLocaleString("en")} incidents p50 ${ms(r.p50)} (p95 ${ms(r.p95)})`).join(" · ")}`);
    }
  }
  if (wants("search")) {
    console.log("");
    console.log(`/incident search over 100,000 stored incidents, ${settings.searchRounds * 7} queries (words and filters)`);
    for (const store of stores) {
      const searched = await searchLatency(100_000, settings.searchRounds, store.url);
      console.log(`  ${store.label}: p50 ${ms(searched.p50)}, p95 ${ms(searched.p95)} (seeded in ${searched.seedSeconds.toFixed(1)} s)`);
    }
  }
  if (wants("api")) {
    console.log("");
    console.log(`GET /api/v1/incidents' query over 100,000 stored incidents, one page per filter, ${settings.apiRounds} rounds each`);
    for (const store of stores) {
      const listed = await apiListLatency(100_000, settings.apiRounds, store.url);
      console.log(`  ${store.label} (seeded in ${listed.seedSeconds.toFixed(1)} s):`);
      for (const f of listed.filters) console.log(`    ${f.name.padEnd(30)} p50 ${ms(f.p50)}, p95 ${ms(f.p95)}`);
    }
  }
  if (wants("status")) {
    console.log("");
    console.log(`GET /status, /status.json and /status/feed.atom over 10,000 stored incidents (1 in 10 public, 3 updates each, over two years), ${settings.statusRounds} requests each; target: server time under 50 ms`);
    for (const store of stores) {
      const f = await statusPageLatency(10_000, settings.statusRounds, store.url);
      console.log(`  ${store.label} (${f.publicIncidents.toLocaleString("en")} public incidents, seeded in ${f.seedSeconds.toFixed(1)} s):`);
      for (const p of f.pages) {
        console.log(
          `    ${p.path.padEnd(18)} server p50 ${ms(p.server.p50)}, p99 ${ms(p.server.p99)} · after a new publication p50 ${ms(p.fresh.p50)}, p99 ${ms(p.fresh.p99)} · whole request p50 ${ms(p.client.p50)}, p99 ${ms(p.client.p99)} · 304 p50 ${ms(p.notModified.p50)} · ${Math.round(p.bytes / 1024)} KB`,
        );
      }
    }
  }
  if (wants("home")) {
    console.log("");
    console.log(
      `App Home publish with ${settings.homeUsers.toLocaleString("en")} people's open work stored (each: 3 open incident roles, 6 open and 4 done action items, ` +
        `the Home opened before; 3 on-call schedules), ${settings.homeRounds} people opening it one at a time: app_home_opened sent → views.publish received`,
    );
    for (const store of stores) {
      const f = await homeBench({ users: settings.homeUsers, rounds: settings.homeRounds, databaseUrl: store.url });
      console.log(
        `  ${store.label} (${f.openIncidents.toLocaleString("en")} open incidents, ${f.openActionItems.toLocaleString("en")} open items, seeded in ${f.seedSeconds.toFixed(1)} s): ` +
          `publish p50 ${ms(f.published.p50)}, p99 ${ms(f.published.p99)} · the Home's reads p50 ${ms(f.reads.p50)}, p99 ${ms(f.reads.p99)} · largest Home ${f.mostBlocks} blocks`,
      );
    }
  }
  if (wants("audit")) {
    console.log("");
    console.log(`/incident audit's query over ${settings.auditEntries.toLocaleString("en")} audit entries (half one workspace's), one page of 20, ${settings.apiRounds} rounds each`);
    for (const store of stores) {
      const audited = await auditLatency(settings.auditEntries, settings.apiRounds, store.url);
      console.log(`  ${store.label} (seeded in ${audited.seedSeconds.toFixed(1)} s; one retention batch of 500: ${ms(audited.pruneMs)}):`);
      for (const q of audited.queries) console.log(`    ${q.name.padEnd(30)} p50 ${ms(q.p50)}, p95 ${ms(q.p95)}`);
    }
  }
  if (wants("scrape")) {
    console.log("");
    console.log(
      `/metrics rendered in this process over ${settings.scrapeIncidents.toLocaleString("en")} stored incidents (1 in 100 open), 50,000 finished and 100 pending deliveries, a pending job per incident; ${settings.scrapeConcurrency} scrapers for ${settings.scrapeSeconds} s`,
    );
    for (const store of stores) {
      const f = await scrapeOverHistory(settings.scrapeIncidents, settings.scrapeConcurrency, settings.scrapeSeconds, store.url);
      console.log(`  ${store.label}: p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, ${f.perSecond.toFixed(0)} scrapes/s (seeded in ${f.seedSeconds.toFixed(1)} s)`);
    }
  }
  if (wants("metrics")) {
    console.log("");
    console.log(
      `/incident metrics over ${settings.metricsIncidents.toLocaleString("en")} stored incidents with timelines (one workspace, ten years; the last two at ${settings.metricsPerDay} a day), ` +
        `6 periods and filters × ${settings.metricsRounds} rounds; targets p95 < 100 ms on PostgreSQL, < 300 ms on PGlite`,
    );
    for (const store of stores) {
      const target = store.url ? 100 : 300;
      const m = await metricsLatency(settings.metricsIncidents, settings.metricsRounds, settings.metricsPerDay, store.url);
      console.log(
        `  ${store.label} (seeded ${m.incidents.toLocaleString("en")} incidents, ${m.timelineEntries.toLocaleString("en")} timeline entries in ${m.seedSeconds.toFixed(1)} s; ${m.inThirtyDays.toLocaleString("en")} in the last 30 days):`,
      );
      console.log(
        `    computation (incidentMetrics)   p50 ${ms(m.computation.p50)}, p95 ${ms(m.computation.p95)}, p99 ${ms(m.computation.p99)}  ${m.computation.p95 < target ? "within" : "OVER"} ${target} ms`,
      );
      for (const v of m.byVariant) console.log(`      ${v.name.padEnd(28)} p50 ${ms(v.p50)}, p95 ${ms(v.p95)}`);
      console.log(`    through the receiver (signed /incident metrics → answer)   p50 ${ms(m.command.p50)}, p95 ${ms(m.command.p95)}, p99 ${ms(m.command.p99)}`);
    }
  }
  if (wants("recovery")) {
    console.log("");
    console.log(`recovery under Slack trouble (30% 429s, 5% 500s, 5% lost answers, 15% of calls taking 11 s): 20 declares at once, seed ${settings.recoverySeed}; complete = channel, card, pin, announcement`);
    for (const store of stores) {
      const result = await recoveryBench({ databaseUrl: store.url, seed: settings.recoverySeed });
      for (const line of describeRecovery(result)) console.log(line);
    }
  }
  console.log("");
  console.log(`whole run: ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

/** What the app answers to one signed `/incident help`: the exact bytes the load must get back every time. */
async function helpAnswer(url: string, shape: SlashCommandShape): Promise<string> {
  const agent = new Agent({ keepAlive: false });
  const answer = await post(new URL(url), agent, signedSlashCommand(shape, 0));
  agent.destroy();
  if (answer.status !== 200 || !answer.contentType.includes("application/json")) throw new Error(`${url} answered /incident help with ${answer.status} ${answer.contentType}: ${answer.body.slice(0, 200)}`);
  return answer.body;
}

/** From the slash command to a fully set-up war room (channel, invites, topic, card, pin, announcement). */
async function declaresPerSecond(fake: FakeSlack, warroom: BenchChild, signingSecret: string): Promise<number> {
  const driver = new SlackDriver({ fake, botUrl: warroom.url, signingSecret });
  // Bolt acks first and opens the modal right after, so the modal shows up a moment after the ack.
  const modalOpenedBy = async (triggerId: string) => {
    for (let waited = 0; waited < 3000; waited += 2) {
      const view = fake.views.find((v) => v.triggerId === triggerId);
      if (view) return view;
      await sleep(2);
    }
    throw new Error("the declare modal did not open within Slack's 3 seconds");
  };
  const declareOne = async (i: number) => {
    const user = ["U_ALICE", "U_BOB", "U_CAROL"][i % 3]!;
    const command = await driver.slashCommand({ userId: user, channelId: "C_BENCH", text: `declare Bench incident ${i}` });
    const view = await modalOpenedBy(command.triggerId);
    const submitted = await driver.submitView({ viewId: view.id, userId: user, values: { severity: "sev2" } });
    if (submitted.status !== 200) throw new Error(`a declare submission answered ${submitted.status}`);
  };
  await warroom.outboxIdle();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.declareConcurrency }, async () => {
      while (next < settings.declares) await declareOne(next++);
    }),
  );
  await warroom.outboxIdle(180_000);
  return settings.declares / ((performance.now() - started) / 1000);
}

function printAcks(runs: DatabaseRun[], answer: string) {
  console.log(
    `ack latency of a signed \`/incident help\` (a ${Buffer.byteLength(answer)}-byte ephemeral JSON answer, the same bytes from both apps), ` +
      `${settings.ackSeconds} s per app and concurrency in ${settings.ackSlices} alternating slices after ${settings.warmupSeconds} s of warm-up`,
  );
  console.log(`  ${"database".padEnd(16)} ${"c".padStart(3)}  ${"app".padEnd(10)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"req/s".padStart(8)} ${"CPU/ack".padStart(9)}`);
  const verdicts: string[] = [];
  for (const run of runs) {
    for (const row of run.acks ?? []) {
      const line = (app: string, f: AckFigures) =>
        console.log(
          `  ${run.label.padEnd(16)} ${String(row.concurrency).padStart(3)}  ${app.padEnd(10)} ${ms(f.p50).padStart(9)} ${ms(f.p99).padStart(9)} ${f.perSecond.toFixed(0).padStart(8)} ${`${f.cpuMicrosPerAck.toFixed(0)} µs`.padStart(9)}`,
        );
      line("warroom", row.warroom);
      line("bare Bolt", row.bare);
      const p50 = row.warroom.p50 / row.bare.p50;
      const p99 = row.warroom.p99 / row.bare.p99;
      const met = p50 <= TARGET && p99 <= TARGET;
      console.log(
        `  ${"".padEnd(16)} ${"".padStart(3)}  ${"ratio".padEnd(10)} ${ratio(p50).padStart(9)} ${ratio(p99).padStart(9)} ${ratio(row.warroom.perSecond / row.bare.perSecond).padStart(8)} ${ratio(row.warroom.cpuMicrosPerAck / row.bare.cpuMicrosPerAck).padStart(9)}  ${met ? "within" : "OVER"} ${TARGET}x`,
      );
      verdicts.push(`${run.label} c=${row.concurrency}: p50 ${ratio(p50)}, p99 ${ratio(p99)}`);
    }
  }
  console.log(`  ratios (warroom / bare Bolt): ${verdicts.join(" · ")}`);
}

function printDeclares(runs: DatabaseRun[]) {
  console.log("");
  console.log(`declares per second (command → modal → submit → war room set up), ${settings.declares} declares, ${settings.declareConcurrency} at a time`);
  for (const run of runs) if (run.declaresPerSecond !== undefined) console.log(`  ${run.label.padEnd(16)} ${run.declaresPerSecond.toFixed(1)} /s`);
}

function printIngest(runs: DatabaseRun[]) {
  console.log("");
  console.log(
    `alert ingest: POST /alerts/generic, one alert per request over 50 groups (the bot declares, groups and tells war rooms meanwhile), ` +
      `beside a bare endpoint storing each body with one insert (same process, door and database); ${settings.alertSeconds} s per side and concurrency in ${settings.alertSlices} alternating slices after ${settings.warmupSeconds} s of warm-up`,
  );
  console.log(`  ${"database".padEnd(16)} ${"c".padStart(3)}  ${"endpoint".padEnd(10)} ${"p50".padStart(9)} ${"p99".padStart(9)} ${"req/s".padStart(8)} ${"CPU/req".padStart(9)}`);
  const verdicts: string[] = [];
  for (const run of runs) {
    for (const row of run.ingest ?? []) {
      const line = (name: string, f: IngestFigures) =>
        console.log(
          `  ${run.label.padEnd(16)} ${String(row.concurrency).padStart(3)}  ${name.padEnd(10)} ${ms(f.p50).padStart(9)} ${ms(f.p99).padStart(9)} ${f.perSecond.toFixed(0).padStart(8)} ${`${f.cpuMicrosPerRequest.toFixed(0)} µs`.padStart(9)}`,
        );
      line("alerts", row.alerts);
      line("bare", row.bare);
      const p99 = row.alerts.p99 / row.bare.p99;
      console.log(
        `  ${"".padEnd(16)} ${"".padStart(3)}  ${"ratio".padEnd(10)} ${ratio(row.alerts.p50 / row.bare.p50).padStart(9)} ${ratio(p99).padStart(9)} ${ratio(row.alerts.perSecond / row.bare.perSecond).padStart(8)} ${ratio(row.alerts.cpuMicrosPerRequest / row.bare.cpuMicrosPerRequest).padStart(9)}  p99 ${p99 <= ALERT_TARGET ? "within" : "OVER"} ${ALERT_TARGET}x`,
      );
      console.log(`  ${"".padEnd(16)} ${"".padStart(3)}  every alert in its incident ${(row.catchUpMs / 1000).toFixed(1)} s after the last slice`);
      verdicts.push(`${run.label} c=${row.concurrency}: ${row.alerts.perSecond.toFixed(0)} alerts/s, p99 ${ratio(p99)}`);
    }
  }
  console.log(`  alerts / bare: ${verdicts.join(" · ")}`);
}

function printOutside(runs: DatabaseRun[]) {
  const spread = (p: { p50: number; p99: number }) => `p50 ${ms(p.p50)}, p99 ${ms(p.p99)}`;
  console.log("");
  console.log(`with PagerDuty and two webhook URLs: ${Math.min(settings.declares, 100)} SEV1 declares, ${settings.declareConcurrency} at a time; time from the Declare button to each arrival`);
  for (const run of runs) {
    const o = run.outside;
    if (!o) continue;
    console.log(`  ${run.label.padEnd(16)} ${o.perSecond.toFixed(1)} declares/s`);
    console.log(`  ${"".padEnd(16)} PagerDuty alert triggered     ${spread(o.page)}`);
    console.log(`  ${"".padEnd(16)} both webhooks received        ${spread(o.webhook)}`);
    console.log(`  ${"".padEnd(16)} war room set up (announced)   ${spread(o.warRoom)}`);
  }
}

function printMemory(runs: DatabaseRun[], bareIdle: MemoryUsage | undefined) {
  const detail = (m: MemoryUsage) => `${mb(m.rss).padStart(7)}  (heap ${mb(m.heapUsed)}, external ${mb(m.external)})`;
  console.log("");
  console.log(`memory (RSS) of a started bot, idle ${settings.idleSeconds} s after start-up and migrations`);
  for (const run of runs) {
    if (run.idle) console.log(`  ${run.label.padEnd(16)} first start     ${detail(run.idle)}`);
    if (run.restartIdle) console.log(`  ${run.label.padEnd(16)} restart         ${detail(run.restartIdle)}`);
    if (run.afterRun && (run.acks || run.declaresPerSecond !== undefined)) console.log(`  ${run.label.padEnd(16)} after the run   ${detail(run.afterRun)}`);
  }
  if (bareIdle) console.log(`  ${"bare Bolt app".padEnd(16)} after the run   ${detail(bareIdle)}`);
  console.log("");
  console.log(`event-loop delay of the idle bot over those ${settings.idleSeconds} s (background work that would hold up an ack)`);
  for (const run of runs) if (run.idleLoop) console.log(`  ${run.label.padEnd(16)} p99 ${ms(run.idleLoop.p99)}, max ${ms(run.idleLoop.max)}`);
}

function printScrapes(runs: DatabaseRun[]) {
  console.log("");
  console.log(`GET /metrics through the bot's receiver (bearer token, gauges read from the database, prom-client's text), ${settings.scrapeConcurrency} scrapers for ${settings.scrapeSeconds} s, after the parts above ran`);
  for (const run of runs) {
    const f = run.scrape;
    if (f) console.log(`  ${run.label.padEnd(16)} p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, ${f.perSecond.toFixed(0)} scrapes/s, ${(f.bytes / 1024).toFixed(1)} KB each`);
  }
}

function redactPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
