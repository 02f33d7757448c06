// Announcement channels by severity: SEV1s in #incidents-critical, the rest in INCIDENTS_CHANNEL, through the fake Slack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { botLinesIn, declaredIncident, say } from "../support/war-room.js";

let h: TestBot;
beforeAll(async () => {
  h = await startTestBot({ INCIDENTS_CHANNEL_SEV1: "#incidents-critical", INCIDENTS_CHANNEL_SEV2: "incidents-critical" });
  h.fake.createChannel({ name: "incidents-critical", creator: "U_ALICE" });
});
afterAll(async () => {
  await h.close();
});

const posts = (name: string) => botLinesIn(h, h.fake.channelByName(name)!.id);
/** The bot's messages in a channel about one incident. */
const about = (name: string, number: number) => posts(name).filter((m) => JSON.stringify(m.blocks ?? m.text).includes(`#${number}`));

describe("announcement channels by severity", () => {
  it("announces a SEV1 in its own channel and a SEV3 in INCIDENTS_CHANNEL, and tells each channel its incidents' news", async () => {
    const critical = await declaredIncident(h, { title: "Checkout is down", severity: "sev1" });
    const minor = await declaredIncident(h, { title: "Slow avatars", severity: "sev3" });
    expect(about("incidents-critical", critical.number).map((m) => m.text)).toEqual([`SEV1 incident #${critical.number} declared: Checkout is down`]);
    expect(about("incidents", critical.number)).toEqual([]);
    expect(about("incidents", minor.number).map((m) => m.text)).toEqual([`SEV3 incident #${minor.number} declared: Slow avatars`]);
    expect(about("incidents-critical", minor.number)).toEqual([]);

    await say(h, "U_ALICE", critical.channelId!, "resolve Rolled back");
    await say(h, "U_ALICE", minor.channelId!, "resolve Cache warmed");
    expect(about("incidents-critical", critical.number).at(-1)!.text).toBe(`Incident #${critical.number} is now resolved`);
    expect(about("incidents", minor.number).at(-1)!.text).toBe(`Incident #${minor.number} is now resolved`);
    expect(about("incidents", critical.number)).toEqual([]);
  });

  it("announces an incident raised into a severity with its own channel there, once, and its news follows it", async () => {
    const incident = await declaredIncident(h, { title: "Errors creeping up", severity: "sev3" });
    expect(about("incidents", incident.number)).toHaveLength(1);

    await say(h, "U_ALICE", incident.channelId!, "sev 1 Spreading to the US");
    const raised = about("incidents-critical", incident.number);
    expect(raised.map((m) => m.text)).toEqual([`Incident #${incident.number} is now SEV1: Errors creeping up`]);
    expect(JSON.stringify(raised[0]!.blocks)).toContain("Raised from *SEV3* to *SEV1* by <@U_ALICE>");
    expect(JSON.stringify(raised[0]!.blocks)).toContain(`War room: <#${incident.channelId}>`);

    // SEV1 → SEV2 stays in the same channel (both are announced there): nothing new is said in either.
    await say(h, "U_ALICE", incident.channelId!, "sev 2 Contained to the EU");
    // Back to SEV3: #incidents already announced it, so it hears nothing new either.
    await say(h, "U_ALICE", incident.channelId!, "sev 3 Mostly recovered");
    await say(h, "U_ALICE", incident.channelId!, "sev 1 Worse again");
    expect(about("incidents-critical", incident.number)).toHaveLength(1);
    expect(about("incidents", incident.number)).toHaveLength(1);

    // Its news goes to the channel of its severity now.
    await say(h, "U_ALICE", incident.channelId!, "status monitoring Fix deployed");
    await say(h, "U_ALICE", incident.channelId!, "resolve Fixed");
    expect(about("incidents-critical", incident.number).at(-1)!.text).toBe(`Incident #${incident.number} is now resolved`);
    expect(about("incidents", incident.number)).toHaveLength(1);
  });

  it("says nothing in the announcement channel about a severity change when every severity shares it", async () => {
    const incident = await declaredIncident(h, { title: "Small thing", severity: "sev4" });
    await say(h, "U_ALICE", incident.channelId!, "sev 3 A bit bigger");
    expect(about("incidents", incident.number)).toHaveLength(1);
  });
});
