// Resolving, closing and reopening an incident, races on Resolve, and a whole drill from declare to close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { eventually } from "../support/declare.js";
import { botLinesIn, cardOf, clickOnCard, declaredIncident, modalOpenedBy, reload, say, submitForm } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot();
});
afterAll(async () => {
  await h.close();
});

const archiveCalls = (channelId: string) => h.fake.calls.filter((c) => c.method === "conversations.archive" && c.args.channel === channelId);

describe("resolving", () => {
  it("resolves from the form: the card shows the resolution and durations, and a SEV1 asks for a postmortem", async () => {
    const incident = await declaredIncident(h, { title: "Resolve me", severity: "sev1" });
    const { answer } = await submitForm(h, incident, "U_ALICE", "incident_resolve", {
      summary: "Rolled back deploy 4512",
      root_cause: "A config flag flipped for every region",
    });
    expect(answer.body).toBe("");
    const resolved = await reload(h, incident);
    expect(resolved).toMatchObject({ status: "resolved", resolvedBy: "U_ALICE", resolutionSummary: "Rolled back deploy 4512" });
    const card = cardOf(h, resolved).json;
    expect(card).toContain("Rolled back deploy 4512");
    expect(card).toContain("A config flag flipped");
    expect(card).toMatch(/resolved in \d+s/);
    expect(card).not.toContain('"action_id":"incident_resolve"');
    expect(card).toContain('"action_id":"postmortem_start"');
    const line = botLinesIn(h, resolved.channelId!).at(-1)!.text;
    expect(line).toContain("<@U_ALICE> resolved the incident");
    expect(line).toContain("a postmortem is required");
    expect(h.fake.channel(resolved.channelId!)!.topic.value).toContain("| Resolved |");
    const announced = botLinesIn(h, h.fake.channelByName("incidents")!.id).at(-1)!;
    expect(announced.text).toContain(`Incident #${resolved.number} is now resolved`);
  });

  it("does not ask a SEV3 for a postmortem, and asks for a summary when none is given", async () => {
    const incident = await declaredIncident(h, { title: "Minor", severity: "sev3" });
    const empty = await submitForm(h, incident, "U_ALICE", "incident_resolve", { summary: "   " });
    expect(empty.answer.body.errors.summary).toMatch(/resolution summary/);
    expect(await say(h, "U_ALICE", incident.channelId!, "resolve Restarted the worker")).toContain("is resolved");
    expect(botLinesIn(h, incident.channelId!).at(-1)!.text).not.toContain("postmortem");
  });

  it("resolves once when two people submit Resolve at the same moment; the second is told who did it", async () => {
    const incident = await declaredIncident(h, { title: "Resolve race", userId: "U_ALICE", commander: "U_BOB" });
    const [alice, bob] = await Promise.all([
      clickOnCard(h, incident, "U_ALICE", "incident_resolve"),
      clickOnCard(h, incident, "U_BOB", "incident_resolve"),
    ]);
    const [aliceView, bobView] = await Promise.all([modalOpenedBy(h, alice.triggerId), modalOpenedBy(h, bob.triggerId)]);
    const answers = await Promise.all([
      h.driver.submitView({ viewId: aliceView.id, userId: "U_ALICE", values: { summary: "Alice fixed it" } }),
      h.driver.submitView({ viewId: bobView.id, userId: "U_BOB", values: { summary: "Bob fixed it" } }),
    ]);
    await h.bot.outbox.waitUntilIdle();
    const closed = answers.filter((a) => a.body === "");
    const refused = answers.filter((a) => a.body?.response_action === "errors");
    expect(closed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.body.errors.summary).toMatch(/^Incident #\d+ was already resolved by @(alice|bob) \d+s ago\.$/);
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    expect(entries.filter((e) => e.type === "resolved")).toHaveLength(1);
    expect(botLinesIn(h, incident.channelId!).filter((m) => m.text.includes("resolved the incident"))).toHaveLength(1);
  });
});

describe("closing and reopening", () => {
  it("closes only a resolved incident, posts a final summary and archives the channel", async () => {
    const incident = await declaredIncident(h, { title: "Close me" });
    const room = incident.channelId!;
    expect(await say(h, "U_ALICE", room, "reopen")).toContain("still open");
    expect(await say(h, "U_ALICE", room, "resolve Fixed")).toContain("is resolved");
    expect(await say(h, "U_ALICE", room, "close")).toContain("is closed");
    const closed = await reload(h, incident);
    expect(closed.status).toBe("closed");
    expect(h.fake.channel(room)!.is_archived).toBe(true);
    const summary = botLinesIn(h, room).at(-1)!;
    expect(JSON.stringify(summary.blocks)).toMatch(/Time to resolve:\* \d+s/);
    // The card was brought up to date before the archive: it says closed.
    expect(cardOf(h, closed).json).toContain("Closed");
    expect(h.fake.channel(room)!.topic.value).toContain("| Closed |");
    expect(await say(h, "U_ALICE", room, "close")).toContain("already closed");
  });

  it("keeps a note or an acknowledgement made after the close on the timeline, without posting into or inviting anyone to the archived room", async () => {
    const incident = await declaredIncident(h, { title: "Closed for good", userId: "U_ALICE" });
    const room = incident.channelId!;
    await say(h, "U_ALICE", room, "resolve Fixed");
    await say(h, "U_ALICE", room, "close");
    const archivedAt = h.fake.calls.length;
    const general = h.fake.channelByName("general")!.id;

    expect(await say(h, "U_BOB", general, `note #${incident.number} Found the root cause after all`)).toContain("Added to the timeline");
    expect(await say(h, "U_CAROL", general, `ack #${incident.number}`)).toContain("responding too");
    await h.bot.outbox.waitUntilIdle();

    const types = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["note", "responder_joined"]);
    // Slack refuses every post and invitation in an archived channel: none was tried, nothing gave up.
    expect(h.fake.calls.slice(archivedAt).filter((c) => c.args.channel === room)).toEqual([]);
    expect(h.fake.channel(room)!.members).not.toContain("U_CAROL");
    expect(types).not.toContain("delivery_failed");
  });

  it("reopens a closed incident in a new war room with the same people, a fresh pinned card and the archived room linked", async () => {
    const incident = await declaredIncident(h, { title: "Back again", userId: "U_ALICE", commander: "U_BOB" });
    const room = incident.channelId!;
    await say(h, "U_ALICE", room, "role scribe @carol");
    expect(await say(h, "U_ALICE", room, "resolve Fixed")).toContain("is resolved");
    expect(await say(h, "U_ALICE", room, "close")).toContain("is closed");
    // Archived rooms take no commands: the incident is named by its number.
    const reply = await say(h, "U_ALICE", h.fake.channelByName("general")!.id, `reopen #${incident.number} The errors are back`);
    expect(reply).toContain("continues in a new channel");

    const reopened = await reload(h, incident);
    expect(reopened).toMatchObject({ status: "investigating", resolvedAt: null, closedAt: null, previousChannelIds: [room] });
    expect(h.fake.channel(room)!.is_archived).toBe(true);
    const next = h.fake.channel(reopened.channelId!)!;
    expect(next.name).toBe(`inc-${incident.number}-back-again-2`);
    expect(next.is_archived).toBe(false);
    expect(next.members).toEqual(expect.arrayContaining(["U_ALICE", "U_BOB", "U_CAROL"]));
    expect(next.topic.value).toBe("[SEV1] Back again | Investigating | IC: <@U_BOB>");
    const card = cardOf(h, reopened);
    expect(h.fake.pinsIn(next.id).map((p) => p.ts)).toEqual([reopened.summaryTs]);
    expect(card.json).toContain('"action_id":"incident_resolve"');
    expect(card.json).toContain(`Continues <#${room}> (archived)`);
    const lines = botLinesIn(h, next.id).map((m) => m.text);
    expect(lines[0]).toContain(`<#${room}> is archived and keeps its history`);
    expect(lines.at(-1)).toContain("reopened the incident (it was closed)");
    // Nothing was tried on the archived room, and nothing failed.
    const onOldRoom = h.fake.calls.filter((c) => c.args.channel === room && c.at > (h.fake.calls.find((x) => x.method === "conversations.archive" && x.args.channel === room)?.at ?? 0));
    expect(onOldRoom.filter((c) => !c.ok)).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method === "conversations.unarchive")).toEqual([]);
    expect(await h.bot.outbox.pendingCount()).toBe(0);

    // The timeline carries on, and the new room works like the first.
    expect(await say(h, "U_BOB", next.id, "status identified Found it")).toContain("now identified");
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(["closed", "reopened", "war_room_continued", "status_changed"]));
  });
});

