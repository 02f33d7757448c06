// Reads what the database holds about a test workspace's incidents, oldest first.
import { asc, eq } from "drizzle-orm";
import { incidents } from "../../src/db/schema.js";
import type { TestBot } from "./bot.js";

export const incidentsOf = (h: TestBot) =>
  h.database.db.select().from(incidents).where(eq(incidents.teamId, h.fake.teamId)).orderBy(asc(incidents.number));
