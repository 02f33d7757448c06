// App Home publish latency with 10,000 people's worth of open work stored: each of them holds a role in open
// incidents (commander of one, tech lead and scribe of others), owns 6 open action items (and 4 done ones) from
// resolved incidents, and has opened the Home; three on-call schedules. Measured in this process against a real bot:
// from app_home_opened leaving the driver to views.publish arriving at the fake Slack, one person at a time (so the
// figure is one Home's cost, not a queue), and the Home's reads alone (personalHome).
// Run alone: `npx tsx bench/home-publish.ts` (PGlite; BENCH_DATABASE_URL=postgres://… for PostgreSQL,
// BENCH_HOME_USERS and BENCH_HOME_ROUNDS for the size).
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { inArray, sql } from "drizzle-orm";
import { loadConfig } from "../src/config.js";
import { openPglite, openPostgres, type Database } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { actionItems, incidents } from "../src/db/schema.js";
import { personalHome } from "../src/home/home.js";
import { createLogger } from "../src/log.js";
import { startWarroom } from "../src/warroom.js";
import { startFakeSlack } from "../src/fake-slack/server.js";
import { SlackDriver } from "../src/fake-slack/driver.js";
import { scratchDatabase } from "./postgres.js";

interface Spread {
  p50: number;
  p99: number;
}

export interface HomeFigures {
  users: number;
  openIncidents: number;
  openActionItems: number;
  seedSeconds: number;
  /** app_home_opened sent → views.publish received by Slack. */
  published: Spread;
  /** The Home's reads for one person (incidents and roles, on call, action items and their counts). */
  reads: Spread;
  /** Blocks in the largest Home published. */
  mostBlocks: number;
}

const userId = (n: number) => `UB${String(n).padStart(6, "0")}`;

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}

async function seed(database: Database, teamId: string, users: number): Promise<void> {
  const { db } = database;
  const int = (n: number) => sql.raw(String(Math.trunc(n)));
  const u = (expr: string) => sql.raw(`'UB' || lpad((${expr})::text, 6, '0')`);
  await db.execute(sql`insert into workspaces (team_id, created_at, last_incident_number) values (${teamId}, now(), ${int(3 * users)})`);
  // Open incidents 1..N: person g commands #g, is tech lead of #(g-1) and scribe of #(g-2): three open roles each.
  await db.execute(sql`
    insert into incidents (team_id, number, title, severity, status, commander_id, tech_lead_id, scribe_id, declared_by, declared_at, declare_key, channel_id, updated_at)
    select ${teamId}, g, 'Open incident ' || g, 'sev' || (1 + g % 4), (array['investigating','identified','monitoring'])[1 + g % 3],
      ${u("g")}, ${u(`(g % ${users}) + 1`)}, ${u(`((g + 1) % ${users}) + 1`)}, ${u("g")}, now() - (g || ' minutes')::interval, 'bench-open-' || g, 'CB' || g, now()
    from generate_series(1, ${int(users)}) g`);
  // Resolved history N+1..3N, whose postmortems gave the action items.
  await db.execute(sql`
    insert into incidents (team_id, number, title, severity, status, commander_id, declared_by, declared_at, resolved_at, declare_key, updated_at)
    select ${teamId}, g, 'Past incident ' || g, 'sev' || (1 + g % 4), 'resolved', ${u(`(g % ${users}) + 1`)}, ${u(`(g % ${users}) + 1`)},
      now() - interval '30 days', now() - interval '29 days', 'bench-past-' || g, now()
    from generate_series(${int(users + 1)}, ${int(3 * users)}) g`);
  // Ten items per person: six open (due dates spread over the year), four done.
  await db.execute(sql`
    insert into action_items (team_id, incident_id, description, owner_id, due_date, priority, status, owner_time_zone, created_by, created_at, updated_at)
    select ${teamId}, i.id, 'Follow-up ' || g, ${u(`(g % ${users}) + 1`)}, to_char(date '2026-01-01' + (g % 365), 'YYYY-MM-DD'),
      (array['high','medium','low'])[1 + g % 3], case when (g / ${int(users)}) % 10 < 6 then 'open' else 'done' end, 'UTC', 'UB000001', now(), now()
    from generate_series(0, ${int(10 * users - 1)}) g
    join incidents i on i.team_id = ${teamId} and i.number = ${int(users + 1)} + (g % ${int(2 * users)})`);
  await db.execute(sql`
    insert into home_viewers (team_id, user_id, first_opened_at, last_opened_at)
    select ${teamId}, ${u("g")}, now(), now() from generate_series(1, ${int(users)}) g`);
  await db.execute(sql`
    insert into oncall_schedules (team_id, name, time_zone, handoff_time, length_hours, start_date, members, created_by, updated_at)
    select ${teamId}, 'Schedule ' || s, 'Europe/London', '09:00', 168, '2026-01-05',
      jsonb_build_array(${u("s")}, ${u("s + 1")}, ${u("s + 2")}, ${u("s + 3")}), 'UB000001', now()
    from generate_series(1, 3) s`);
  await db.execute(sql`analyze`);
}

