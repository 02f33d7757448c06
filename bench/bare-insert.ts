// The alert benchmark's baseline: a bare JSON endpoint in the bot's own process and database, behind the same
// HTTP door, that stores each body with one insert and answers 202. What an alert costs beyond that is ours.
import type { CustomRoute } from "@slack/bolt";
import { sql } from "drizzle-orm";
import type { Db } from "../src/db/client.js";

export const BARE_INSERT_PATH = "/bench/bare-insert";

export async function prepareBareInserts(db: Db): Promise<void> {
  await db.execute(sql`create table if not exists bench_bare_inserts (id bigserial primary key, body jsonb not null, received_at timestamptz not null)`);
}

export function bareInsertRoute(db: Db): CustomRoute {
  return {
    path: BARE_INSERT_PATH,
    method: ["POST"],
    handler: (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        db.execute(sql`insert into bench_bare_inserts (body, received_at) values (${body}::jsonb, now())`).then(
          () => {
            res.writeHead(202, { "content-type": "application/json; charset=utf-8" });
            res.end(JSON.stringify({ accepted: 1 }));
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      });
    },
  };
}
