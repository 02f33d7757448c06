// A failed users.info is not a departure: only a person Slack reports as deleted is treated as gone. A 5xx or a
// timeout leaves the person unknown, and never hands their action item to the commander.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionItems } from "../../src/db/schema.js";
import { eq } from "drizzle-orm";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { declaredIncident, modalOpenedBy } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

/** An incident (commander Alice) with one action item owned by Bob, and the DM Bob got about it. */
async function itemOwnedByBob(title: string) {
  const incident = await declaredIncident(h, { title, userId: "U_ALICE" });
  const seen = h.fake.dmsTo("U_BOB").length;
  const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: `action add ${title}: follow up` });
  const form = await modalOpenedBy(h, opened.triggerId);
  await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { owner: "U_BOB", due: "2030-01-10", priority: "high" } });
  await h.bot.outbox.waitUntilIdle();
  const dm = await waitFor(() => h.fake.dmsTo("U_BOB").slice(seen).find((m) => JSON.stringify(m.blocks).includes(`${title}: follow up`)));
  const [item] = await h.database.db.select().from(actionItems).where(eq(actionItems.description, `${title}: follow up`));
  return { incident, item: item!, dm };
}

/** Bob clicks Reassign in his DM and picks `newOwner`. */
async function reassign(dm: { channel: string; ts: string }, newOwner: string) {
  const click = await h.driver.clickButton({ userId: "U_BOB", channelId: dm.channel, messageTs: dm.ts, actionId: "action_item_reassign" });
  const form = await modalOpenedBy(h, click.triggerId);
  const answer = await h.driver.submitView({ viewId: form.id, userId: "U_BOB", values: { owner: newOwner } });
  await h.bot.outbox.waitUntilIdle();
  return answer;
}

const ownerOf = async (id: number) => (await h.database.db.select().from(actionItems).where(eq(actionItems.id, id)))[0]!.ownerId;
const usersInfoFor = (userId: string) => h.fake.calls.filter((c) => c.method === "users.info" && c.args.user === userId);

describe("reassigning an action item while Slack cannot say who the new owner is", () => {
  it("gives it to the person picked when users.info fails with a 500", async () => {
    const { incident, item, dm } = await itemOwnedByBob("Server error");
    h.fake.addUser({ id: "U_DAVE", name: "dave", real_name: "Dave Diaz" });
    h.fake.faults.failNext("users.info", { status: 500, times: 3 });
    const answer = await reassign(dm, "U_DAVE");
    expect(answer).toMatchObject({ status: 200, body: "" });
    expect(usersInfoFor("U_DAVE").map((c) => c.status)).toContain(500);
    expect(await ownerOf(item.id)).toBe("U_DAVE");
    const dave = h.fake.dmsTo("U_DAVE").map((m) => JSON.stringify(m.blocks)).join("\n");
    expect(dave).toContain("Server error: follow up");
    expect(dave).not.toContain("deactivated");
    expect(h.fake.dmsTo("U_ALICE").map((m) => JSON.stringify(m.blocks)).join("\n")).not.toContain("Server error: follow up");
    const fact = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "action_item_changed").at(-1)!;
    expect(fact.data).toMatchObject({ change: "reassign", ownerId: "U_DAVE", previousOwnerId: "U_BOB" });
    expect(fact.data).not.toHaveProperty("ownerDeactivated");
  });

  it("gives it to the person picked when users.info does not answer in time", async () => {
    const { item, dm } = await itemOwnedByBob("Slow directory");
    h.fake.addUser({ id: "U_ERIN", name: "erin", real_name: "Erin Ellis" });
    h.fake.faults.set({ latency: { ms: 4000, methods: ["users.info"] } });
    try {
      // Answered within Slack's 3 seconds (Bolt answers 404 past them, and Slack shows the person an error).
      const answer = await reassign(dm, "U_ERIN");
      expect(answer).toMatchObject({ status: 200, body: "" });
    } finally {
      h.fake.faults.clear();
    }
    expect(await ownerOf(item.id)).toBe("U_ERIN");
    expect(h.fake.dmsTo("U_ERIN").map((m) => JSON.stringify(m.blocks)).join("\n")).not.toContain("deactivated");
  });

  it("gives it to the commander only when Slack says the person picked is deactivated", async () => {
    const { item, dm } = await itemOwnedByBob("Left the company");
    h.fake.addUser({ id: "U_FRED", name: "fred", real_name: "Fred Former", deleted: true });
    await reassign(dm, "U_FRED");
    expect(await ownerOf(item.id)).toBe("U_ALICE");
    expect(h.fake.dmsTo("U_ALICE").map((m) => JSON.stringify(m.blocks)).join("\n")).toContain("<@U_FRED> is deactivated, so this comes to you as the incident's commander");
  });
});
