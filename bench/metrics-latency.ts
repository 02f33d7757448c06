// /incident metrics over a long history: N stored incidents (default 1,000,000) in one workspace over ten years,
// the recent ones at BENCH_METRICS_PER_DAY a day,
// each with its timeline (declared, acknowledged, resolved), postmortems and action items, seeded with set-based
// SQL (generate_series), not row by row. Times incidentMetrics itself for every period and filter, then the whole
// command through the real receiver (signed request → Bolt → answer) on the same database.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openPglite, openPostgres, type Database } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { incidentMetrics, type MetricsOptions } from "../src/metrics/queries.js";
import { startFakeSlack } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";
import { startWarroom } from "../src/warroom.js";
import { scratchDatabase } from "./postgres.js";

const YEARS = 10;
/** The stretch at the end of the history where incidents arrive at the chosen daily rate (BENCH_METRICS_PER_DAY). */
const RECENT_DAYS = 730;
const NOW = new Date("2026-11-30T12:00:00Z");

export interface MetricsFigures {
  incidents: number;
  timelineEntries: number;
  seedSeconds: number;
  /** incidentMetrics alone, every variant together. */
  computation: { p50: number; p95: number; p99: number; samples: number };
  byVariant: Array<{ name: string; p50: number; p95: number }>;
  /** `/incident metrics` through the receiver: signed request to the ephemeral answer. */
  command: { p50: number; p95: number; p99: number; samples: number };
  /** How many incidents the default period (30 days) holds, to read the figures by. */
  inThirtyDays: number;
}

const variants: Array<{ name: string; options: MetricsOptions; text: string }> = [
  { name: "30d (the default)", options: { period: "30d" }, text: "metrics" },
  { name: "7d", options: { period: "7d" }, text: "metrics 7d" },
  { name: "90d", options: { period: "90d" }, text: "metrics 90d" },
  { name: "quarter", options: { period: "quarter" }, text: "metrics quarter" },
  { name: "30d sev:1", options: { period: "30d", severity: "sev1" }, text: "metrics sev:1" },
  { name: "90d service:checkout", options: { period: "90d", service: "checkout" }, text: "metrics 90d service:checkout" },
];

const percentileOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
const spread = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentileOf(s, 0.5), p95: percentileOf(s, 0.95), p99: percentileOf(s, 0.99), samples: s.length };
};

/**
 * One workspace's history over ten years: the last two at `perDay` incidents a day (50 by default: a very busy
 * workspace counting every SEV4; a period's cost follows how many incidents it holds), the rest before them
 * (all 1,000,000 evenly over ten years would be ~270 a day). Severities 5/15/40/40 %, one in 100
 * declared in error, the last 50 still open; times to acknowledge, mitigate and resolve spread by a hash of the
 * number; one SLA breach in 10; every resolved SEV1/SEV2 has a postmortem (most published); one action item per
 * 4 incidents, one in 20 of them still open.
 */
