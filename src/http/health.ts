// GET /healthz: 200 once the database is migrated and answering, 503 while starting, stopping or without a database.
// A bot whose self-check found mismatches (src/slack/self-check.ts: scopes the installed app lacks, …) still answers
// 200, with status "degraded" and the mismatches: it runs and serves what it can, and restarting it (what an
// orchestrator does with a failing probe) mends nothing; a person has to reinstall the app.
import type { CustomRoute } from "@slack/bolt";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

export type Readiness = "starting" | "ready" | "stopping";

export function healthRoute(db: Db, readiness: () => Readiness, problems: () => readonly string[] = () => []): CustomRoute {
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
        () => {
          const found = problems();
          answer(200, found.length ? { ok: true, status: "degraded", problems: found } : { ok: true });
        },
        () => answer(503, { ok: false, reason: "database unreachable" }),
      );
    },
  };
}
