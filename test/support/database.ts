// A fresh database per test file: embedded PGlite by default, a throw-away PostgreSQL database when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPglite, openPostgres, type Database } from "../../src/db/client.js";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, migrationsFolder } from "../../src/db/migrate.js";

export interface TestDatabase extends Database {
  /** Closes and throws the database away. */
  destroy(): Promise<void>;
}

export const usingPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

/** migrationsFolder: migrate only that far (an older release's migrations), to test an upgrade. */
export async function openTestDatabase(options: { migrationsFolder?: string } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openPglite();
    await migrateDatabase(database, options.migrationsFolder);
    return { ...database, destroy: () => database.close() };
  }
  const name = `warroom_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), 20);
  await migrateDatabase(database, options.migrationsFolder);
  return {
    ...database,
    destroy: async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A copy of migrations/ holding only the migrations up to and including `tag` (e.g. "0005_action_item_reminders"). */
export function migrationsUpTo(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), "warroom-migrations-"));
  mkdirSync(join(folder, "meta"));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
  const last = journal.entries.findIndex((e) => e.tag === tag);
  if (last < 0) throw new Error(`no migration ${tag}`);
  const entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}
