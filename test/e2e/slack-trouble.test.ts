// War rooms set up while Slack is in trouble: rate limits are waited out without counting as failures or
// repeating work, and with every kind of trouble at once each incident still ends up complete, nothing doubled.
// How fast that happens is measured by bench/recovery.ts, not asserted here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { incidents, outboxItems, type Incident } from "../../src/db/schema.js";
import type { FakeSlack } from "../../src/fake-slack/server.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { openDeclareModal, submitDeclare } from "../support/declare.js";

let h: TestBot;
beforeAll(async () => {
  // Slack's timing scaled down: the bot waits 800 ms for an answer, and a slow call takes 1.5 s.
  h = await startTestBot({}, { slackTiming: { timeoutMs: 800, settleMs: 2000, drainMs: 200 } });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.fake.faults.clear());

const botPostsIn = (fake: FakeSlack, channelId: string) => fake.messagesIn(channelId).filter((m) => m.user === fake.botUserId && !m.subtype);
const announcementsOf = (fake: FakeSlack, n: number) => botPostsIn(fake, fake.channelByName("incidents")!.id).filter((m) => m.text.includes(`incident #${n} declared`));

async function declareMany(titles: string[]): Promise<string[]> {
  const views: string[] = [];
  for (const title of titles) views.push((await openDeclareModal(h, { title })).view.id);
  return views;
}

async function incidentsOf(views: string[]): Promise<Incident[]> {
  return h.database.db.select().from(incidents).where(and(eq(incidents.teamId, h.fake.teamId), inArray(incidents.declareKey, views.map((v) => `view:${v}`))));
}

describe("when Slack rate-limits", () => {
  it("posts a rate-limited card and announcement on the retry, without counting a failure or looking for a copy", async () => {
    const [view] = await declareMany(["Rate limited twice"]);
    const callsBefore = h.fake.calls.length;
    h.fake.faults.failNext("chat.postMessage", { status: 429, retryAfterSec: 1, times: 2 });
    await submitDeclare(h, view!);
    await h.bot.outbox.waitUntilIdle(20_000);

    const [incident] = await incidentsOf([view!]);
    const calls = h.fake.calls.slice(callsBefore);
    expect(calls.filter((c) => c.method === "chat.postMessage" && c.status === 429)).toHaveLength(2);
    // Slack refused those posts outright: nothing to look for, no channel to join for looking.
    expect(calls.filter((c) => c.method === "conversations.history" || c.method === "conversations.join")).toEqual([]);
    const steps = await h.database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incident!.id));
    expect(steps.map((s) => s.attempts)).toEqual(steps.map(() => 1));
    expect(botPostsIn(h.fake, incident!.channelId!)).toHaveLength(1);
    expect(announcementsOf(h.fake, incident!.number)).toHaveLength(1);
  });
});

describe("with every kind of Slack trouble at once", () => {
  it("completes every war room, with one channel, card, pin and announcement each and at most one link", { timeout: 240_000 }, async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `Trouble ${i}`);
    const views = await declareMany(titles);
    h.fake.faults.set({
      rateLimit: { ratio: 0.3, retryAfterSec: 1 },
      serverError: { ratio: 0.05, status: 500 },
      lostAnswer: { ratio: 0.05, status: 500 },
      latency: { ms: 1500, ratio: 0.15 },
    });
    await Promise.all(views.map((v) => submitDeclare(h, v)));
    await h.bot.outbox.waitUntilIdle(180_000);
    h.fake.faults.clear();
    await h.fake.quiet();

    const declared = await incidentsOf(views);
    expect(declared).toHaveLength(10);
    for (const incident of declared) {
      const channels = h.fake.channels.filter((c) => c.creator === h.fake.botUserId && c.name.startsWith(`inc-${incident.number}-trouble-`));
      expect(channels.map((c) => c.id)).toEqual([incident.channelId]);
      const posts = botPostsIn(h.fake, incident.channelId!);
      expect(posts.map((p) => p.ts)).toEqual([incident.summaryTs]);
      expect(h.fake.pinsIn(incident.channelId!).map((p) => p.ts)).toEqual([incident.summaryTs]);
      expect(announcementsOf(h.fake, incident.number).map((m) => m.ts)).toEqual([incident.announcementTs]);
      expect(h.fake.ephemeralsFor(incident.declaredBy).filter((e) => e.text.includes(`Incident #${incident.number} is declared`)).length).toBeLessThanOrEqual(1);
    }
  });
});
