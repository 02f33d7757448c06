// Applies the committed SQL migrations in migrations/ at start, on PostgreSQL or PGlite alike.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.js";

// From src/db/ when run with tsx, from dist/src/db/ when compiled: the folder sits at the project root either way.
export const migrationsFolder = ["../../migrations", "../../../migrations"]
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((folder) => existsSync(`${folder}/meta/_journal.json`)) as string;

// Several replicas may start at once against one PostgreSQL; only one may migrate at a time.
const MIGRATION_LOCK = 7_317_001;

/** Applies every migration in `folder` not applied yet (tests pass an older set to check an upgrade). */
export async function migrateDatabase(database: Database, folder: string = migrationsFolder): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as never, { migrationsFolder: folder });
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client }), { migrationsFolder: folder });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
