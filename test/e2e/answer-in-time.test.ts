// Every request is answered within Slack's 3 seconds, even when its listener makes several slow Slack calls in a
// row: the bot answers for the listener in time, and what the listener says afterwards still reaches the person
// (a slash command's answer through its response_url; a form Slack has closed, by DM).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadManifest } from "../../src/fake-slack/manifest.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { clickOnCard, declaredIncident, modalOpenedBy, reload, say } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  // Typed as plain text (should_escape: false), `@bob` must be looked up in the workspace's directory.
  const manifest = loadManifest();
  h = await startTestBot({}, { fake: { app: { ...manifest, commands: { "/incident": { shouldEscape: false } } } } });
  // A workspace large enough that users.list comes in three pages (the bot asks for 200 people a page).
  for (let i = 0; i < 450; i++) {
    const id = `U_P${String(i).padStart(3, "0")}`;
    h.fake.addUser({ id, name: `person${i}`, real_name: `Person ${i}` });
  }
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.fake.faults.clear());

describe("a slash command whose work takes longer than Slack waits", () => {
  it("is answered in time with “Working on it…”, and the real answer follows through the response_url", async () => {
    const incident = await declaredIncident(h, { title: "A slow directory" });
    // Each page of the directory takes Slack 1.2 s: three pages are 3.6 s, past Slack's 3 seconds.
    h.fake.faults.set({ latency: { ms: 1200, methods: ["users.list"] } });
    const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "role tech @bob" });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response_type: "ephemeral", text: "Working on it…" });
    // The answer went out while the listener was still walking the directory.
    expect(h.fake.calls.filter((c) => c.method === "users.list").length).toBeLessThan(3);

    await h.bot.requestsIdle();
    expect(h.fake.calls.filter((c) => c.method === "users.list").length).toBe(3);
    const later = h.fake.ephemeralsFor("U_ALICE").filter((e) => e.via === "response_url" && e.responseUrl === answer.responseUrl);
    expect(later.map((e) => e.text)).toEqual([`Roles updated for incident #${incident.number}. Tech Lead: <@U_BOB>.`]);
    expect((await reload(h, incident)).techLeadId).toBe("U_BOB");
  });

  it("answers a quick command in the acknowledgement itself, as before", async () => {
    const incident = await declaredIncident(h, { title: "A quick one" });
    const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId: incident.channelId!, text: "role comms @carol" });
    expect(answer.body.text).toBe(`Roles updated for incident #${incident.number}. Comms Lead: <@U_CAROL>.`);
    await h.bot.requestsIdle();
    expect(h.fake.ephemeralsFor("U_ALICE").filter((e) => e.responseUrl === answer.responseUrl)).toEqual([]);
  });
});

describe("a form whose checks take longer than Slack waits", () => {
  it("closes the form in time, and tells the person by DM that it was refused and why", async () => {
    for (const [id, name] of [["U_DAN", "dan"], ["U_ERIN", "erin"]] as const) h.fake.addUser({ id, name, real_name: name });
    const incident = await declaredIncident(h, { title: "Roles by someone who lost theirs" });
    // Bob is the commander when he opens the roles form; by the time he submits it, Alice (the declarer) has taken
    // the role back, so his form is refused.
    expect(await say(h, "U_ALICE", incident.channelId!, "role ic @bob")).toContain("Incident Commander: <@U_BOB>");
    const click = await clickOnCard(h, incident, "U_BOB", "incident_assign_roles");
    const form = await modalOpenedBy(h, click.triggerId);
    expect(await say(h, "U_ALICE", incident.channelId!, "role ic @alice")).toContain("Incident Commander: <@U_ALICE>");
    // A fresh process knows nobody yet, so each person is looked up in Slack, which takes it 1.45 s a person: the
    // people picked (at once), then, for the refusal, the commander it names: about 2.9 s in all.
    await h.restart();
    h.fake.faults.set({ latency: { ms: 1450, methods: ["users.info"] } });
    const answer = await h.driver.submitView({ viewId: form.id, userId: "U_BOB", values: { commander: "U_DAN", tech_lead: "U_ERIN" } });

    // A form answers with response_action in time or not at all: the bot closed it in time, with no errors shown.
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("");
    expect(h.fake.view(form.id)!.closed).toBe(true);

    await h.bot.requestsIdle();
    const dm = await waitFor(() => h.fake.dmsTo("U_BOB").find((m) => m.text.startsWith("Slack closed your")));
    expect(dm.text).toMatch(
      /^Slack closed your “Assign roles” form before I had finished checking it, and nothing was saved: Sorry, only the Incident Commander @(alice|Alice Archer|U_ALICE) or an incident admin can assign roles for incident #\d+\. Please open the form again and submit it once more\.$/,
    );
    expect(await reload(h, incident)).toMatchObject({ commanderId: "U_ALICE", techLeadId: null });
  });
});
