// npx tsx bench/replay-check.ts: what the replay check costs a request that may change something (one signature
// remembered, alone or batched with others arriving together). BENCH_DATABASE_URL=postgres://… measures
// PostgreSQL in a scratch database it creates and drops; otherwise embedded PGlite.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPglite, openPostgres, type Database } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { SeenRequests } from "../src/http/seen-requests.js";
import { createLogger } from "../src/log.js";

const ROUNDS = Number(process.env.BENCH_REPLAY_ROUNDS ?? 1000);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const signature = () => `v0=${randomBytes(32).toString("hex")}`;

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    const database = await openPglite();
    await migrateDatabase(database);
    return work(database).finally(() => database.close());
  }
  const name = `warroom_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  try {
    await migrateDatabase(database);
    await work(database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await withDatabase(async (database) => {
  const seen = new SeenRequests(database.db, createLogger("silent"));
  for (let i = 0; i < 100; i++) await seen.remember(signature());
  const alone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await seen.remember(signature());
    alone.push(performance.now() - started);
  }
  alone.sort((a, b) => a - b);
  const started = performance.now();
  await Promise.all(Array.from({ length: ROUNDS }, () => seen.remember(signature())));
  const together = performance.now() - started;
  console.log(`replay check (${database.kind}), ${ROUNDS} requests`);
  console.log(`  one at a time: p50 ${percentile(alone, 50).toFixed(3)} ms, p99 ${percentile(alone, 99).toFixed(3)} ms`);
  console.log(`  all at once (batched into one insert per turn of the loop): ${together.toFixed(1)} ms in total`);
});
