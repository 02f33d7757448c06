// GET /api/v1/incidents' query over 100,000 stored incidents: each filter the API offers, alone and together, one page
// of 26 rows (25 and one to know whether there is a next page), as the route asks for it.
import { sql } from "drizzle-orm";
import { openPglite, openPostgres } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { openStatuses } from "../src/incidents/lifecycle.js";
import { incidentsMatching } from "../src/incidents/queries.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_API";
const PAGE = 26;

export async function apiListLatency(count: number, rounds: number, databaseUrl?: string): Promise<{ filters: Array<{ name: string; p50: number; p95: number }>; seedSeconds: number }> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  try {
    await migrateDatabase(database);
    const seeding = process.hrtime.bigint();
    await database.db.execute(sql`insert into workspaces (team_id, created_at) values (${TEAM}, now())`);
    // One incident in 5 open, severities in turn, one in 1,000 naming the rare service "ledger".
    await database.db.execute(sql`
      insert into incidents (team_id, number, title, severity, status, affected_services, commander_id, declared_by, declared_at, declare_key, updated_at)
      select ${TEAM}, g, 'Incident ' || g, 'sev' || (1 + g % 4), case when g % 5 = 0 then 'investigating' else 'resolved' end,
        case when g % 1000 = 0 then '["ledger"]'::jsonb when g % 3 = 0 then '["payments"]'::jsonb else '["checkout"]'::jsonb end,
        'U1', 'U1', now() - ((${count} - g) || ' minutes')::interval, 'bench-' || g, now()
      from generate_series(1, ${count}) g`);
    await database.db.execute(sql`analyze incidents`);
    const seedSeconds = Number(process.hrtime.bigint() - seeding) / 1e9;
    const dayAgo = new Date(Date.now() - 24 * 60 * 60_000);
    const filters = [
      { name: "none", filter: {} },
      { name: "status=open", filter: { statuses: openStatuses } },
      { name: "severity=sev1", filter: { severities: ["sev1" as const] } },
      { name: "service=payments", filter: { service: "payments" } },
      { name: "service=ledger (1 in 1,000)", filter: { service: "ledger" } },
      { name: "since=1 day ago", filter: { since: dayAgo } },
      { name: "open sev1 ledger", filter: { statuses: openStatuses, severities: ["sev1" as const], service: "ledger" } },
      { name: "page 2,000 (cursor)", filter: { beforeNumber: count - 2_000 * 25 } },
    ];
    const results: Array<{ name: string; p50: number; p95: number }> = [];
    for (const { name, filter } of filters) {
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const started = process.hrtime.bigint();
        await incidentsMatching(database.db, TEAM, { ...filter, limit: PAGE });
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      samples.sort((a, b) => a - b);
      results.push({ name, p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.ceil(samples.length * 0.95) - 1]! });
    }
    return { filters: results, seedSeconds };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}
