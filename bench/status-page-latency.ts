// GET /status, /status.json and /status/feed.atom over 10,000 stored incidents (1 in 10 public, 3 updates each,
// spread over two years; a few still open): the routes as the bot mounts them, on a plain HTTP server, timed by the
// route itself (Server-Timing: reads + render + ETag) and by the client (the whole request), p50 and p99: the first
// request after a new publication (read and rendered) and the ones after it (the version read, served from memory).
import { sql } from "drizzle-orm";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "../src/clock.js";
import { openPglite, openPostgres } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { statusPageRoutes } from "../src/http/status-page.js";
import { createLogger } from "../src/log.js";
import { scratchDatabase } from "./postgres.js";

const TEAM = "T_BENCH_STATUS";
const OTHER = "T_BENCH_OTHER";

export interface StatusPageFigures {
  seedSeconds: number;
  publicIncidents: number;
  pages: Array<{
    path: string;
    bytes: number;
    /** The first request after a new publication: the page read from the database and rendered. */
    fresh: { p50: number; p99: number };
    /** Later requests: the version read, the rendered page served from memory. */
    server: { p50: number; p99: number };
    client: { p50: number; p99: number };
    notModified: { p50: number; p99: number };
  }>;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;

export async function statusPageLatency(count: number, rounds: number, databaseUrl?: string): Promise<StatusPageFigures> {
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl) : undefined;
  const database = scratch ? openPostgres(scratch.url, 4) : await openPglite();
  try {
    await migrateDatabase(database);
    const seeding = process.hrtime.bigint();
    for (const team of [TEAM, OTHER]) await database.db.execute(sql`insert into workspaces (team_id, created_at) values (${team}, now())`);
    // The same history in another workspace too: the page must read only its own.
    for (const team of [TEAM, OTHER]) {
      const offset = team === TEAM ? 0 : count;
      await database.db.execute(sql`
        insert into incidents (team_id, number, title, severity, status, affected_services, commander_id, declared_by, declared_at, declare_key, updated_at)
        select ${team}, g, 'Internal title ' || g, 'sev' || (1 + g % 4), case when g > ${count} - 50 then 'investigating' else 'resolved' end,
          '["checkout"]'::jsonb, 'U1', 'U1', now() - ((${count} - g) * interval '105 minutes'), 'bench-' || ${offset} + g, now()
        from generate_series(1, ${count}) g`);
      // One in ten is public, with three updates an hour apart; the newest few are still open on the page.
      await database.db.execute(sql`
        insert into status_page_updates (team_id, incident_id, state, text, published_at, published_by)
        select i.team_id, i.id, s.state, 'We are ' || s.state || ' a problem with checkout for some customers (' || i.number || ').',
          i.declared_at + (s.n * interval '1 hour'), 'U1'
        from incidents i cross join (values (1, 'investigating'), (2, 'identified'), (3, 'resolved')) as s(n, state)
        where i.team_id = ${team} and i.number % 10 = 0 and (s.n < 3 or i.number <= ${count} - 50)`);
      await database.db.execute(sql`
        insert into status_page_incidents (team_id, incident_id, incident_number, title, state, services, first_published_at, last_published_at)
        select i.team_id, i.id, i.number, 'Checkout trouble ' || i.number, case when i.number > ${count} - 50 then 'identified' else 'resolved' end,
          '["Checkout"]'::jsonb, i.declared_at + interval '1 hour', i.declared_at + (case when i.number > ${count} - 50 then 2 else 3 end) * interval '1 hour'
        from incidents i where i.team_id = ${team} and i.number % 10 = 0`);
    }
    await database.db.execute(sql`analyze`);
    const seedSeconds = Number(process.hrtime.bigint() - seeding) / 1e9;
    const counted = (await database.db.execute(sql`select count(*)::int as n from status_page_incidents where team_id = ${TEAM}`)) as unknown as { rows: Array<{ n: number }> };
    const n = counted.rows[0]!.n;

    const routes = statusPageRoutes({ db: database.db, clock: systemClock, logger: createLogger("silent"), teamId: TEAM, title: "Bench status", services: ["Checkout", "Search", "Login"] });
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const route = routes.find((r) => r.path === path);
      if (!route) return void res.writeHead(404).end();
      (route.handler as (q: typeof req, s: typeof res) => void)(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pages: StatusPageFigures["pages"] = [];
    try {
      for (const path of ["/status", "/status.json", "/status/feed.atom"]) {
        const freshMs: number[] = [];
        const serverMs: number[] = [];
        const clientMs: number[] = [];
        const notModifiedMs: number[] = [];
        let bytes = 0;
        let etag = "";
        const timed = (response: Response) => Number(/dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1]);
        for (let round = 0; round < rounds + 5; round++) {
          // Someone publishes an update on an open incident: the next request reads and renders the page again.
          // (The previous round's is taken back first, so the page keeps its size.)
          await database.db.execute(sql`delete from status_page_updates where team_id = ${TEAM} and published_by = 'U_BENCH'`);
          await database.db.execute(sql`
            insert into status_page_updates (team_id, incident_id, state, text, published_at, published_by)
            select team_id, incident_id, 'identified', 'Still working on it (' || ${round} || ').', now(), 'U_BENCH'
            from status_page_incidents where team_id = ${TEAM} and state <> 'resolved' order by last_published_at desc limit 1`);
          const first = await fetch(`${base}${path}`);
          await first.arrayBuffer();
          const started = process.hrtime.bigint();
          const response = await fetch(`${base}${path}`);
          const body = await response.arrayBuffer();
          const took = Number(process.hrtime.bigint() - started) / 1e6;
          etag = response.headers.get("etag") ?? "";
          bytes = body.byteLength;
          const timing = timed(response);
          const cached = process.hrtime.bigint();
          const again = await fetch(`${base}${path}`, { headers: { "if-none-match": etag } });
          await again.arrayBuffer();
          if (again.status !== 304) throw new Error(`${path} answered ${again.status} to its own ETag`);
          // The first rounds warm the JIT and the database's caches.
          if (round < 5) continue;
          freshMs.push(timed(first));
          serverMs.push(timing);
          clientMs.push(took);
          notModifiedMs.push(Number(process.hrtime.bigint() - cached) / 1e6);
        }
        const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
        const fig = (xs: number[]) => ({ p50: percentile(sorted(xs), 0.5), p99: percentile(xs, 0.99) });
        pages.push({ path, bytes, fresh: fig(freshMs), server: fig(serverMs), client: fig(clientMs), notModified: fig(notModifiedMs) });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    return { seedSeconds, publicIncidents: n, pages };
  } finally {
    await database.close();
    await scratch?.drop();
  }
}