export async function seed(database: Database, teamId: string, count: number, perDay: number): Promise<number> {
  const { db } = database;
  // The most recent incidents arrive perDay a day (the last RECENT_DAYS); the rest are spread over the years before.
  const recent = Math.min(count, Math.round(perDay * RECENT_DAYS));
  const recentSeconds = (recent / perDay) * 86_400;
  const olderSeconds = YEARS * 365 * 86_400 - recentSeconds;
  // Bulk loading the way one restores a dump: secondary indexes are dropped and built again afterwards (once, over
  // every row, instead of row by row), and foreign-key triggers are skipped for the load. The tables end up with
  // exactly the indexes the migrations made.
  // One transaction, so the setting holds for the whole load on one connection.
  await db.transaction(async (tx) => {
    const indexes = rowsOf<{ indexdef: string; indexname: string }>(
      await tx.execute(sql`select indexname, indexdef from pg_indexes where tablename in ('incidents', 'timeline_entries', 'postmortems', 'action_items') and indexname not like '%_pkey'`),
    );
    for (const index of indexes) await tx.execute(sql.raw(`drop index "${index.indexname}"`));
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`insert into workspaces (team_id, last_incident_number, created_at) values (${teamId}, ${count}, now()) on conflict (team_id) do update set last_incident_number = ${count}`);
    await tx.execute(sql`
      insert into incidents (team_id, number, title, severity, status, affected_services, commander_id, declared_by, declared_at, declare_key,
        acknowledged_at, acknowledged_by, mitigated_at, resolved_at, resolved_by, closed_at, close_reason, ack_sla_breached_at, resolve_sla_breached_at, updated_at)
      select ${teamId}, g, 'Incident ' || g,
        case when g % 20 = 0 then 'sev1' when g % 20 < 4 then 'sev2' when g % 20 < 12 then 'sev3' else 'sev4' end,
        case when g > ${count} - 50 then 'investigating' else 'closed' end,
        case g % 3 when 0 then '["checkout"]'::jsonb when 1 then '["payments"]'::jsonb else '["search", "checkout-api"]'::jsonb end,
        'U_ALICE', 'U_ALICE', d, 'bench-' || g,
        d + ((60 + (g::bigint * 7919) % 1800) || ' seconds')::interval, 'U_ALICE',
        case when g > ${count} - 50 then null else d + ((600 + (g::bigint * 104729) % 7200) || ' seconds')::interval end,
        case when g > ${count} - 50 then null else d + ((1800 + (g::bigint * 1299709) % 36000) || ' seconds')::interval end,
        case when g > ${count} - 50 then null else 'U_ALICE' end,
        case when g > ${count} - 50 then null else d + interval '2 days' end,
        case when g % 100 = 7 then 'declared_in_error' end,
        case when g % 10 = 3 then d + interval '5 minutes' end,
        case when g % 10 = 5 then d + interval '4 hours' end,
        d
      from (select g, ${NOW.toISOString()}::timestamptz - (case when g > ${count - recent}
                 then (${count} - g)::float8 * 86400 / ${perDay}
                 else ${recentSeconds} + (${count - recent} - g)::float8 * ${olderSeconds} / greatest(1, ${count - recent}) end || ' seconds')::interval as d
            from generate_series(1, ${count}) g) s`);
    // Each incident's timeline: declared, acknowledged, resolved (when it was).
    await tx.execute(sql`
      insert into timeline_entries (team_id, incident_id, type, actor, occurred_at, text, data)
      select i.team_id, i.id, t.type, 'U_ALICE', t.at, '', t.data
      from incidents i, lateral (values
        ('declared', i.declared_at, jsonb_build_object('severity', i.severity)),
        ('acknowledged', i.acknowledged_at, '{}'::jsonb),
        ('resolved', i.resolved_at, jsonb_build_object('summary', 'Fixed'))) t(type, at, data)
      where i.team_id = ${teamId} and t.at is not null`);
    await tx.execute(sql`
      insert into postmortems (team_id, incident_id, status, published_at, updated_at)
      select team_id, id, case when number % 4 = 0 then 'draft' else 'published' end,
        case when number % 4 = 0 then null else resolved_at + ((number % 12) || ' days')::interval end, resolved_at
      from incidents where team_id = ${teamId} and severity in ('sev1', 'sev2') and resolved_at is not null`);
    await tx.execute(sql`
      insert into action_items (team_id, incident_id, description, owner_id, due_date, status, created_by, created_at, updated_at)
      select team_id, id, 'Follow-up of ' || number, 'U_BOB', to_char(declared_at + interval '14 days', 'YYYY-MM-DD'),
        case when number % 80 = 0 then 'open' else 'done' end, 'U_ALICE', declared_at, declared_at
      from incidents where team_id = ${teamId} and number % 4 = 0`);
    for (const index of indexes) await tx.execute(sql.raw(index.indexdef));
  });
  // PostgreSQL's autovacuum does this after a bulk load; PGlite never does it by itself (see the README's figures).
  await db.execute(sql`vacuum analyze incidents`);
  await db.execute(sql`vacuum analyze timeline_entries`);
  await db.execute(sql`vacuum analyze postmortems`);
  await db.execute(sql`vacuum analyze action_items`);
  const [entries] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from timeline_entries where team_id = ${teamId}`));
  return Number(entries!.n);
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export async function metricsLatency(count: number, rounds: number, perDay: number, databaseUrl?: string): Promise<MetricsFigures> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  const fake = await startFakeSlack();
  try {
    await migrateDatabase(database);
    const teamId = fake.teamId;
    const seeding = process.hrtime.bigint();
    const timelineEntries = await seed(database, teamId, count, perDay);
    const seedSeconds = Number(process.hrtime.bigint() - seeding) / 1e9;

    // The computation alone, variants interleaved so none runs only warm.
    const all: number[] = [];
    const each = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    let inThirtyDays = 0;
    for (let round = -1; round < rounds; round++) {
      for (const v of variants) {
        const started = process.hrtime.bigint();
        const m = await incidentMetrics(database.db, teamId, v.options, NOW);
        const took = Number(process.hrtime.bigint() - started) / 1e6;
        if (v.name.startsWith("30d (")) inThirtyDays = (m.declared.current ?? 0) + m.excluded.in_error.current;
        // Round -1 warms the caches and the code; it is not counted.
        if (round < 0) continue;
        all.push(took);
        each.get(v.name)!.push(took);
      }
    }

    // The whole command through the real receiver: a bot on this database, answering signed slash commands.
    const signingSecret = randomBytes(16).toString("hex");
    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: fake.url, PORT: "0", LOG_LEVEL: "silent", WEEKLY_REPORT: "off" });
    const bot = await startWarroom({ config, database, logger: createLogger("silent"), clock: { now: () => NOW }, schedulerTicks: false, stopLingerMs: 0 });
    const commandSamples: number[] = [];
    try {
      const driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret });
      const general = fake.channelByName("general")!.id;
      for (let round = -1; round < rounds; round++) {
        for (const v of variants) {
          const started = process.hrtime.bigint();
          const answer = await driver.slashCommand({ userId: "U_CAROL", channelId: general, text: v.text });
          const took = Number(process.hrtime.bigint() - started) / 1e6;
          const blocks = JSON.stringify(answer.body?.blocks ?? "");
          if (answer.status !== 200 || !blocks.includes("Declared:")) throw new Error(`/incident ${v.text} answered ${answer.status}: ${blocks.slice(0, 200)}`);
          if (round >= 0) commandSamples.push(took);
        }
      }
    } finally {
      await bot.stop();
    }
    return {
      incidents: count,
      timelineEntries,
      seedSeconds,
      computation: spread(all),
      byVariant: variants.map((v) => {
        const s = spread(each.get(v.name)!);
        return { name: v.name, p50: s.p50, p95: s.p95 };
      }),
      command: spread(commandSamples),
      inThirtyDays,
    };
  } finally {
    await fake.close();
    await database.close();
    await scratch?.drop();
  }
}
