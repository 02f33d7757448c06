// A war room belongs to one incident: a step adopts a channel only if it asked Slack for it itself, and never one
// that another incident (in this workspace or another) holds, even with the same number and title.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { systemClock } from "../../src/clock.js";
import { incidents, outboxItems, type Incident } from "../../src/db/schema.js";
import { declareIncident } from "../../src/incidents/declare.js";
import { Deliveries } from "../../src/incidents/deliveries.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declaredIncident } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const botPostsIn = (channelId: string) => h.fake.messagesIn(channelId).filter((m) => m.user === h.fake.botUserId && !m.subtype);

/** Another workspace's incident, recorded as its own declare would record it. */
async function otherTeamDeclares(teamId: string, title: string): Promise<Incident> {
  const { incident } = await declareIncident(h.database.db, systemClock, { teamId, declaredBy: "U_ALICE", commanderId: "U_ALICE", title, severity: "sev2", declareKey: `${teamId}:${title}` });
  return incident;
}

const reloaded = async (incident: Incident) =>
  (await h.database.db.select().from(incidents).where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id))))[0]!;

/** The first team's war room still shows only its own incident. */
function expectUntouched(ours: Incident) {
  expect(botPostsIn(ours.channelId!)).toHaveLength(1);
  expect(h.fake.pinsIn(ours.channelId!)).toHaveLength(1);
  // Ours is a SEV1, theirs a SEV2: a topic rewritten by their incident would say so.
  expect(h.fake.channel(ours.channelId!)!.topic.value).toMatch(/^\[SEV1\] /);
}

describe("adopting a channel Slack reports as taken", () => {
  it("leaves another team's war room alone when an incident with the same number and title is declared there", async () => {
    const ours = await declaredIncident(h, { title: "Checkout is down" });
    expect(ours.number).toBe(1);
    expect(ours.severity).toBe("sev1");
    const theirs = await otherTeamDeclares("T_ANOTHER_TEAM", "Checkout is down");
    expect(theirs.number).toBe(1);
    h.bot.outbox.kick();
    await h.bot.outbox.waitUntilIdle(20_000);

    const settled = await reloaded(theirs);
    expect(settled.channelId).not.toBe(ours.channelId);
    expect(settled.channelName).toBe("inc-1-checkout-is-down-2");
    expectUntouched(ours);
  });

  it("does not adopt a channel its own earlier attempt asked for when another incident already holds it", async () => {
    const ours = await declaredIncident(h, { title: "Payments lag" });
    // The other team's step had asked Slack for the same name and never heard back, then stopped.
    await h.stopBot();
    const theirs = await otherTeamDeclares("T_ANOTHER_TEAM", "Payments lag");
    expect(theirs.number).toBe(ours.number);
    const asked = { channelTry: { name: ours.channelName, at: new Date(ours.declaredAt.getTime() - 1000).toISOString() } };
    await h.database.db
      .update(outboxItems)
      .set({ progress: asked, uncertainSince: ours.declaredAt })
      .where(and(eq(outboxItems.incidentId, theirs.id), eq(outboxItems.kind, Deliveries.createChannel)));
    await h.startBot();
    await h.bot.outbox.waitUntilIdle(20_000);

    const settled = await reloaded(theirs);
    expect(settled.channelId).not.toBe(ours.channelId);
    expect(settled.channelName).toBe(`${ours.channelName}-2`);
    expectUntouched(ours);
  });
});
