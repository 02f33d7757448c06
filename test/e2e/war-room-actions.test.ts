// Running an incident from its war room: acknowledge, status, severity, roles, updates, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import {
  botLinesIn,
  cardOf,
  clickOnCard,
  declaredIncident,
  modalOpenedBy,
  nextEphemeral,
  reload,
  say,
  submitForm,
} from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot({ INCIDENT_ADMINS: "U_DAN" });
  h.fake.addUser({ id: "U_DAN", name: "dan", real_name: "Dan Admin" });
});
afterAll(async () => {
  await h.close();
});

const announcements = () => botLinesIn(h, h.fake.channelByName("incidents")!.id);

describe("acknowledging", () => {
  it("records the first acknowledgement, updates the card and says so in the channel", async () => {
    const incident = await declaredIncident(h, { title: "Ack me", userId: "U_ALICE" });
    expect(cardOf(h, incident).json).toContain("_not yet_");
    const seen = h.fake.ephemeralsFor("U_BOB").length;
    await clickOnCard(h, incident, "U_BOB", "incident_acknowledge");
    expect((await nextEphemeral(h, "U_BOB", seen)).text).toContain("You acknowledged incident");
    await h.bot.outbox.waitUntilIdle();

    const acked = await reload(h, incident);
    expect(acked.acknowledgedBy).toBe("U_BOB");
    const card = cardOf(h, acked).json;
    expect(card).toContain("<@U_BOB> after");
    expect(card).not.toContain('"action_id":"incident_acknowledge"');
    expect(botLinesIn(h, incident.channelId!).at(-1)!.text).toMatch(/<@U_BOB> acknowledged the incident, \d+s after it was declared/);
    expect(h.fake.channel(incident.channelId!)!.members).toContain("U_BOB");
  });

  it("answers a later acknowledgement with who was first, and records the new responder", async () => {
    const incident = await declaredIncident(h, { title: "Ack twice" });
    expect(await say(h, "U_BOB", incident.channelId!, "ack")).toContain("You acknowledged incident");
    const second = await say(h, "U_CAROL", incident.channelId!, "ack");
    expect(second).toMatch(/Already acknowledged by <@U_BOB> \d+s ago/);
    expect((await reload(h, incident)).acknowledgedBy).toBe("U_BOB");
    const types = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).map((e) => e.type);
    expect(types.filter((t) => t === "acknowledged")).toHaveLength(1);
    expect(types).toContain("responder_joined");
  });

  it("gives one acknowledgement when two people click at the same moment", async () => {
    const incident = await declaredIncident(h, { title: "Ack race" });
    const seen = { bob: h.fake.ephemeralsFor("U_BOB").length, carol: h.fake.ephemeralsFor("U_CAROL").length };
    await Promise.all([clickOnCard(h, incident, "U_BOB", "incident_acknowledge"), clickOnCard(h, incident, "U_CAROL", "incident_acknowledge")]);
    const answers = [(await nextEphemeral(h, "U_BOB", seen.bob)).text, (await nextEphemeral(h, "U_CAROL", seen.carol)).text];
    expect(answers.filter((a) => a.startsWith("You acknowledged"))).toHaveLength(1);
    expect(answers.filter((a) => /^Already acknowledged by <@U_(BOB|CAROL)>/.test(a))).toHaveLength(1);
    await h.bot.outbox.waitUntilIdle();
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    expect(entries.filter((e) => e.type === "acknowledged")).toHaveLength(1);
  });

  it("works from anywhere with #N, and says clearly when the incident is missing", async () => {
    const incident = await declaredIncident(h, { title: "Ack from afar" });
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_CAROL", general, `ack #${incident.number}`)).toContain(`You acknowledged incident #${incident.number}`);
    expect(await say(h, "U_CAROL", general, "ack")).toContain("This channel is not an incident's war room");
    expect(await say(h, "U_CAROL", general, "ack #9999")).toContain("There is no incident #9999");
  });
});

