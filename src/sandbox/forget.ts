// Emptying the sandbox's database: every table the bot keeps, in one statement (the sandbox's reset, and a fresh
// start when the fake Slack's half of the sandbox is gone).
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.js";
import * as schema from "../db/schema.js";

/** Every table in src/db/schema.ts, so a table added later is emptied too without anyone remembering to list it. */
const botTables: PgTable[] = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));

/** Only for the sandbox's own database (SANDBOX_DIR): it forgets every incident, schedule and delivery. */
export async function forgetEverything(db: Db): Promise<void> {
  const names = botTables.map((table) => `"${getTableName(table)}"`).join(", ");
  await db.execute(sql.raw(`TRUNCATE ${names} RESTART IDENTITY CASCADE`));
}

/** True when the database holds any incident at all. */
export async function holdsIncidents(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: schema.incidents.id }).from(schema.incidents).limit(1);
  return Boolean(row);
}
