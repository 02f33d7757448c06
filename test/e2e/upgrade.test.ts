// Upgrading from the release that stored ready-made Slack messages: whatever it had queued still reaches Slack,
// and its timeline still reads as it did.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { migrationsUpTo, openTestDatabase } from "../support/database.js";
import { reload, say } from "../support/war-room.js";

let h: TestBot;
let fake: FakeSlack;
const at = "2026-11-22T09:00:00Z";

beforeAll(async () => {
  fake = await startFakeSlack();
  const team = fake.teamId;
  const bot = fake.botUserId;
  // What the earlier release left behind: an open incident with its war room and card, one reopened after its
  // channel was archived (its unarchive still queued), an old timeline entry, and outbox items holding rendered messages.
  const open = fake.createChannel({ name: "inc-1-old-outage", creator: bot, members: ["U_ALICE"] });
  const card = fake.workspace.postMessage({ channel: open.id, user: bot, bot_id: fake.botId, text: "Incident #1", blocks: [] });
  const closed = fake.createChannel({ name: "inc-2-older-outage", creator: bot, members: ["U_ALICE", "U_BOB"] });
  closed.is_archived = true;

  const database = await openTestDatabase({ migrationsFolder: migrationsUpTo("0005_action_item_reminders") });
  const run = (query: ReturnType<typeof sql>) => database.db.execute(query);
  await run(sql`insert into workspaces (team_id, last_incident_number, created_at) values (${team}, 2, ${at})`);
  await run(sql`insert into incidents (team_id, number, title, severity, status, commander_id, declared_by, declared_at, declare_key, channel_id, channel_name, summary_ts, updated_at)
    values (${team}, 1, 'Old outage', 'sev2', 'investigating', 'U_ALICE', 'U_ALICE', ${at}, 'view:OLD1', ${open.id}, ${open.name}, ${card.ts}, ${at}),
           (${team}, 2, 'Older outage', 'sev3', 'investigating', 'U_BOB', 'U_ALICE', ${at}, 'view:OLD2', ${closed.id}, ${closed.name}, null, ${at})`);
  const ids = (await run(sql`select id, number from incidents order by number`)) as unknown as { rows?: Array<{ id: number }> } & Array<{ id: number }>;
  const [first, second] = (ids.rows ?? ids).map((r) => Number(r.id));
  await run(sql`insert into timeline_entries (team_id, incident_id, type, actor, occurred_at, text, data)
    values (${team}, ${first}, 'note', 'U_ALICE', ${at}, 'Rolled back &lt;deploy 12&gt; for <@U_BOB>', '{}'::jsonb)`);
  const item = (kind: string, incidentId: number, payload: unknown, key: string) =>
    run(sql`insert into outbox_items (team_id, incident_id, kind, payload, idempotency_key, status, attempts, next_attempt_at, created_at)
      values (${team}, ${incidentId}, ${kind}, ${JSON.stringify(payload)}::jsonb, ${key}, 'pending', 0, ${at}, ${at})`);
  await item("war_room.post_line", first!, { message: { text: "A line queued before the upgrade" } }, "old:1");
  await item("war_room.share", first!, { message: { text: "A share queued before the upgrade" } }, "old:2");
  await item("war_room.direct_message", first!, { userId: "U_CAROL", message: { text: "A DM queued before the upgrade" } }, "old:3");
  await item("war_room.page", first!, { userId: "U_BOB", level: 2, escalated: true }, "old:4");
  await item("war_room.refresh_card", first!, {}, "old:5");
  await item("war_room.unarchive", second!, {}, "old:6");

  // The upgrade: the rest of the migrations, then the new bot on the same database.
  await migrateDatabase(database);
  h = await startTestBot({}, { database, fakeSlack: fake });
  await h.bot.outbox.waitUntilIdle();
});

afterAll(async () => {
  await h.close();
});

const botSays = (channelId: string) => h.fake.messagesIn(channelId).filter((m) => m.user === h.fake.botUserId && !m.subtype).map((m) => m.text);

it("delivers every message the earlier release had queued, once", async () => {
  const open = h.fake.channelByName("inc-1-old-outage")!;
  expect(botSays(open.id).filter((t) => t === "A line queued before the upgrade")).toHaveLength(1);
  expect(botSays(h.fake.channelByName("incidents")!.id).filter((t) => t === "A share queued before the upgrade")).toHaveLength(1);
  expect(h.fake.dmsTo("U_CAROL").map((m) => m.text)).toEqual(["A DM queued before the upgrade"]);
  const page = h.fake.dmsTo("U_BOB").at(-1)!;
  expect(page.text).toContain("You are paged for SEV2 incident #1");
  expect(JSON.stringify(page.blocks)).toContain("escalated to you (level 2)");
  // The queued card refresh drew the old card anew, from the incident as it is.
  expect(JSON.stringify(h.fake.messagesIn(open.id)[0]!.blocks)).toContain("Old outage");
  const failed = await h.database.db.execute(sql`select count(*)::int as n from outbox_items where status <> 'done'`);
  expect(Number(((failed as unknown as { rows?: Array<{ n: number }> }).rows ?? (failed as unknown as Array<{ n: number }>))[0]!.n)).toBe(0);
});

it("turns a queued unarchive (which bots cannot do) into a new war room that continues the archived one", async () => {
  const [, second] = await h.database.db.execute(sql`select id from incidents order by number`).then((r) => ((r as unknown as { rows?: Array<{ id: number }> }).rows ?? (r as unknown as Array<{ id: number }>)));
  const incident = await reload(h, { id: Number(second!.id) });
  const old = h.fake.channelByName("inc-2-older-outage")!;
  expect(incident.previousChannelIds).toEqual([old.id]);
  const next = h.fake.channel(incident.channelId!)!;
  expect(next.name).toBe("inc-2-older-outage-2");
  expect(h.fake.pinsIn(next.id)).toHaveLength(1);
  expect(old.is_archived).toBe(true);
});

it("shows an old timeline entry as it was written", async () => {
  const open = h.fake.channelByName("inc-1-old-outage")!;
  expect(await say(h, "U_ALICE", open.id, "timeline")).toBe("Timeline of incident #1 (1 entry)");
  const shown = JSON.stringify(h.fake.ephemeralsFor("U_ALICE").at(-1)!.blocks);
  expect(shown).toContain("Rolled back &lt;deploy 12&gt; for <@U_BOB>");
});
