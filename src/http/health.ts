// GET /healthz: 200 once the database is migrated and answering, 503 while starting, stopping or without a database.
import type { CustomRoute } from "@slack/bolt";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

export type Readiness = "starting" | "ready" | "stopping";

export function healthRoute(db: Db, readiness: () => Readiness): CustomRoute {
  return {
    path: "/healthz",
    method: ["GET"],
    handler: (_req, res) => {
      const answer = (status: number, body: Record<string, unknown>) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const state = readiness();
      if (state !== "ready") return answer(503, { ok: false, reason: state });
      db.execute(sql`select 1`).then(
        () => answer(200, { ok: true }),
        () => answer(503, { ok: false, reason: "database unreachable" }),
      );
    },
  };
}