describe("status", () => {
  it("changes status from the card's form, updates card and topic, and shares it when asked", async () => {
    const incident = await declaredIncident(h, { title: "Status form", severity: "sev2" });
    const click = await clickOnCard(h, incident, "U_ALICE", "incident_update_status");
    const view = await modalOpenedBy(h, click.triggerId);
    const offered = JSON.stringify(view.view.blocks);
    for (const s of ["identified", "monitoring"]) expect(offered).toContain(`"value":"${s}"`);
    for (const s of ["investigating", "resolved", "closed"]) expect(offered).not.toContain(`"value":"${s}"`);

    const answer = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { status: "identified", message: "Bad config push <!channel>", share: ["share"] } });
    expect(answer.body).toBe("");
    await h.bot.outbox.waitUntilIdle();

    const now = await reload(h, incident);
    expect(now.status).toBe("identified");
    expect(now.identifiedAt).not.toBeNull();
    expect(cardOf(h, now).json).toContain("Identified");
    expect(h.fake.channel(now.channelId!)!.topic.value).toBe("[SEV2] Status form | Identified | IC: <@U_ALICE>");
    const line = botLinesIn(h, now.channelId!).at(-1)!.text;
    expect(line).toContain("<@U_ALICE> changed the status from *Investigating* to *Identified*");
    expect(line).toContain("Bad config push &lt;!channel&gt;");
    expect(JSON.stringify(announcements().at(-1))).toContain(`#${now.number}`);
    const entry = (await timelineOf(h.database.db, h.fake.teamId, now.id)).at(-1)!;
    expect(entry).toMatchObject({ type: "status_changed", actor: "U_ALICE", data: { from: "investigating", to: "identified", shared: true } });
  });

  it("changes status by command, explains invalid transitions and unknown states", async () => {
    const incident = await declaredIncident(h, { title: "Status command" });
    const room = incident.channelId!;
    expect(await say(h, "U_ALICE", room, "status monitoring Fix is deployed")).toContain("is now monitoring");
    expect((await reload(h, incident)).mitigatedAt).not.toBeNull();
    expect(await say(h, "U_ALICE", room, "status monitoring")).toContain("already monitoring. It can move to investigating or identified.");
    expect(await say(h, "U_ALICE", room, "status investigating Errors are back")).toContain("is now investigating");
    expect(await say(h, "U_ALICE", room, "status resolved")).toContain("/incident resolve");
    expect(await say(h, "U_ALICE", room, "status sideways")).toContain("`sideways` is not a status. Use one of: `investigating`, `identified`, `monitoring`");
    expect(await say(h, "U_ALICE", room, "close")).toContain("Only a resolved incident can be closed");
  });
});

describe("who may do what", () => {
  it("refuses status, severity, roles and resolve to others, naming who can, and lets an admin through", async () => {
    const incident = await declaredIncident(h, { title: "Guarded", userId: "U_ALICE", commander: "U_BOB" });
    const room = incident.channelId!;
    const refusal = await say(h, "U_CAROL", room, "status identified");
    expect(refusal).toBe(`Sorry, only the Incident Commander <@U_BOB>, the declarer <@U_ALICE> or an incident admin can change the status for incident #${incident.number}.`);
    expect(await say(h, "U_CAROL", room, "sev 1 worse")).toContain("Sorry, only");
    expect(await say(h, "U_CAROL", room, "role tech @carol")).toContain("Sorry, only");
    expect(await say(h, "U_CAROL", room, "resolve Fixed it")).toContain("Sorry, only");

    const seen = h.fake.ephemeralsFor("U_CAROL").length;
    const viewsBefore = h.fake.views.length;
    await clickOnCard(h, incident, "U_CAROL", "incident_resolve");
    expect((await nextEphemeral(h, "U_CAROL", seen)).text).toContain("can resolve the incident");
    expect(h.fake.views.length).toBe(viewsBefore);
    expect((await reload(h, incident)).status).toBe("investigating");

    expect(await say(h, "U_DAN", room, "status identified")).toContain("is now identified");
    expect(await say(h, "U_CAROL", room, "note Carol may still take notes")).toContain("Added to the timeline");
  });
});

