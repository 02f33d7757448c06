// The card always shows the incident as it is now, and a burst of changes does not become a burst of edits.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { cardOf, declaredIncident, reload } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  // Pacing as in production (1.5 s): one edit at once, the rest coalesced and held while the changes keep coming.
  h = await startTestBot({}, { refreshSettleMs: 1500 });
});
afterAll(async () => {
  await h.close();
});

it("ends ten quick status and role changes in at most two card edits, showing the last state", async () => {
  const incident = await declaredIncident(h, { title: "Burst", userId: "U_ALICE" });
  const room = incident.channelId!;
  const cardEdits = () => h.fake.calls.filter((c) => c.method === "chat.update" && c.args.ts === incident.summaryTs && c.ok);
  const before = cardEdits().length;

  const changes = [
    "status identified Found the bad deploy",
    "role tech @bob",
    "status monitoring Rolled back",
    "role comms @carol",
    "status identified Not quite",
    "role scribe @carol",
    "status monitoring Rolled back again",
    "role tech @carol",
    "status investigating Errors are back",
    "role scribe @bob",
  ];
  for (const text of changes) {
    const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: room, text });
    expect(answer.status).toBe(200);
  }
  await h.bot.outbox.waitUntilIdle();

  expect(cardEdits().length - before).toBeGreaterThanOrEqual(1);
  expect(cardEdits().length - before).toBeLessThanOrEqual(2);
  const now = await reload(h, incident);
  expect(now).toMatchObject({ status: "investigating", techLeadId: "U_CAROL", commsLeadId: "U_CAROL", scribeId: "U_BOB" });
  const card = cardOf(h, now).json;
  expect(card).toContain("Investigating");
  expect(card).toMatch(/Tech Lead\*\\n<@U_CAROL>/);
  expect(card).toMatch(/Scribe\*\\n<@U_BOB>/);
  // Every change still got its own line in the war room.
  const lines = h.fake.messagesIn(room).filter((m) => m.user === h.fake.botUserId && !m.subtype && m.ts !== now.summaryTs);
  expect(lines.filter((m) => /changed the status|is now (Tech Lead|Comms Lead|Scribe)/.test(m.text))).toHaveLength(10);
});
