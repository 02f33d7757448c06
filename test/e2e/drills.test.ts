// Drills end to end: /incident drill makes a drill-<N>-… war room whose every message says DRILL, pages nobody, tells
// neither PagerDuty nor webhooks nor the announcement channel, and stays out of search and metrics unless asked;
// /incident drill replay #N plays a past incident back at a speed as the clock moves, while the trainee's own actions
// go on the drill's timeline.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/access/api-tokens.js";
import { ManualClock, systemClock } from "../../src/clock.js";
import { incidents, outboxItems, workspaces, type Incident } from "../../src/db/schema.js";
import { startFakePagerDuty, type FakePagerDuty } from "../../src/fake-pagerduty/server.js";
import { pendingJobsOf } from "../../src/scheduler/scheduler.js";
import { appendTimeline, timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { advance, MINUTE } from "../support/clock.js";
import { eventually } from "../support/declare.js";
import { botLinesIn, cardOf, command, declaredIncident, modalOpenedBy, reload, say, submitForm } from "../support/war-room.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

const secret = "drill-webhook-secret";
/** The bot of the test at hand: with PagerDuty, webhooks and on-call (real clock), or for replays (manual clock). */
let h: TestBot;
let pd: FakePagerDuty;
let hooks: WebhookReceiver;

const general = () => h.fake.channelByName("general")!.id;
const announcements = () => h.fake.channelByName("incidents")!.id;

/** Bob is on call (Primary, daily from 09:00 UTC) and the default escalation policy pages that schedule. */
async function onCallSetup() {
  const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "oncall schedule" });
  const view = await modalOpenedBy(h, opened.triggerId);
  await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { name: "Primary", members: ["U_BOB"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" } });
  const policy = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "escalation policy" });
  const form = await modalOpenedBy(h, policy.triggerId);
  const scheduleOption = JSON.stringify(form.view).match(/"text":"Primary","emoji":true\},"value":"(\d+)"/)![1]!;
  await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Default", is_default: ["default"], repeat: "0", level_1_schedule: scheduleOption } });
  await h.bot.outbox.waitUntilIdle();
}

/** The newest drill, once its war room is set up. */
async function newestDrill(): Promise<Incident> {
  return eventually(async () => {
    const rows = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.isDrill, true)));
    const newest = rows.sort((a, b) => b.number - a.number)[0];
    return newest?.summaryTs ? newest : undefined;
  });
}

const linesText = (channelId: string) => botLinesIn(h, channelId).map((m) => m.text);
const pdEventsFor = (number: number) => pd.received.filter((r) => JSON.stringify(r.body).includes(`#${number} `));
const hooksFor = (number: number) => hooks.arrivals.filter((e) => (e.body.incident as { number?: number } | undefined)?.number === number);

