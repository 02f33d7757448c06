// The embedded database runs on the bot's own thread: a request's statement must not wait behind a whole chain of
// background work (an alert storm's groups, an outbox run), only behind the background statement under way.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, type Database } from "../../src/db/client.js";

let database: Database;
beforeAll(async () => {
  database = await openPglite();
  await database.db.execute(sql`create table turns (id serial primary key, who text not null)`);
});
afterAll(async () => {
  await database.close();
});

describe("the embedded database", () => {
  it("runs a request's statement after at most one of a background chain's transactions", async () => {
    const order: string[] = [];
    const chain = (async () => {
      for (let i = 0; i < 30; i++) {
        await database.db.transaction(async (tx) => {
          for (let j = 0; j < 5; j++) await tx.execute(sql`insert into turns (who) values ('background')`);
        });
        order.push(`background ${i}`);
      }
    })();
    // The request arrives once the chain is under way, as a sender's does during a burst.
    await new Promise((resolve) => setImmediate(resolve));
    const request = database.db.execute(sql`insert into turns (who) values ('request')`).then(() => order.push("request"));
    await Promise.all([chain, request]);
    expect(order.indexOf("request")).toBeLessThanOrEqual(2);
    expect(order.filter((o) => o.startsWith("background"))).toHaveLength(30);
  });
});