describe("severity", () => {
  it("changes from the card's menu with a reason, and by command", async () => {
    const incident = await declaredIncident(h, { title: "Getting worse", severity: "sev3" });
    const current = await reload(h, incident);
    const menu = await h.driver.clickButton({
      userId: "U_ALICE",
      channelId: current.channelId!,
      messageTs: current.summaryTs!,
      actionId: "incident_card_menu",
      value: "change_severity",
    });
    const view = await modalOpenedBy(h, menu.triggerId);
    expect(JSON.stringify(view.view)).toContain('"initial_option":{"text":{"type":"plain_text","text":"SEV3"');
    const empty = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev1", reason: "  " } });
    expect(empty.body.errors.reason).toMatch(/reason/);
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { severity: "sev1", reason: "All regions down" } });
    await h.bot.outbox.waitUntilIdle();
    const raised = await reload(h, incident);
    expect(raised.severity).toBe("sev1");
    expect(h.fake.channel(raised.channelId!)!.topic.value).toMatch(/^\[SEV1\] Getting worse/);
    expect(botLinesIn(h, raised.channelId!).at(-1)!.text).toContain("raised the severity from *SEV3* to *SEV1*");

    expect(await say(h, "U_ALICE", raised.channelId!, "sev 2 Only EU now")).toContain("is now SEV2");
    expect(await say(h, "U_ALICE", raised.channelId!, "sev 2 again")).toContain("already SEV2");
    expect(await say(h, "U_ALICE", raised.channelId!, "sev 7")).toContain("1 to 4");
    const changes = (await timelineOf(h.database.db, h.fake.teamId, raised.id)).filter((e) => e.type === "severity_changed");
    expect(changes.map((e) => [e.data.from, e.data.to, e.data.reason])).toEqual([
      ["sev3", "sev1", "All regions down"],
      ["sev1", "sev2", "Only EU now"],
    ]);
  });

  it("shows the timeline from the card's menu, to the person who asked", async () => {
    const incident = await declaredIncident(h, { title: "Menu timeline" });
    const current = await reload(h, incident);
    await say(h, "U_BOB", current.channelId!, "note Looking at the load balancer");
    const seen = h.fake.ephemeralsFor("U_CAROL").length;
    await h.driver.clickButton({ userId: "U_CAROL", channelId: current.channelId!, messageTs: current.summaryTs!, actionId: "incident_card_menu", value: "show_timeline" });
    const shown = await nextEphemeral(h, "U_CAROL", seen);
    expect(JSON.stringify(shown.blocks)).toContain(`Timeline of incident #${incident.number}`);
    expect(JSON.stringify(shown.blocks)).toContain("Looking at the load balancer");
  });
});

describe("roles", () => {
  it("assigns roles from the form: invites, DMs what the role expects, updates the card", async () => {
    const incident = await declaredIncident(h, { title: "Roles form" });
    const { view } = await submitForm(h, incident, "U_ALICE", "incident_assign_roles", { tech_lead: "U_BOB", comms_lead: "U_CAROL" });
    expect(JSON.stringify(view.view)).toContain('"initial_user":"U_ALICE"');
    const now = await reload(h, incident);
    expect(now).toMatchObject({ commanderId: "U_ALICE", techLeadId: "U_BOB", commsLeadId: "U_CAROL", scribeId: null });
    expect(h.fake.channel(now.channelId!)!.members).toEqual(expect.arrayContaining(["U_BOB", "U_CAROL"]));
    const dm = h.fake.dmsTo("U_BOB").at(-1)!;
    expect(JSON.stringify(dm.blocks)).toContain("Tech Lead");
    expect(JSON.stringify(dm.blocks)).toContain("Drives the investigation and the fix");
    expect(JSON.stringify(h.fake.dmsTo("U_CAROL").at(-1)!.blocks)).toContain("Post status updates");
    const card = cardOf(h, now).json;
    expect(card).toContain("Tech Lead");
    expect(card).toContain("<@U_CAROL>");
    expect(botLinesIn(h, now.channelId!).map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringContaining("<@U_BOB> is now Tech Lead"), expect.stringContaining("<@U_CAROL> is now Comms Lead")]),
    );
  });

  it("hands over the commander role by command, recording who held it before", async () => {
    const incident = await declaredIncident(h, { title: "Handover" });
    expect(await say(h, "U_ALICE", incident.channelId!, "role ic @bob")).toContain("Incident Commander: <@U_BOB>");
    const now = await reload(h, incident);
    expect(now.commanderId).toBe("U_BOB");
    expect(h.fake.channel(now.channelId!)!.topic.value).toContain("IC: <@U_BOB>");
    const entry = (await timelineOf(h.database.db, h.fake.teamId, now.id)).find((e) => e.type === "role_assigned")!;
    expect(entry.data).toEqual({ role: "commander", userId: "U_BOB", previous: "U_ALICE" });
    expect(botLinesIn(h, now.channelId!).at(-1)!.text).toContain("taking over from <@U_ALICE>");
    expect(await say(h, "U_BOB", now.channelId!, "role wizard @carol")).toContain("ic|tech|comms|scribe");
  });

  it("refuses a role, or the command of a new incident, for someone who has left the workspace, naming them", async () => {
    h.fake.addUser({ id: "U_GONE", name: "gwen", real_name: "Gwen Gone", deleted: true });
    const incident = await declaredIncident(h, { title: "Left the company" });
    const { answer } = await submitForm(h, incident, "U_ALICE", "incident_assign_roles", { tech_lead: "U_GONE", comms_lead: "U_CAROL" });
    expect(answer.body).toEqual({ response_action: "errors", errors: { tech_lead: "gwen has left this workspace, so they cannot take this on. Pick someone else." } });
    expect(await reload(h, incident)).toMatchObject({ techLeadId: null, commsLeadId: null });

    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: h.fake.channelByName("general")!.id, text: "declare Nobody at the helm" });
    const form = await modalOpenedBy(h, opened.triggerId);
    const declared = await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { severity: "sev2", commander: "U_GONE" } });
    expect(declared.body).toEqual({ response_action: "errors", errors: { commander: "gwen has left this workspace, so they cannot take this on. Pick someone else." } });
    await h.bot.outbox.waitUntilIdle();
    // Nobody was invited who cannot come.
    expect(h.fake.calls.filter((c) => c.method === "conversations.invite" && c.args.users === "U_GONE")).toEqual([]);
  });

  it("refuses a role for a user id Slack does not know (no list offers one; a forged form can)", async () => {
    const incident = await declaredIncident(h, { title: "Who is that" });
    const { answer } = await submitForm(h, incident, "U_ALICE", "incident_assign_roles", { scribe: "W0NOBODY01" });
    expect(answer.body).toEqual({ response_action: "errors", errors: { scribe: "Slack does not know this person. Pick someone from the list." } });
    expect((await reload(h, incident)).scribeId).toBeNull();
    expect(h.fake.calls.filter((c) => c.args.users === "W0NOBODY01")).toEqual([]);
  });
});

