// An alert storm end to end: 1,000 alerts across 50 groups, as fast as the senders can post them, against a fake
// Slack that enforces Slack's rate tiers. Slack's minute is shrunk to a second here, for the fake and the bot alike,
// so the war rooms that must wait for conversations.create (Tier 2, 20 a minute) wait seconds, not minutes.
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alerts, incidents, outboxItems, type Incident } from "../../src/db/schema.js";
import { Deliveries } from "../../src/incidents/deliveries.js";
import { addSourceThroughSlack, alertsSettled, postAlerts } from "../support/alerts.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { botLinesIn, cardOf } from "../support/war-room.js";

const WINDOW_MS = 1000;
const GROUPS = 50;
const ALERTS = 1000;
const PER_GROUP = ALERTS / GROUPS;
const SENDERS = 25;

let h: TestBot;
let token: string;

beforeAll(async () => {
  h = await startTestBot(
    { INCIDENT_ADMINS: "U_ALICE" },
    { fake: { tierLimits: true, tierWindowMs: WINDOW_MS }, slackTiming: { rateWindowMs: WINDOW_MS }, alertLinesSettleMs: 300 },
  );
  token = (await addSourceThroughSlack(h, "U_ALICE", { name: "Prometheus", kind: "alertmanager" })).token;
});
afterAll(async () => {
  await h.close();
});

/** Groups 0–9 critical, 10–19 error, 20–34 warning, 35–49 info: SEV1 to SEV4. */
const labelOf = (group: number) => (group < 10 ? "critical" : group < 20 ? "error" : group < 35 ? "warning" : "info");
const severityOfGroup = (group: number) => (group < 10 ? "sev1" : group < 20 ? "sev2" : group < 35 ? "sev3" : "sev4");

/** The nth alert of a group, as Alertmanager sends it. */
function stormAlert(prefix: string, group: number, nth: number) {
  const labels = { alertname: `${prefix}${group}Failing`, instance: `node-${nth}:9100`, service: `${prefix.toLowerCase()}-${group}`, severity: labelOf(group) };
  return {
    status: "firing",
    labels,
    annotations: { summary: `${prefix} ${group} is failing` },
    startsAt: new Date(Date.UTC(2026, 10, 22, 9, 0, nth)).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=up%3D%3D0&g0.tab=1`,
    fingerprint: `${prefix}-${group}-${nth}`.padEnd(16, "0"),
  };
}

/**
 * A group's notifications as Alertmanager sends them while its alerts keep firing: each repeats the alerts
 * already sent and adds `batch` new ones (group_interval), so most alerts arrive more than once.
 */
function notifications(prefix: string, perGroup: number, batch: number) {
  const all = [];
  for (let group = 0; group < GROUPS; group++) {
    for (let upTo = batch; upTo <= perGroup; upTo += batch) {
      const alertsSoFar = Array.from({ length: upTo }, (_, nth) => stormAlert(prefix, group, nth));
      all.push({
        version: "4",
        groupKey: `{}:{alertname="${prefix}${group}Failing"}`,
        truncatedAlerts: 0,
        status: "firing",
        receiver: "warroom",
        groupLabels: { alertname: `${prefix}${group}Failing` },
        commonLabels: { alertname: `${prefix}${group}Failing`, severity: labelOf(group) },
        commonAnnotations: {},
        externalURL: "http://alertmanager.example.com:9093",
        alerts: alertsSoFar,
      });
    }
  }
  return all;
}

/**
 * Posts the notifications with `SENDERS` senders at a time, as fast as answers come back; a group's notifications
 * are next to each other, so they arrive together and race to declare. Returns every status.
 */
async function storm(payloads: unknown[]): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < payloads.length) {
        const answer = await postAlerts(h, "alertmanager", payloads[next++], token);
        statuses.push(answer.status);
      }
    }),
  );
  return statuses;
}

const incidentsFrom = async (prefix: string): Promise<Incident[]> =>
  (await h.database.db.select().from(incidents).where(eq(incidents.teamId, h.fake.teamId))).filter((i) => i.title.startsWith(`${prefix} `));
const groupOf = (incident: Incident) => Number(/ (\d+) is failing$/.exec(incident.title)![1]);
const rateLimited = () => h.fake.calls.filter((c) => c.status === 429);

describe("an alert storm", () => {
  it("turns 1,000 alerts across 50 groups into at most 50 incidents, records every alert, answers every sender, and opens every war room without a 429", { timeout: 180_000 }, async () => {
    const payloads = notifications("Storm", PER_GROUP, 5);
    const statuses = await storm(payloads);
    expect(statuses).toHaveLength(payloads.length);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    await alertsSettled(h, 120_000);

    const [recorded] = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(alerts).where(sql`${alerts.fingerprint} like 'Storm-%'`);
    expect(recorded!.n).toBe(ALERTS);
    const opened = await incidentsFrom("Storm");
    expect(opened).toHaveLength(GROUPS);
    expect(new Set(opened.map(groupOf)).size).toBe(GROUPS);
    for (const incident of opened) {
      expect(incident.severity).toBe(severityOfGroup(groupOf(incident)));
      expect(h.fake.channel(incident.channelId!)).toBeDefined();
      expect(cardOf(h, incident).json).toContain(`${PER_GROUP} alerts firing`);
    }
    expect(rateLimited()).toEqual([]);
  });

  it("opens the war rooms that wait for Slack most severe first, and tells each its alerts in one line", { timeout: 180_000 }, async () => {
    // Slack's budget is spent while the alerts arrive: here, deliveries wait until every alert is in.
    await h.bot.outbox.stop();
    const statuses = await storm(notifications("Surge", 4, 4));
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    await h.bot.alerts.waitUntilIdle(60_000);
    h.bot.outbox.start();
    await h.bot.outbox.waitUntilIdle(120_000);

    const opened = await incidentsFrom("Surge");
    expect(opened).toHaveLength(GROUPS);
    for (const incident of opened) expect(h.fake.channel(incident.channelId!)).toBeDefined();
    expect(rateLimited()).toEqual([]);
    // Which rooms got Slack's budget first is the bot's doing; in what order Slack receives calls sent at the same
    // moment is the network's. So: the order the bot started each room's creation in (rooms started together tie).
    const severityOf = new Map(opened.map((i) => [i.id, i.severity]));
    const starts = await h.database.db
      .select({ incidentId: outboxItems.incidentId, startedAt: outboxItems.attemptedAt })
      .from(outboxItems)
      .where(and(eq(outboxItems.kind, Deliveries.createChannel), inArray(outboxItems.incidentId, opened.map((i) => i.id))));
    const started = starts
      .map((s) => ({ at: s.startedAt!.getTime(), severity: severityOf.get(s.incidentId!)! }))
      .sort((a, b) => a.at - b.at || a.severity.localeCompare(b.severity))
      .map((s) => s.severity);
    expect(started).toHaveLength(GROUPS);
    expect(started).toEqual([...started].sort());

    for (const incident of opened) {
      const lines = botLinesIn(h, incident.channelId!).filter((m) => m.text.includes("alerts fired"));
      expect(lines.map((m) => m.text)).toEqual(["4 alerts fired · 4 alerts firing"]);
    }
  });
});
