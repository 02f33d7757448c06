// Opens the database: PostgreSQL through a pg Pool when DATABASE_URL is set, else embedded PGlite, behind one Drizzle type.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import pg from "pg";
import * as schema from "./schema.js";

type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions take either, so they compose inside a caller's transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** PostgreSQL only: the connection string, for work that needs a session of its own. */
  url?: string;
  close(): Promise<void>;
}

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection must not crash the bot; the pool replaces it.
  pool.on("error", () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return { db, kind: "postgres", url, close: () => pool.end() };
}

/**
 * PGlite's own start parameters plus a smaller buffer cache. Its default (128 MB, a server's) ends up resident:
 * WebAssembly memory never shrinks, so every buffer page once used stays in RSS for the life of the process.
 * The bot's working set is a few MB; pages beyond 16 MB are read back through the file system (the OS page cache
 * for a PGLITE_DIR). Durability is untouched: commits still write the WAL before returning (synchronous_commit
 * stays on), so a kill -9 loses no committed incident; fsync stays off as PGlite runs it (-F), so an OS crash or
 * power cut could, as before.
 */
const pgliteStartParams = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/** dataDir undefined keeps the database in memory (tests); a path persists it across restarts. */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await createDataDirElsewhere(dataDir);
  }
  const client = new PGlite(dataDir, { startParams: pgliteStartParams });
  await client.waitReady;
  const db = drizzlePglite({ client: takingTurnsWithRequests(client), schema }) as unknown as Db;
  return { db, kind: "pglite", close: () => client.close() };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The embedded database runs on this thread, and each of its queries resolves without waiting for I/O: a chain of
 * background work (an alert storm's groups, an outbox run) would go from one query to the next without the event
 * loop ever taking in a request, and a sender would wait for the whole chain. Each query and transaction begun
 * outside a transaction first lets waiting I/O in, so a request waits at most for the work already under way.
 */
function takingTurnsWithRequests(client: PGlite): PGlite {
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  return Object.assign(client, {
    query: (async (...args: Parameters<typeof query>) => {
      await nextTurn();
      return query(...args);
    }) as typeof query,
    exec: (async (...args: Parameters<typeof exec>) => {
      await nextTurn();
      return exec(...args);
    }) as typeof exec,
    transaction: (async (...args: Parameters<typeof transaction>) => {
      await nextTurn();
      return transaction(...args);
    }) as typeof transaction,
  });
}

/**
 * The first start of a PGLITE_DIR runs initdb, which PGlite does in a second, throw-away instance that grows to
 * ~500 MB and is only freed whenever V8 next collects it; in a short-lived child process that memory goes back to
 * the OS at once, and the bot opens a ready data directory like on every later start.
 */
async function createDataDirElsewhere(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return;
  // Where the running code found PGlite (absent under some test runners: PGlite then creates it in-process).
  const pgliteModule = typeof import.meta.resolve === "function" ? import.meta.resolve("@electric-sql/pglite") : undefined;
  if (!pgliteModule) return;
  const create = [
    "const [, dir, moduleUrl, params] = process.argv;",
    "const { PGlite } = await import(moduleUrl);",
    "const db = await PGlite.create(dir, { startParams: JSON.parse(params) });",
    "await db.close();",
  ].join("\n");
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", create, dataDir, pgliteModule, JSON.stringify(pgliteStartParams)], { timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`Could not create the embedded database in ${dataDir}: ${stderr.trim().split("\n").slice(-3).join(" ") || error.message}`)) : resolve(),
    );
  });
}

export async function openDatabase(options: { databaseUrl?: string; pgliteDir: string }): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.pgliteDir);
}