describe("/incident drill", () => {
  beforeAll(async () => {
    pd = await startFakePagerDuty();
    const routingKey = pd.addIntegration();
    hooks = await startWebhookReceiver(secret);
    h = await startTestBot(
      { PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: routingKey, WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET: secret },
      { outsideTiming: { timeoutMs: 2000, pagerDutyRateLimitedWaitMs: 20 }, outboxMaxBackoffMs: 40 },
    );
    await onCallSetup();
  });
  afterAll(async () => {
    await h.close();
    await pd.close();
    await hooks.close();
  });

  let real: Incident;
  let drill: Incident;

  it("pages the on-call engineer, tells PagerDuty and webhooks and announces a real incident (the contrast)", async () => {
    real = await declaredIncident(h, { title: "Database connections exhausted", severity: "sev2", services: "database" });
    await h.bot.outbox.waitUntilIdle();
    expect(h.fake.dmsTo("U_BOB").map((m) => m.text).join("\n")).toContain(`#${real.number}`);
    await eventually(async () => pdEventsFor(real.number).length > 0 && hooksFor(real.number).length > 0);
    expect(linesText(announcements()).join("\n")).toContain("Database connections exhausted");
  });

  it("declares a scenario drill in a drill-<N>-… room with a DRILL card, paging nobody and telling nobody outside", async () => {
    const bobDms = h.fake.dmsTo("U_BOB").length;
    const announced = linesText(announcements()).length;
    const answer = await say(h, "U_ALICE", general(), "drill database");
    drill = await newestDrill();
    expect(answer).toContain(`DRILL #${drill.number} is starting: *Primary database refuses new connections*`);
    expect(drill.number).toBe(real.number + 1); // drills share the workspace's numbers
    expect(drill.channelName).toBe(`drill-${drill.number}-primary-database-refuses-new-connections`);
    expect(drill).toMatchObject({ isDrill: true, metricsKind: "drill", severity: "sev2", escalationPolicyId: null, commanderId: "U_ALICE" });

    const card = cardOf(h, drill);
    expect((card.message.blocks as Array<{ block_id?: string }>)[0]!.block_id).toBe("drill_banner");
    expect(card.json).toContain(":construction: DRILL — *practice incident*");
    expect(card.message.text).toMatch(/^:construction: DRILL — /);
    expect(h.fake.channel(drill.channelId!)!.topic?.value ?? "").toMatch(/^\[DRILL\] \[SEV2\]/);

    // The drill's own life: every line the bot posts in its room says DRILL, card refreshes keep the banner.
    await say(h, "U_ALICE", drill.channelId!, "ack");
    await say(h, "U_ALICE", drill.channelId!, "status identified Connection pool too small");
    await say(h, "U_ALICE", drill.channelId!, "sev 1 Practising a raise");
    // DMs about the drill say so too.
    const carolDms = h.fake.dmsTo("U_CAROL").length;
    await say(h, "U_ALICE", drill.channelId!, "role scribe @carol");
    const told = await eventually(async () => h.fake.dmsTo("U_CAROL").slice(carolDms).at(0));
    expect(told.text).toMatch(/^:construction: DRILL — /);
    expect((told.blocks as Array<{ block_id?: string }>)[0]!.block_id).toBe("drill_banner");
    const lines = botLinesIn(h, drill.channelId!).filter((m) => m.ts !== drill.summaryTs);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      expect(line.text).toMatch(/^:construction: DRILL — /);
      expect((line.blocks as Array<{ block_id?: string }>)[0]!.block_id).toBe("drill_banner");
    }
    expect(cardOf(h, await reload(h, drill)).json).toContain("drill_banner");

    // Nobody paged: Bob (on call) got no DM and was not invited; nothing reached PagerDuty, webhooks or #incidents.
    await h.bot.outbox.waitUntilIdle();
    expect(h.fake.dmsTo("U_BOB")).toHaveLength(bobDms);
    expect(h.fake.channel(drill.channelId!)!.members).not.toContain("U_BOB");
    expect(pdEventsFor(drill.number)).toEqual([]);
    expect(hooksFor(drill.number)).toEqual([]);
    expect(linesText(announcements())).toHaveLength(announced);
    const types = (await timelineOf(h.database.db, h.fake.teamId, drill.id)).map((e) => e.type);
    expect(types).not.toContain("paged");
    expect(types).not.toContain("announced");
  });

  it("opens the declare form marked as a drill when no scenario is given", async () => {
    const opened = await h.driver.slashCommand({ userId: "U_CAROL", channelId: general(), text: "drill" });
    const view = await modalOpenedBy(h, opened.triggerId);
    expect(JSON.stringify(view.view)).toContain("Start a drill");
    expect(JSON.stringify(view.view)).toContain(":construction: DRILL");
    await h.driver.submitView({ viewId: view.id, userId: "U_CAROL", values: { title: "Login page is blank", severity: "sev3" } });
    await h.bot.outbox.waitUntilIdle();
    const formDrill = await newestDrill();
    expect(formDrill.title).toBe("Login page is blank");
    expect(formDrill.channelName).toBe(`drill-${formDrill.number}-login-page-is-blank`);
    expect(cardOf(h, formDrill).message.text).toMatch(/^:construction: DRILL — /);
    expect(pdEventsFor(formDrill.number)).toEqual([]);
  });

  it("leaves drills out of /incident search unless asked, and marks them in /incident list", async () => {
    const plain = JSON.stringify((await command(h, "U_ALICE", general(), "search database")).body);
    expect(plain).toContain(`#${real.number} · Database connections exhausted`);
    expect(plain).not.toContain(`#${drill.number} ·`);
    const asked = JSON.stringify((await command(h, "U_ALICE", general(), "search database drill:yes")).body);
    expect(asked).toContain(`#${real.number} · Database connections exhausted`);
    expect(asked).toContain(`#${drill.number} · Primary database refuses new connections* · :construction: _drill_`);
    const only = JSON.stringify((await command(h, "U_ALICE", general(), "search drill:only")).body);
    expect(only).toContain(`#${drill.number} ·`);
    expect(only).not.toContain(`#${real.number} ·`);
    expect(await say(h, "U_ALICE", general(), "search database drill:maybe")).toContain("`drill:maybe` is not a drill filter");

    const list = JSON.stringify((await command(h, "U_ALICE", general(), "list")).body);
    expect(list).toContain(`#${drill.number} · Primary database refuses new connections* · :construction: _drill_`);
    expect(list).not.toContain(`#${real.number} · Database connections exhausted* · :construction:`);
  });

  it("leaves drills out of /incident metrics, counting them apart, and shows them alone with `drills`", async () => {
    const shown = JSON.stringify((await command(h, "U_ALICE", general(), "metrics")).body);
    expect(shown).toContain("*Declared:* 1 ");
    expect(shown).toContain("2 drills (0 in the period before)");
    const drills = JSON.stringify((await command(h, "U_ALICE", general(), "metrics drills")).body);
    expect(drills).toContain("drills only");
    expect(drills).toContain("*Declared:* 2 ");
  });

  it("leaves drills out of the open-incidents gauge and out of the REST API's list unless asked", async () => {
    // Open now: the real SEV2 and the two drills (a SEV1 and a SEV3); alerts on these gauges must see the SEV2 alone.
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.port}/metrics`)).text();
    const open = Object.fromEntries([...metrics.matchAll(/^warroom_incidents_open\{severity="(sev\d)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(open).toEqual({ sev1: 0, sev2: 1, sev3: 0, sev4: 0 });
    const drillsOpen = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.isDrill, true)));
    expect(drillsOpen.filter((i) => i.status !== "resolved" && i.status !== "closed").length).toBe(2);

    const made = await createApiToken(h.database.db, systemClock, { teamId: h.fake.teamId, name: "drills-check", userId: "U_ALICE", admins: new Set(["U_ALICE"]) });
    if (!made.ok) throw new Error("no API token");
    const token = made.token;
    const listed = async (query: string) => {
      const answer = await fetch(`http://127.0.0.1:${h.bot.port}/api/v1/incidents${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { incidents: Array<{ number: number; drill: boolean }> }).incidents;
    };
    expect((await listed("")).map((i) => i.number)).toEqual([real.number]);
    const all = await listed("?drills=yes");
    expect(all.map((i) => i.number)).toContain(drill.number);
    expect(all.find((i) => i.number === drill.number)?.drill).toBe(true);
    expect((await listed("?drills=only")).every((i) => i.drill)).toBe(true);
    const refused = await fetch(`http://127.0.0.1:${h.bot.port}/api/v1/incidents?drills=maybe`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("drills");
  });
});

