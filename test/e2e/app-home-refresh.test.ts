// The App Home follows what changes for its person, without them opening it again, and a burst of changes does not
// become a burst of publishes (paced per person as in production, with a longer window so a busy machine fits the burst).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { declaredIncident } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot({ INCIDENT_ADMINS: "U_ALICE" }, { homeSettleMs: 4000 });
  h.fake.addUser({ id: "U_DAVE", name: "dave", real_name: "Dave Dunn" });
});
afterAll(async () => {
  await h.close();
});

const publishesTo = (userId: string) => h.fake.calls.filter((c) => c.method === "views.publish" && c.args.user_id === userId && c.ok).length;
const homeText = (userId: string) => JSON.stringify(h.fake.homeOf(userId)?.view.blocks ?? []);

async function openHome(userId: string): Promise<void> {
  const before = publishesTo(userId);
  await h.driver.openHome({ userId });
  await waitFor(() => publishesTo(userId) > before);
}

it("ends six quick role changes in at most two publishes of each concerned Home, showing the last roles, and leaves alone who never opened it", async () => {
  const incident = await declaredIncident(h, { title: "Role shuffle", userId: "U_ALICE", severity: "sev2" });
  await openHome("U_BOB");
  await openHome("U_CAROL");
  const bob = publishesTo("U_BOB");
  const carol = publishesTo("U_CAROL");

  for (const text of ["role tech @bob", "role scribe @bob", "role comms @carol", "role tech @carol", "role comms @bob", "role scribe @dave"]) {
    const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text });
    expect(answer.status).toBe(200);
  }
  await h.bot.outbox.waitUntilIdle(20_000);

  expect(publishesTo("U_BOB") - bob).toBeGreaterThanOrEqual(1);
  expect(publishesTo("U_BOB") - bob).toBeLessThanOrEqual(2);
  expect(publishesTo("U_CAROL") - carol).toBeGreaterThanOrEqual(1);
  expect(publishesTo("U_CAROL") - carol).toBeLessThanOrEqual(2);
  expect(homeText("U_BOB")).toContain("you are *Comms Lead*");
  expect(homeText("U_CAROL")).toContain("you are *Tech Lead*");
  // Dave holds a role now, but has never opened the Home: nothing is published for him.
  expect(publishesTo("U_DAVE")).toBe(0);
  // Alice commands it but never opened her Home either.
  expect(publishesTo("U_ALICE")).toBe(0);
});

it("shows a new on-call schedule on the Home of the people on it who have opened theirs", async () => {
  await openHome("U_DAVE");
  const before = publishesTo("U_DAVE");
  const command = await h.driver.slashCommand({ userId: "U_ALICE", channelId: h.fake.channelByName("general")!.id, text: "oncall schedule" });
  const form = await waitFor(() => h.fake.views.find((v) => v.triggerId === command.triggerId && v.callback_id === "oncall_schedule"));
  const saved = await h.driver.submitView({
    viewId: form.id,
    userId: "U_ALICE",
    values: { name: "Payments <primary>", members: ["U_DAVE", "U_BOB"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-01" },
  });
  expect(saved.status).toBe(200);
  await h.bot.outbox.waitUntilIdle(20_000);
  expect(publishesTo("U_DAVE")).toBeGreaterThan(before);
  expect(homeText("U_DAVE")).toContain("*Payments &lt;primary&gt;* · now: <@U_");
});
