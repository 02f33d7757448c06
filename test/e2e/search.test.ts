// /incident search over a few hundred incidents: ranking, filters, updates found, other workspaces never shown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incidents, workspaces } from "../../src/db/schema.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { command, declaredIncident, say, submitForm } from "../support/war-room.js";

let h: TestBot;
const vocabulary = ["cache", "queue", "dns", "latency", "login", "upload", "billing", "search", "email", "cron", "disk", "memory", "deploy", "certificate", "webhook"];

beforeAll(async () => {
  h = await startTestBot();
  const now = new Date("2026-11-01T09:00:00Z");
  await h.database.db.insert(workspaces).values([{ teamId: h.fake.teamId, lastIncidentNumber: 1000, createdAt: now }, { teamId: "T_OTHER", createdAt: now }]).onConflictDoNothing();
  const seeded = Array.from({ length: 300 }, (_, i) => ({
    teamId: h.fake.teamId,
    number: 100 + i,
    title: `${vocabulary[i % vocabulary.length]} ${vocabulary[(i * 7) % vocabulary.length]} trouble`,
    description: `Seeded incident ${i} about ${vocabulary[(i * 3) % vocabulary.length]}`,
    severity: (["sev3", "sev4"] as const)[i % 2]!,
    status: "closed" as const,
    commanderId: "U_ALICE",
    declaredBy: "U_ALICE",
    declaredAt: new Date(now.getTime() - i * 3_600_000),
    declareKey: `seed-${i}`,
    updatedAt: now,
  }));
  const special = [
    { number: 900, title: "Checkout returns 502", description: "Every payment attempt fails", severity: "sev1", status: "resolved", affectedServices: ["checkout"], resolutionSummary: "Rolled back" },
    { number: 901, title: "Payments latency", description: "Slow card auth makes checkout time out", severity: "sev2", status: "investigating", affectedServices: ["payments"] },
  ].map((s, i) => ({ ...s, teamId: h.fake.teamId, commanderId: "U_ALICE", declaredBy: "U_ALICE", declaredAt: now, declareKey: `special-${i}`, updatedAt: now }));
  await h.database.db.insert(incidents).values([
    ...seeded,
    ...(special as (typeof seeded)[number][]),
    { ...seeded[0]!, teamId: "T_OTHER", number: 1, title: "Checkout down in the other workspace", declareKey: "other" },
  ]);
});
afterAll(async () => {
  await h.close();
});

const general = () => h.fake.channelByName("general")!.id;
const numbersFound = async (text: string) => {
  const answer = await command(h, "U_CAROL", general(), `search ${text}`);
  return [...JSON.stringify(answer.body.blocks ?? []).matchAll(/\*#(\d+) · /g)].map((m) => Number(m[1]));
};

describe("/incident search", () => {
  it("ranks a title match above a description match above an update, and finds updates posted in Slack", async () => {
    const live = await declaredIncident(h, { title: "Mobile app crashes", severity: "sev3" });
    await submitForm(h, live, "U_ALICE", "incident_post_update", { impact: "Crashes on the checkout screen", current_action: "Rolling back 4.2" });
    expect(await numbersFound("checkout")).toEqual([900, 901, live.number]);
  });

  it("filters by severity, service and status", async () => {
    expect(await numbersFound("checkout sev:1")).toEqual([900]);
    expect(await numbersFound("checkout service:payments")).toEqual([901]);
    expect(await numbersFound("checkout status:resolved")).toEqual([900]);
    const open = await numbersFound("checkout status:open");
    expect(open).toContain(901);
    expect(open).not.toContain(900);
  });

  it("lists by filter alone, newest first, and stays within Slack's limits", async () => {
    const found = await numbersFound("sev:3 status:closed");
    expect(found).toHaveLength(20);
    expect([...found].sort((a, b) => b - a)).toEqual(found);
  });

  it("never shows another workspace's incidents", async () => {
    expect(JSON.stringify((await command(h, "U_CAROL", general(), "search other workspace")).body)).not.toContain("other workspace*");
  });

  it("answers kindly when nothing matches, when nothing is asked, and for a bad filter", async () => {
    expect(await say(h, "U_CAROL", general(), "search <!channel> zebra")).toBe("No incidents match `&lt;!channel&gt; zebra`. Try fewer words, or drop a filter.");
    expect(await say(h, "U_CAROL", general(), "search")).toContain("What should I look for?");
    expect(await say(h, "U_CAROL", general(), "search checkout sev:9")).toContain("`sev:9` is not a severity");
  });
});
