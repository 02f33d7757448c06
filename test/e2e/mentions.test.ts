// People and channels named in a slash command, however Slack sends them: escaped (<@U…|bob>, <#C…|name>) when
// the command has should_escape: true, as typed (@bob, #name) when it has not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadManifest } from "../../src/fake-slack/manifest.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declaredIncident, reload, say } from "../support/war-room.js";

const usersListCalls = (h: TestBot) => h.fake.calls.filter((c) => c.method === "users.list").length;

describe("with the project's manifest (should_escape: true)", () => {
  let h: TestBot;
  beforeAll(async () => {
    h = await startTestBot();
  });
  afterAll(async () => {
    await h.close();
  });

  it("assigns the person a typed @name names, from the mention Slack sends", async () => {
    expect(loadManifest().commands["/incident"]).toEqual({ shouldEscape: true });
    expect(h.fake.slashCommandText("/incident", "role tech @bob")).toBe("role tech <@U_BOB|bob>");
    const incident = await declaredIncident(h, { title: "Escaped mentions" });
    expect(await say(h, "U_ALICE", incident.channelId!, "role tech @bob")).toContain("Tech Lead: <@U_BOB>");
    expect((await reload(h, incident)).techLeadId).toBe("U_BOB");
    // Slack said who it was: nobody had to be looked up by name.
    expect(usersListCalls(h)).toBe(0);
  });

  it("finds the incident named #N even when a channel called N exists (Slack then sends <#C…|N>)", async () => {
    const incident = await declaredIncident(h, { title: "Numbered like a channel" });
    const numbered = h.fake.createChannel({ name: String(incident.number), creator: "U_CAROL" });
    expect(h.fake.slashCommandText("/incident", `status #${incident.number} monitoring`)).toBe(`status <#${numbered.id}|${incident.number}> monitoring`);
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_ALICE", general, `status #${incident.number} monitoring Fix deployed`)).toBe(`Incident #${incident.number} is now monitoring.`);
    expect((await reload(h, incident)).status).toBe("monitoring");
  });

  it("finds the incident whose war room a command names as a channel, and reads #other as words elsewhere", async () => {
    const incident = await declaredIncident(h, { title: "Named by its room" });
    const general = h.fake.channelByName("general")!.id;
    const room = h.fake.channel(incident.channelId!)!.name;
    expect(await say(h, "U_ALICE", general, `status #${room} identified Found it`)).toBe(`Incident #${incident.number} is now identified.`);
    expect((await reload(h, incident)).status).toBe("identified");
    // A note that starts with an ordinary channel is a note, not a reference to another incident.
    expect(await say(h, "U_ALICE", incident.channelId!, "note #general was told")).toContain(`Added to the timeline of incident #${incident.number}`);
  });
});

describe("with a command that does not escape (should_escape: false)", () => {
  let h: TestBot;
  beforeAll(async () => {
    const manifest = loadManifest();
    h = await startTestBot({}, { fake: { app: { ...manifest, commands: { "/incident": { shouldEscape: false } } } } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("looks a plain @name up in the workspace directory, once for several commands", async () => {
    expect(h.fake.slashCommandText("/incident", "role tech @bob")).toBe("role tech @bob");
    const incident = await declaredIncident(h, { title: "Plain mentions" });
    expect(await say(h, "U_ALICE", incident.channelId!, "role tech @bob")).toContain("Tech Lead: <@U_BOB>");
    expect(await say(h, "U_ALICE", incident.channelId!, "role comms @Carol")).toContain("Comms Lead: <@U_CAROL>");
    expect(await say(h, "U_ALICE", incident.channelId!, "role scribe @alice")).toContain("Scribe: <@U_ALICE>");
    expect(await reload(h, incident)).toMatchObject({ techLeadId: "U_BOB", commsLeadId: "U_CAROL", scribeId: "U_ALICE" });
    expect(usersListCalls(h)).toBe(1);
  });

  it("says how to mention someone when the name matches nobody, or is not a mention at all", async () => {
    const incident = await declaredIncident(h, { title: "Who is that" });
    const nobody = await say(h, "U_ALICE", incident.channelId!, "role tech @nobody");
    expect(nobody).toBe("I can't find @nobody in this workspace. Mention them so Slack links the name, e.g. `/incident role tech @alice` (pick the name from the list Slack offers).");
    const bare = await say(h, "U_ALICE", incident.channelId!, "role tech bob");
    expect(bare).toBe("`bob` is not a person. Mention them so Slack links the name, e.g. `/incident role tech @alice` (pick the name from the list Slack offers).");
    expect((await reload(h, incident)).techLeadId).toBeNull();
  });

  it("finds the incident whose war room a command names as typed (#inc-N-…)", async () => {
    const incident = await declaredIncident(h, { title: "Typed room" });
    const room = h.fake.channel(incident.channelId!)!.name;
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_ALICE", general, `status #${room} monitoring`)).toBe(`Incident #${incident.number} is now monitoring.`);
  });
});