describe("updates", () => {
  it("posts the Impact / Current action / Next update template here and, when asked, in the announcement channel", async () => {
    const incident = await declaredIncident(h, { title: "Update me" });
    const { answer } = await submitForm(h, incident, "U_ALICE", "incident_post_update", {
      impact: "EU checkout fails for 30% of users",
      current_action: "Rolling back deploy 4512",
      next_update: "30 minutes",
      share: ["share"],
    });
    expect(answer.body).toBe("");
    const update = JSON.stringify(botLinesIn(h, incident.channelId!).at(-1)!.blocks);
    for (const text of ["*Impact:* EU checkout fails for 30% of users", "*Current action:* Rolling back deploy 4512", "*Next update by:* 30 minutes"]) {
      expect(update).toContain(text);
    }
    expect(JSON.stringify(announcements().at(-1)!.blocks)).toContain("Rolling back deploy 4512");
    expect((await reload(h, incident)).lastUpdateAt).not.toBeNull();
    const entry = (await timelineOf(h.database.db, h.fake.teamId, incident.id)).at(-1)!;
    expect(entry).toMatchObject({ type: "update_posted", actor: "U_ALICE" });
  });

  it("posts one update when the form is submitted twice", async () => {
    const incident = await declaredIncident(h, { title: "Double update" });
    const click = await clickOnCard(h, incident, "U_ALICE", "incident_post_update");
    const view = await modalOpenedBy(h, click.triggerId);
    const values = { impact: "Search is slow", current_action: "Adding capacity" };
    await Promise.all([
      h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values }),
      h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values }),
    ]);
    await h.bot.outbox.waitUntilIdle();
    expect(botLinesIn(h, incident.channelId!).filter((m) => JSON.stringify(m.blocks).includes("Adding capacity"))).toHaveLength(1);
    const entries = await timelineOf(h.database.db, h.fake.teamId, incident.id);
    expect(entries.filter((e) => e.type === "update_posted")).toHaveLength(1);
  });

  it("asks for the impact when it is left empty", async () => {
    const incident = await declaredIncident(h, { title: "Empty update" });
    const { answer } = await submitForm(h, incident, "U_ALICE", "incident_post_update", { impact: "", current_action: "Looking" });
    expect(answer.body.response_action).toBe("errors");
    expect(answer.body.errors.impact).toMatch(/impact/);
  });
});