describe("/incident drill replay", () => {
  const clock = new ManualClock("2026-11-22T10:00:00Z");
  beforeAll(async () => {
    h = await startTestBot({}, { clock });
  });
  afterAll(async () => {
    await h.close();
  });

  let past: Incident;

  it("replays a past incident's status changes and updates in order at the chosen speed; the trainee's actions are the drill's own", async () => {
    // The past incident, as it happened: identified after 10 minutes, an update at 20, raised at 30, resolved at 40.
    past = await declaredIncident(h, { title: "Checkout errors after deploy", severity: "sev3", services: "checkout" });
    await say(h, "U_BOB", past.channelId!, "ack");
    clock.advance(10 * MINUTE);
    await say(h, "U_ALICE", past.channelId!, "status identified The 14:02 deploy broke sessions");
    clock.advance(10 * MINUTE);
    await submitForm(h, past, "U_ALICE", "incident_post_update", { impact: "Half of checkouts fail", current_action: "Rolling back" });
    clock.advance(10 * MINUTE);
    await say(h, "U_ALICE", past.channelId!, "sev 2 More customers affected");
    clock.advance(10 * MINUTE);
    await say(h, "U_ALICE", past.channelId!, "resolve Rolled back the deploy");
    clock.advance(60 * MINUTE);

    const answer = await say(h, "U_CAROL", general(), `drill replay #${past.number} 10x`);
    const replay = await newestDrill();
    expect(answer).toContain(`DRILL #${replay.number} replays incident #${past.number} at 10×`);
    expect(replay).toMatchObject({ isDrill: true, drillReplayOf: past.id, drillReplaySpeed: 10, commanderId: "U_CAROL", status: "investigating", severity: "sev3" });
    expect(replay.channelName).toMatch(new RegExp(`^drill-${replay.number}-replay-of-${past.number}-checkout-errors-after-deploy$`));
    const replayLines = () => linesText(replay.channelId!).filter((t) => t.includes("(replay #"));
    expect(linesText(replay.channelId!).join("\n")).toContain(`Replaying incident #${past.number} at 10×`);
    expect(replayLines()).toEqual([]);

    // The acknowledgement came at once: due as soon as the clock ticks.
    await advance(h, clock, 1);
    expect(replayLines()).toHaveLength(1);
    expect(replayLines()[0]).toContain("Acknowledged the incident");
    // Nobody from the original incident is pinged: people are named, never mentioned.
    expect(replayLines()[0]).not.toContain("<@U_BOB>");

    await advance(h, clock, MINUTE); // +10 min originally
    expect(replayLines().at(-1)).toContain("Status Investigating → Identified: The 14:02 deploy broke sessions");
    expect(replayLines().at(-1)).toMatch(/^:construction: DRILL — :film_projector: _\(replay #\d+ · 10:10 UTC · \+10m\)_/);
    // The replay does not change the drill: it is the trainee's to move.
    expect((await reload(h, replay)).status).toBe("investigating");

    await say(h, "U_CAROL", replay.channelId!, "ack");
    await say(h, "U_CAROL", replay.channelId!, "status identified Looks like the deploy");
    await advance(h, clock, MINUTE); // +20: the update
    expect(replayLines().at(-1)).toContain("Update: Half of checkouts fail — Rolling back");
    await advance(h, clock, MINUTE); // +30: the severity change
    expect(replayLines().at(-1)).toContain("Severity SEV3 → SEV2: More customers affected");
    expect((await reload(h, replay)).severity).toBe("sev3");

    // In order, as they happened.
    const order = replayLines().map((t) => /(Acknowledged|Status|Update|Severity)/.exec(t)?.[1]);
    expect(order).toEqual(["Acknowledged", "Status", "Update", "Severity"]);

    // The trainee resolves first: the rest of the replay (the original resolution) never comes.
    await say(h, "U_CAROL", replay.channelId!, "resolve Rolled back in practice");
    await advance(h, clock, 10 * MINUTE);
    expect(replayLines()).toHaveLength(4);
    expect(replayLines().join("\n")).not.toContain("Rolled back the deploy");
    expect((await pendingJobsOf(h.database.db, h.fake.teamId, replay.id)).filter((j) => j.kind === "drill.replay")).toEqual([]);

    // The drill's timeline: the trainee's own actions as normal facts, the replayed moments apart.
    const entries = await timelineOf(h.database.db, h.fake.teamId, replay.id);
    const trainee = entries.filter((e) => e.actor === "U_CAROL").map((e) => e.type);
    expect(trainee).toEqual(expect.arrayContaining(["acknowledged", "status_changed", "resolved"]));
    expect(entries.filter((e) => e.type === "replayed")).toHaveLength(4);
    expect(entries.filter((e) => e.type === "replayed").every((e) => e.actor === "warroom")).toBe(true);
    // Nothing about the replay is told outside Slack (the first describe shows PagerDuty and webhooks hear nothing).
    const told = await h.database.db.select().from(outboxItems).where(and(eq(outboxItems.incidentId, replay.id), eq(outboxItems.kind, "outside.fact")));
    expect(told).toEqual([]);
  });

  it("refuses to replay an incident of another workspace (its numbers are not this workspace's)", async () => {
    // Another workspace on the same Warroom, with an incident numbered past any of ours and something to replay.
    const other = "T_OTHER";
    const now = clock.now();
    await h.database.db.insert(workspaces).values({ teamId: other, lastIncidentNumber: 30, createdAt: now });
    const [last] = await h.database.db
      .insert(incidents)
      .values({ teamId: other, number: 30, title: "Theirs", severity: "sev2", status: "identified", commanderId: "U_ZED", declaredBy: "U_ZED", declaredAt: now, declareKey: "other:30", updatedAt: now })
      .returning();
    await h.database.db.transaction((tx) =>
      appendTimeline(tx, { teamId: other, incidentId: last!.id, type: "status_changed", actor: "U_ZED", occurredAt: now, data: { from: "investigating", to: "identified" } }),
    );
    const ours = await h.database.db.select().from(incidents).where(eq(incidents.teamId, h.fake.teamId));
    expect(ours.some((i) => i.number === last!.number)).toBe(false);

    const answer = await say(h, "U_CAROL", general(), `drill replay #${last!.number}`);
    expect(answer).toBe(`There is no incident #${last!.number} in this workspace to replay. \`/incident list all\` shows them.`);
    const drills = await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.isDrill, true)));
    expect(drills.some((d) => d.drillReplayOf === last!.id)).toBe(false);
  });

  it("answers a replay it cannot do in words", async () => {
    expect(await say(h, "U_CAROL", general(), "drill replay")).toContain("Which incident, at what speed?");
    expect(await say(h, "U_CAROL", general(), `drill replay #${past.number} 5000x`)).toContain("is not a speed I can replay at");
    const drill = await newestDrill();
    expect(await say(h, "U_CAROL", general(), `drill replay #${drill.number}`)).toBe(`#${drill.number} is a drill itself; replay the real incident it practised instead.`);
  });
});
