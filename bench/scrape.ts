// The cost of a Prometheus scrape: GET /metrics through a running bot's receiver (bearer token, the database-read
// gauges, prom-client's rendering), and the same scrape in this process over a large stored history, each at a
// fixed number of concurrent scrapers. Overlapping scrapes share one database read (see Telemetry.readings).
import { sql } from "drizzle-orm";
import { Agent, request } from "node:http";
import { ManualClock } from "../src/clock.js";
import { openPglite, openPostgres } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { createLogger } from "../src/log.js";
import { Telemetry } from "../src/telemetry/telemetry.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_SCRAPE";

export interface ScrapeFigures {
  p50: number;
  p99: number;
  perSecond: number;
  bytes: number;
}

/** `concurrency` scrapers, each scraping again as soon as it has its answer, for `seconds`. */
async function underLoad(scrapeOnce: () => Promise<number>, concurrency: number, seconds: number): Promise<ScrapeFigures> {
  const samples: number[] = [];
  let bytes = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        bytes = await scrapeOnce();
        samples.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(samples.length / 2)]!,
    p99: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.99) - 1)]!,
    perSecond: samples.length / elapsed,
    bytes,
  };
}

/** GET /metrics on a running bot, as Prometheus sends it. */
export async function scrapeOverHttp(origin: string, token: string, concurrency: number, seconds: number): Promise<ScrapeFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL("/metrics", origin);
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent, headers: { authorization: `Bearer ${token}`, accept: "text/plain" } }, (res) => {
        let length = 0;
        res.on("data", (c: Buffer) => (length += c.length));
        res.on("end", () => (res.statusCode === 200 ? resolve(length) : reject(new Error(`/metrics answered ${res.statusCode}`))));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  await once();
  try {
    return await underLoad(once, concurrency, seconds);
  } finally {
    agent.destroy();
  }
}

/**
 * The scrape in this process over `count` stored incidents (one in a hundred open, the severities in turn), 50,000
 * finished deliveries and 100 pending, and a pending far-future job per incident: what the gauges' queries cost as
 * history grows. Their cost follows the open incidents and pending rows, not the history (indexes on status).
 */
export async function scrapeOverHistory(count: number, concurrency: number, seconds: number, databaseUrl?: string): Promise<ScrapeFigures & { seedSeconds: number }> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  try {
    await migrateDatabase(database);
    const seeding = performance.now();
    const { db } = database;
    await db.execute(sql`insert into workspaces (team_id, created_at) values (${TEAM}, now())`);
    await db.execute(sql`
      insert into incidents (team_id, number, title, severity, status, commander_id, declared_by, declared_at, declare_key, updated_at)
      select ${TEAM}, g, 'Stored incident ' || g, 'sev' || (1 + (g / 100) % 4), case when g % 100 = 0 then 'investigating' else 'closed' end, 'U1', 'U1', now(), 'bench-' || g, now()
      from generate_series(1, ${count}) g`);
    await db.execute(sql`
      insert into outbox_items (team_id, kind, idempotency_key, status, next_attempt_at, created_at, finished_at)
      select ${TEAM}, 'war_room.post_card', 'done-' || g, 'done', now(), now() - interval '1 hour', now() from generate_series(1, 50000) g`);
    await db.execute(sql`
      insert into outbox_items (team_id, kind, idempotency_key, status, next_attempt_at, created_at)
      select ${TEAM}, 'war_room.post_card', 'pending-' || g, 'pending', now() + interval '1 hour', now() - interval '2 minutes' from generate_series(1, 100) g`);
    await db.execute(sql`
      insert into scheduled_jobs (team_id, incident_id, kind, job_key, due_at, created_at)
      select ${TEAM}, id, 'bench.far', 'far-' || id, now() + interval '30 days', now() from incidents where team_id = ${TEAM}`);
    await db.execute(sql`analyze`);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const telemetry = new Telemetry(createLogger("silent"));
    telemetry.readFrom({ db, clock: new ManualClock(new Date()), teamId: TEAM });
    const once = async () => {
      const text = await telemetry.scrape();
      if (!text.includes(`warroom_incidents_open{severity="sev1"} ${count / 400}`)) throw new Error("the scrape does not show the seeded open incidents");
      return Buffer.byteLength(text);
    };
    await once();
    return { ...(await underLoad(once, concurrency, seconds)), seedSeconds };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}
