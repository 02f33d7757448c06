// Slack that answers late: calls Slack applies after the bot stopped waiting for them, and a bot stopped while a
// call is in flight. Whatever Slack does late, each card, announcement, link, pin and DM exists exactly once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { ManualClock } from "../../src/clock.js";
import { incidents, outboxItems, type Incident } from "../../src/db/schema.js";
import { Deliveries } from "../../src/incidents/deliveries.js";
import type { FakeSlack } from "../../src/fake-slack/server.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack, eventually, openDeclareModal, submitDeclare, waitFor } from "../support/declare.js";

/** Every message the bot posted for a delivery key, by key: exactly-once means no key twice, anywhere. */
function deliveryKeysPostedTwice(fake: FakeSlack): string[] {
  const seen = new Map<string, number>();
  for (const channel of fake.channels) {
    for (const m of fake.messagesIn(channel.id)) {
      const key = m.metadata?.event_payload?.key;
      if (m.user === fake.botUserId && typeof key === "string") seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

const botPostsIn = (fake: FakeSlack, channelId: string) => fake.messagesIn(channelId).filter((m) => m.user === fake.botUserId && !m.subtype);
const announcementsOf = (fake: FakeSlack, n: number) => botPostsIn(fake, fake.channelByName("incidents")!.id).filter((m) => m.text.includes(`incident #${n} declared`));
const linksFor = (fake: FakeSlack, user: string, n: number) => fake.ephemeralsFor(user).filter((e) => e.text.includes(`Incident #${n} is declared`));

async function incidentDeclaredBy(h: TestBot, viewId: string): Promise<Incident> {
  return eventually(async () => (await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${viewId}`))))[0]);
}

async function outboxItem(h: TestBot, incident: Incident, kind: string) {
  const [row] = await h.database.db.select().from(outboxItems).where(and(eq(outboxItems.incidentId, incident.id), eq(outboxItems.kind, kind)));
  return row!;
}

describe("when Slack applies calls after the bot stopped waiting", () => {
  let h: TestBot;
  // The bot gives up on a call after 300 ms; Slack applies these calls 1.5 s after they arrive.
  const timing = { timeoutMs: 300, settleMs: 2500, drainMs: 200 };
  beforeAll(async () => {
    h = await startTestBot({}, { slackTiming: timing });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.fake.faults.clear());

  it("sets up the war room with one channel, card, pin, announcement, link and DM", { timeout: 90_000 }, async () => {
    h.fake.faults.set({ latency: { ms: 1500, methods: ["chat.postMessage", "conversations.create", "response_url"] } });
    const { view } = await declareThroughSlack(h, { title: "Late answers", commander: "U_BOB" });
    const declared = await incidentDeclaredBy(h, view.id);
    await h.bot.outbox.waitUntilIdle(60_000);
    const incident = await incidentDeclaredBy(h, view.id);

    // A new role holder gets a DM and the war room a line: both posts answered late too.
    await h.driver.slashCommand({ userId: "U_BOB", channelId: incident.channelId!, text: "role tech @carol" });
    await h.bot.outbox.waitUntilIdle(60_000);
    await h.fake.quiet();

    // The late path was taken: the card's first post went unanswered and a later attempt found it.
    expect((await outboxItem(h, declared, Deliveries.postCard)).attempts).toBeGreaterThan(1);

    expect(h.fake.channels.filter((c) => c.name.startsWith(`inc-${incident.number}-late-answers`))).toHaveLength(1);
    expect(incident.channelName).toBe(`inc-${incident.number}-late-answers`);
    const cards = botPostsIn(h.fake, incident.channelId!).filter((m) => m.ts === incident.summaryTs || JSON.stringify(m.blocks ?? []).includes("Acknowledge"));
    expect(cards).toHaveLength(1);
    expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(1);
    expect(announcementsOf(h.fake, incident.number)).toHaveLength(1);
    expect(linksFor(h.fake, "U_ALICE", incident.number)).toHaveLength(1);
    expect(h.fake.dmsTo("U_CAROL").filter((m) => m.user === h.fake.botUserId && m.text.includes(`#${incident.number}`))).toHaveLength(1);
    expect(deliveryKeysPostedTwice(h.fake)).toEqual([]);
  });
});

describe("when Slack is slow to answer a Tier 2 call", () => {
  let h: TestBot;
  // Small calls are given up on after 300 ms; the others are waited for up to 5 s.
  beforeAll(async () => {
    h = await startTestBot({}, { slackTiming: { timeoutMs: 5000, quickTimeoutMs: 300, settleMs: 2500 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("waits for a slow pin rather than spend another of Tier 2's 20 calls a minute on it", { timeout: 60_000 }, async () => {
    const pinsBefore = h.fake.faults.arrivals.get("pins.add") ?? 0;
    h.fake.faults.set({ latency: { ms: 1000, methods: ["pins.add"] } });
    const { view } = await declareThroughSlack(h, { title: "Slow pin", commander: "U_BOB" });
    await h.bot.outbox.waitUntilIdle(30_000);
    const incident = await incidentDeclaredBy(h, view.id);
    expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(1);
    expect((h.fake.faults.arrivals.get("pins.add") ?? 0) - pinsBefore).toBe(1);
  });

  it("announces the incident while its pin is still on its way: nothing after the pin needs it", { timeout: 60_000 }, async () => {
    h.fake.faults.clear();
    const pin = h.fake.faults.holdNext("pins.add");
    const { view } = await declareThroughSlack(h, { title: "Pin held up", commander: "U_BOB" });
    await pin.arrived;
    const incident = await incidentDeclaredBy(h, view.id);
    await waitFor(() => announcementsOf(h.fake, incident.number)[0], 15_000);
    expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(0);
    pin.release();
    await h.bot.outbox.waitUntilIdle(30_000);
    expect(h.fake.pinsIn(incident.channelId!)).toHaveLength(1);
    expect(announcementsOf(h.fake, incident.number)).toHaveLength(1);
  });
});

describe("when the bot stops with a Slack call in flight", () => {
  let h: TestBot;
  const clock = new ManualClock(new Date());
  const timing = { timeoutMs: 60_000, settleMs: 30_000, drainMs: 200 };
  beforeAll(async () => {
    h = await startTestBot({}, { clock, slackTiming: timing });
  });
  afterAll(async () => {
    await h.close();
  });

  it("hands the delivery back, and the next start finds the card Slack posted late instead of posting another", { timeout: 60_000 }, async () => {
    const { view } = await openDeclareModal(h, { title: "Stopped mid post" });
    const card = h.fake.faults.holdNext("chat.postMessage");
    await submitDeclare(h, view.id);
    await card.arrived;

    // The stop does not wait for Slack: the card's delivery is handed back, marked as possibly done.
    await h.stopBot();
    const incident = await incidentDeclaredBy(h, view.id);
    const handedBack = await outboxItem(h, incident, Deliveries.postCard);
    expect(handedBack.status).toBe("pending");
    expect(handedBack.leasedUntil).toBeNull();
    expect(handedBack.uncertainSince).not.toBeNull();
    expect(handedBack.lastError).toMatch(/handed back/);

    // A new process starts while Slack still holds the post; a quick retry would find nothing and post again.
    await h.startBot();
    clock.advance(1000);
    await h.bot.outbox.deliverDue();

    // Slack applies the post after all; once it has had time to land, the retry looks and finds it.
    card.release();
    await waitFor(() => botPostsIn(h.fake, incident.channelId!).length > 0);
    clock.advance(timing.settleMs + 1000);
    await h.bot.outbox.waitUntilIdle(20_000);
    await h.fake.quiet();

    const done = await incidentDeclaredBy(h, view.id);
    const posts = botPostsIn(h.fake, done.channelId!);
    expect(posts).toHaveLength(1);
    expect(done.summaryTs).toBe(posts[0]!.ts);
    expect(h.fake.pinsIn(done.channelId!)).toHaveLength(1);
    expect(announcementsOf(h.fake, done.number)).toHaveLength(1);
    expect(deliveryKeysPostedTwice(h.fake)).toEqual([]);
  });
});