export async function homeBench(options: { users?: number; rounds?: number; databaseUrl?: string } = {}): Promise<HomeFigures> {
  const users = options.users ?? 10_000;
  const rounds = options.rounds ?? 200;
  const fake = await startFakeSlack();
  const scratch = options.databaseUrl ? await scratchDatabase(options.databaseUrl) : undefined;
  const database: Database = scratch ? openPostgres(scratch.url, 10) : await openPglite();
  const signingSecret = randomBytes(16).toString("hex");
  let warroom: Awaited<ReturnType<typeof startWarroom>> | undefined;
  try {
    await migrateDatabase(database);
    const seeding = performance.now();
    await seed(database, fake.teamId, users);
    const seedSeconds = (performance.now() - seeding) / 1000;
    for (let n = 1; n <= users; n++) fake.addUser({ id: userId(n), name: `person${n}`, real_name: `Person ${n}` });

    const config = loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: fake.url, PORT: "0" });
    warroom = await startWarroom({ config, database, logger: createLogger("silent"), homeSettleMs: 0, slackTiming: { rateWindowMs: 0 } });
    const driver = new SlackDriver({ fake, botUrl: `http://127.0.0.1:${warroom.port}/slack/events`, signingSecret });

    const publishedFor = (user: string, after: string | undefined) =>
      new Promise<void>((resolve) => {
        const done = () => fake.homeOf(user) && fake.homeOf(user)!.hash !== after;
        if (done()) return resolve();
        const stop = fake.onChange(() => {
          if (!done()) return;
          stop();
          resolve();
        });
      });

    // Distinct people spread over the range, a few warm-up rounds first (compiling, pool connections).
    const pick = (i: number) => userId(1 + ((i * 7919) % users));
    const published: number[] = [];
    const reads: number[] = [];
    let mostBlocks = 0;
    for (let i = 0; i < rounds + 10; i++) {
      const user = pick(i);
      const before = fake.homeOf(user)?.hash;
      const started = performance.now();
      const landed = publishedFor(user, before);
      await driver.openHome({ userId: user });
      await landed;
      if (i >= 10) published.push(performance.now() - started);
      mostBlocks = Math.max(mostBlocks, (fake.homeOf(user)!.view.blocks as unknown[]).length);
      const read = performance.now();
      await personalHome(database.db, fake.teamId, user, new Date());
      if (i >= 10) reads.push(performance.now() - read);
    }
    const count = async (table: typeof incidents | typeof actionItems, statuses: string[]) =>
      (await database.db.select({ n: sql<number>`count(*)::int` }).from(table).where(inArray(table.status, statuses as never[])))[0]!.n;
    return {
      users,
      openIncidents: await count(incidents, ["investigating", "identified", "monitoring"]),
      openActionItems: await count(actionItems, ["open", "in_progress"]),
      seedSeconds,
      published: spread(published),
      reads: spread(reads),
      mostBlocks,
    };
  } finally {
    await warroom?.stop();
    await database.close();
    await scratch?.drop();
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const users = Number(process.env.BENCH_HOME_USERS ?? 10_000);
  const rounds = Number(process.env.BENCH_HOME_ROUNDS ?? 200);
  const f = await homeBench({ users, rounds, databaseUrl: process.env.BENCH_DATABASE_URL });
  console.log(JSON.stringify(f, null, 2));
}
