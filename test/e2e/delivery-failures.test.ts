// Nothing fails silently: a Slack step that gives up for good is told to the incident's commander and in the war
// room, or in the announcement channel when the war room itself is what failed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declareThroughSlack } from "../support/declare.js";
import { incidentsOf } from "../support/incidents.js";
import { botLinesIn, declaredIncident, say } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const announcements = () => botLinesIn(h, h.fake.channelByName("incidents")!.id);
const failedFacts = async (incidentId: number) => (await timelineOf(h.database.db, h.fake.teamId, incidentId)).filter((e) => e.type === "delivery_failed");

describe("a Slack step that gives up for good", () => {
  it("is told to the commander by DM and in the war room", async () => {
    const incident = await declaredIncident(h, { title: "Topic refused", userId: "U_ALICE", commander: "U_BOB" });
    // A workspace policy that keeps apps from changing topics: Slack refuses, and no retry will change that.
    h.fake.faults.failNext("conversations.setTopic", { error: "restricted_action" });
    expect(await say(h, "U_ALICE", incident.channelId!, "status identified Found the bad deploy")).toContain("now identified");

    const told = `:warning: I could not update the channel topic for incident #${incident.number}: Slack answered \`restricted_action\` and I have stopped retrying.`;
    expect(h.fake.dmsTo("U_BOB").map((m) => m.text).join("\n")).toContain(`A Slack step failed for incident #${incident.number}`);
    expect(JSON.stringify(h.fake.dmsTo("U_BOB").at(-1)!.blocks)).toContain(told);
    expect(botLinesIn(h, incident.channelId!).at(-1)!.text).toContain(told);
    expect((await failedFacts(incident.id)).map((e) => e.data)).toEqual([expect.objectContaining({ kind: "war_room.refresh_topic", error: "restricted_action" })]);
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });

  it("is told in the announcement channel when the war room is what failed (archived by hand)", async () => {
    const incident = await declaredIncident(h, { title: "Room archived by hand", userId: "U_ALICE", commander: "U_BOB" });
    h.fake.archiveAsUser(incident.channelId!, "U_CAROL");
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_ALICE", general, `status #${incident.number} monitoring Fix is out`)).toContain("now monitoring");

    const told = `I could not post an update in the war room for incident #${incident.number}: Slack answered \`is_archived\``;
    expect(JSON.stringify(announcements().at(-1)!.blocks)).toContain(told);
    expect(JSON.stringify(h.fake.dmsTo("U_BOB").at(-1)!.blocks)).toContain(told);
    expect(await failedFacts(incident.id)).toHaveLength(1);
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });

  it("is told once, in the announcement channel, when Slack will not create the war room at all", async () => {
    const before = announcements().length;
    // Workspaces can restrict channel creation to admins; every later war-room step then has nowhere to go.
    h.fake.faults.failNext("conversations.create", { error: "restricted_action" });
    await declareThroughSlack(h, { title: "No room for us", userId: "U_ALICE", commander: "U_CAROL" });
    await h.bot.outbox.waitUntilIdle();
    const incident = (await incidentsOf(h)).at(-1)!;
    expect(incident.channelId).toBeNull();

    const said = announcements().slice(before).map((m) => JSON.stringify(m.blocks ?? m.text));
    expect(said.filter((s) => s.includes("I could not create the war-room channel"))).toHaveLength(1);
    expect(said.filter((s) => s.includes("I could not"))).toHaveLength(1);
    const dms = h.fake.dmsTo("U_CAROL").map((m) => JSON.stringify(m.blocks ?? m.text));
    expect(dms.filter((s) => s.includes(`I could not create the war-room channel for incident #${incident.number}`))).toHaveLength(1);
    expect(dms.filter((s) => s.includes("I could not"))).toHaveLength(1);
    expect(await failedFacts(incident.id)).toHaveLength(1);
    // The declarer is not told the room is on its way.
    expect(h.fake.ephemeralsFor("U_ALICE").at(-1)!.text).toContain("War room: _none: Slack would not create the channel");
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });

  it("is told once when a reopened incident's new war room cannot be opened", async () => {
    const incident = await declaredIncident(h, { title: "Reopen refused", userId: "U_ALICE", commander: "U_BOB" });
    expect(await say(h, "U_ALICE", incident.channelId!, "resolve Fixed")).toContain("is resolved");
    expect(await say(h, "U_ALICE", incident.channelId!, "close")).toContain("is closed");
    const before = { announced: announcements().length, dms: h.fake.dmsTo("U_BOB").length };
    h.fake.faults.failNext("conversations.create", { error: "restricted_action" });
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_ALICE", general, `reopen #${incident.number} It is back`)).toContain("reopened");

    const said = announcements().slice(before.announced).map((m) => JSON.stringify(m.blocks ?? m.text));
    expect(said.filter((s) => s.includes("I could not"))).toEqual([expect.stringContaining("I could not open a new war room for the reopened incident")]);
    const dms = h.fake.dmsTo("U_BOB").slice(before.dms).map((m) => JSON.stringify(m.blocks ?? m.text));
    expect(dms.filter((s) => s.includes("I could not"))).toHaveLength(1);
    expect(await failedFacts(incident.id)).toHaveLength(1);
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });
});
