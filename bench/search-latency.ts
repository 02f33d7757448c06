// /incident search latency over 100,000 stored incidents (titles and descriptions from a small vocabulary, so
// common words match thousands of rows and ranking has real work to do).
import { sql } from "drizzle-orm";
import { openPglite, openPostgres } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { parseSearch, searchIncidents } from "../src/incidents/search.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_SEARCH";
const queries = ["checkout 502", "database latency", "dns sev:1", "certificate expired status:resolved", "queue backlog service:payments", "memory leak deploy", "login"];

export async function searchLatency(count: number, rounds: number, databaseUrl?: string): Promise<{ p50: number; p95: number; seedSeconds: number }> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  try {
    await migrateDatabase(database);
    const seeding = process.hrtime.bigint();
    await database.db.execute(sql`insert into workspaces (team_id, created_at) values (${TEAM}, now())`);
    await database.db.execute(sql`
      with words as (select array['checkout','payments','database','latency','dns','certificate','expired','queue','backlog','memory','leak','deploy','login','cache','webhook','disk','502','timeout','search','email'] as w)
      insert into incidents (team_id, number, title, description, severity, status, affected_services, commander_id, declared_by, declared_at, declare_key, updated_at)
      select ${TEAM}, g,
        w[1 + g % 20] || ' ' || w[1 + (g * 7) % 20] || ' incident ' || g,
        'Users saw ' || w[1 + (g * 3) % 20] || ' errors while ' || w[1 + (g * 11) % 20] || ' was degraded',
        'sev' || (1 + g % 4), case when g % 5 = 0 then 'investigating' else 'resolved' end,
        jsonb_build_array(case when g % 3 = 0 then 'payments' else 'checkout' end),
        'U1', 'U1', now() - (g || ' minutes')::interval, 'bench-' || g, now()
      from generate_series(1, ${count}) g, words`);
    await database.db.execute(sql`analyze incidents`);
    const seedSeconds = Number(process.hrtime.bigint() - seeding) / 1e9;
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const text of queries) {
        const parsed = parseSearch(text);
        if (!parsed.ok) throw new Error(`bad benchmark query ${text}: ${parsed.problem.kind}`);
        const started = process.hrtime.bigint();
        await searchIncidents(database.db, TEAM, parsed.query);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.ceil(samples.length * 0.95) - 1]!, seedSeconds };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}