describe("a full drill", () => {
  it("declare → ack → roles → three updates → severity → two pins → resolve → close → reopen → resolve → close", async () => {
    const incident = await declaredIncident(h, { title: "Drill", severity: "sev2", userId: "U_ALICE" });
    const room = incident.channelId!;
    await clickOnCard(h, incident, "U_BOB", "incident_acknowledge");
    await eventually(async () => (await reload(h, incident)).acknowledgedBy === "U_BOB");
    await h.bot.outbox.waitUntilIdle();
    await submitForm(h, incident, "U_ALICE", "incident_assign_roles", { tech_lead: "U_BOB", comms_lead: "U_CAROL", scribe: "U_CAROL" });
    for (const n of [1, 2, 3]) {
      await submitForm(h, incident, "U_CAROL", "incident_post_update", { impact: `Impact ${n}`, current_action: `Action ${n}` });
    }
    expect(await say(h, "U_ALICE", room, "sev 1 Spreading to the US")).toContain("SEV1");
    const found = h.fake.postAsUser(room, "U_BOB", "Found it: the cache TTL is 0");
    const fix = h.fake.postAsUser(room, "U_CAROL", "Deploying the fix now");
    await h.driver.react({ userId: "U_CAROL", channelId: room, ts: found.ts, name: "pushpin" });
    await h.driver.react({ userId: "U_ALICE", channelId: room, ts: fix.ts, name: "pushpin" });
    // Slack's events are acknowledged first and handled after: wait until both pins are on the timeline.
    await eventually(async () => (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === "message_captured").length === 2);
    await submitForm(h, incident, "U_ALICE", "incident_resolve", { summary: "Set the TTL back" });
    expect(await say(h, "U_ALICE", room, "close")).toContain("closed");
    expect(await say(h, "U_ALICE", h.fake.channelByName("general")!.id, `reopen #${incident.number} Customers still see errors`)).toContain("reopened");
    const second = (await reload(h, incident)).channelId!;
    expect(second).not.toBe(room);
    expect(await say(h, "U_ALICE", second, "resolve Purged the CDN too")).toContain("resolved");
    expect(await say(h, "U_ALICE", second, "close")).toContain("closed");

    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    const people = entries.filter((e) => e.actor !== "warroom").map((e) => e.type);
    expect(people).toEqual([
      "declared",
      "acknowledged",
      "role_assigned",
      "role_assigned",
      "role_assigned",
      "update_posted",
      "update_posted",
      "update_posted",
      "severity_changed",
      "message_captured",
      "message_captured",
      "resolved",
      "closed",
      "reopened",
      "resolved",
      "closed",
    ]);
    const times = entries.map((e) => e.occurredAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(entries.filter((e) => e.type === "message_captured").map((e) => [e.actor, e.text])).toEqual(
      expect.arrayContaining([
        ["U_BOB", "Found it: the cache TTL is 0"],
        ["U_CAROL", "Deploying the fix now"],
      ]),
    );

    for (const channelId of [room, second]) {
      expect(h.fake.channel(channelId)!.is_archived).toBe(true);
      expect(archiveCalls(channelId).filter((c) => c.ok)).toHaveLength(1);
      expect(archiveCalls(channelId).filter((c) => !c.ok)).toHaveLength(0);
    }
    // Inviting someone already there is Slack's way of saying "done"; nothing else may have been refused.
    expect(h.fake.calls.filter((c) => !c.ok && c.error !== "already_in_channel").map((c) => `${c.method}: ${c.error}`)).toEqual([]);
    expect(await h.bot.outbox.pendingCount()).toBe(0);
  });
});
