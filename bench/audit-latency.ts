// /incident audit's query over a large audit log: a page of the workspace's entries and of one incident's, newest first,
// first and deep (by the `before:` cursor), among other workspaces' entries; and one retention batch.
import { sql } from "drizzle-orm";
import { auditTrail, pruneAuditEntries } from "../src/audit/trail.js";
import { openPglite, openPostgres } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_AUDIT";
const PAGE = 20;

export async function auditLatency(count: number, rounds: number, databaseUrl?: string): Promise<{ queries: Array<{ name: string; p50: number; p95: number }>; pruneMs: number; seedSeconds: number }> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  try {
    await migrateDatabase(database);
    const seeding = process.hrtime.bigint();
    // Half the entries are this workspace's, the rest four others'; one a minute; 1,000 incidents with entries each.
    await database.db.execute(sql`
      insert into audit_entries (team_id, at, actor, action, subject_kind, subject_id, incident_id, incident_number, result, reason, details)
      select case when g % 2 = 0 then ${TEAM} else 'T_OTHER_' || (g % 4) end,
        now() - ((${count} - g) || ' minutes')::interval, 'U' || (g % 50),
        case when g % 10 = 0 then 'change_status' else 'note' end, 'incident', g % 1000, g % 1000, g % 1000,
        case when g % 10 = 0 then 'refused' else 'done' end, case when g % 10 = 0 then 'not_allowed' end,
        jsonb_build_object('entry', g, 'note', 'Step ' || g)
      from generate_series(1, ${count}) g`);
    await database.db.execute(sql`analyze audit_entries`);
    const seedSeconds = Number(process.hrtime.bigint() - seeding) / 1e9;
    const deepWorkspace = (await auditTrail(database.db, TEAM, { limit: 50 })).entries.at(-1)!.id;
    const [middle] = await database.db.execute<{ id: number }>(sql`select id from audit_entries where team_id = ${TEAM} and incident_id = 500 order by at desc, id desc offset 100 limit 1`).then((r) => (r as unknown as { rows: Array<{ id: number }> }).rows);
    const queries = [
      { name: "workspace, newest page", options: { limit: PAGE } },
      { name: "workspace, after 50 entries", options: { limit: PAGE, before: deepWorkspace } },
      { name: "incident, newest page", options: { incidentId: 500, limit: PAGE } },
      { name: "incident, after 100 entries", options: { incidentId: 500, limit: PAGE, before: middle?.id } },
      { name: "incident with no entries", options: { incidentId: 5_000_000, limit: PAGE } },
    ];
    const results: Array<{ name: string; p50: number; p95: number }> = [];
    for (const { name, options } of queries) {
      const samples: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const started = process.hrtime.bigint();
        await auditTrail(database.db, TEAM, options);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      samples.sort((a, b) => a - b);
      results.push({ name, p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.ceil(samples.length * 0.95) - 1]! });
    }
    // One retention batch (500 rows, as Retention deletes them) of the oldest tenth.
    const cutoff = new Date(Date.now() - Math.floor(count * 0.9) * 60_000);
    const pruning = process.hrtime.bigint();
    await pruneAuditEntries(database.db, cutoff, 500);
    const pruneMs = Number(process.hrtime.bigint() - pruning) / 1e6;
    return { queries: results, pruneMs, seedSeconds };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}
