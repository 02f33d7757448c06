// Odd input through the real receiver: every subcommand, every form and every button, with text and values a
// person, a paste or a broken client can send (NUL, lone surrogates, ids that are not numbers, metadata that is
// not ours, forms without state, buttons nobody knows). Each gets an answer in words: never an error page, a 404
// after Slack's 3 seconds, an SQL error or "Something went wrong"; and nothing is logged as an error.
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../src/fake-slack/server.js";
import type { InteractionAnswer } from "../../src/fake-slack/driver.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { cardOf, clickOnCard, declaredIncident, modalOpenedBy, reload, say } from "../support/war-room.js";

const SEED = Number(process.env.FUZZ_SEED ?? 9);
const random = seededRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// Pieces PostgreSQL refuses (NUL anywhere, lone surrogates in jsonb), numbers that are not ids, and text that
// looks like markup or SQL.
const pieces = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfff",
  "\ud83d",
  "💥",
  "\u202e",
  "#",
  "#0",
  "#-1",
  "#99999999999",
  "#1.5",
  "#abc",
  "99999999999999999999",
  "-1",
  "0",
  "1e309",
  "0x1F",
  "NaN",
  "null",
  "[]",
  "{}",
  "'; drop table incidents; --",
  "<!channel>",
  "&amp;",
  "%00",
  "\\u0000",
  "\t",
] as const;
/** One to three pieces, sometimes with words around them. */
const oddText = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.3 ? `words ${pick(pieces)}` : pick(pieces))).join(" ");
/** Text Slack can carry in a form-encoded slash command (lone surrogates cannot survive UTF-8 there). */
const oddTypedText = () => oddText().replace(/[\ud800-\udfff]/g, "");

let h: TestBot;
const logLines: string[] = [];

beforeAll(async () => {
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  h = await startTestBot({ LOG_LEVEL: "warn", INCIDENT_ADMINS: "U_ALICE" }, { logs });
  const schedule = await openForm("U_ALICE", general(), "oncall schedule");
  await h.driver.submitView({ viewId: schedule.id, userId: "U_ALICE", values: { name: "Payments primary", members: ["U_BOB"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" } });
});
afterAll(async () => {
  await h.close();
});
// Each test answers for the errors logged while it ran.
beforeEach(() => {
  logLines.length = 0;
});

const general = () => h.fake.channelByName("general")!.id;

/** Each test gets incidents of its own: the odd text of another test may well have resolved or closed its. */
async function incidents() {
  const open = await declaredIncident(h, { title: "Odd input", userId: "U_ALICE" });
  let resolved = await declaredIncident(h, { title: "Odd input resolved", userId: "U_ALICE" });
  await say(h, "U_ALICE", resolved.channelId!, "resolve Rolled back");
  resolved = await reload(h, resolved);
  const item = await openForm("U_ALICE", general(), `action add #${resolved.number} Add a canary stage`);
  await h.driver.submitView({ viewId: item.id, userId: "U_ALICE", values: { owner: "U_BOB" } });
  await h.bot.outbox.waitUntilIdle();
  const dm = h.fake.dmsTo("U_BOB").findLast((m) => JSON.stringify(m.blocks ?? []).includes("action_item_reassign"))!;
  return { open, resolved, dm };
}

async function openForm(userId: string, channelId: string, text: string) {
  const opened = await h.driver.slashCommand({ userId, channelId, text });
  return modalOpenedBy(h, opened.triggerId);
}

/** What went wrong with one answer, or undefined when it was a proper answer. */
function problemWith(answer: { status: number; body: unknown }, said: string[] = []): string | undefined {
  if (answer.status !== 200) return `HTTP ${answer.status}`;
  const words = JSON.stringify(answer.body) + said.join(" ");
  if (/Something went wrong/i.test(words)) return "said: Something went wrong";
  return undefined;
}

const errorsLogged = () => logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50).map((line) => JSON.parse(line).msg as string);

const subcommands = [
  "",
  "help",
  "declare",
  "ack",
  "status",
  "status monitoring",
  "sev",
  "sev 2",
  "role",
  "role tech",
  "note",
  "timeline",
  "list",
  "list all",
  "search",
  "resolve",
  "close",
  "reopen",
  "oncall",
  "oncall schedule",
  "oncall cover",
  "oncall covers",
  "escalation",
  "escalation policy",
  "postmortem",
  "postmortem review",
  "postmortem publish",
  "postmortem export",
  "postmortem waive",
  "action",
  "action add",
  "action done",
  "action start",
  "action snooze",
  "action wontdo",
  "actions",
  "actions overdue",
  "task",
  "task triage:",
  "playbook",
  "playbook edit",
];

describe("odd input", () => {
  it("answers every subcommand with odd text in words, from a war room and from elsewhere", async () => {
    const { open, resolved } = await incidents();
    const problems: string[] = [];
    let sent = 0;
    for (const sub of subcommands) {
      for (let i = 0; i < 6; i++) {
        // Every subcommand gets a NUL at least once: PostgreSQL refuses it wherever the text is stored or searched.
        const text = `${sub} ${i === 0 ? "words a\u0000b" : oddTypedText()}`;
        const channelId = pick([open.channelId!, resolved.channelId!, general()]);
        const seen = h.fake.ephemeralsFor("U_ALICE").length;
        const answer = await h.driver.slashCommand({ userId: "U_ALICE", channelId, text });
        sent++;
        await h.bot.outbox.waitUntilIdle();
        const later = h.fake.ephemeralsFor("U_ALICE").slice(seen).map((e) => e.text);
        const problem = problemWith(answer, later);
        if (problem) problems.push(`/incident ${JSON.stringify(text)}: ${problem}`);
      }
    }
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(problems).toEqual([]);
    expect(errorsLogged()).toEqual([]);
  }, 120_000);

  it("saves or refuses in words every form submitted with odd text, without state, or with metadata that is not ours", async () => {
    const { open, resolved, dm } = await incidents();
    // Odd text is still text: a resolve form may well resolve the incident, so forms open on a card that has the button.
    let current = open;
    const cardWith = async (actionId: string) => {
      current = await reload(h, current);
      if (!JSON.stringify(cardOf(h, current).message.blocks ?? []).includes(actionId)) current = await declaredIncident(h, { title: "Odd input again", userId: "U_ALICE" });
      return current;
    };
    const openers: Array<{ name: string; open: () => Promise<{ id: string }> }> = [
      { name: "declare", open: () => openForm("U_ALICE", general(), "declare Odd") },
      { name: "schedule", open: () => openForm("U_ALICE", general(), "oncall schedule Payments primary") },
      { name: "cover", open: () => openForm("U_ALICE", general(), "oncall cover Payments primary") },
      { name: "policy", open: () => openForm("U_ALICE", general(), "escalation policy") },
      { name: "action item", open: () => openForm("U_ALICE", general(), `action add #${resolved.number} Odd`) },
      { name: "postmortem", open: () => openForm("U_ALICE", resolved.channelId!, "postmortem") },
      ...["incident_update_status", "incident_assign_roles", "incident_post_update", "incident_resolve"].map((actionId) => ({
        name: actionId,
        open: async () => modalOpenedBy(h, (await clickOnCard(h, await cardWith(actionId), "U_ALICE", actionId)).triggerId),
      })),
      {
        name: "severity",
        open: async () => {
          const card = await cardWith("incident_card_menu");
          const click = await h.driver.clickButton({ userId: "U_ALICE", channelId: card.channelId!, messageTs: card.summaryTs!, actionId: "incident_card_menu", value: "change_severity" });
          return modalOpenedBy(h, click.triggerId);
        },
      },
      {
        name: "reassign",
        open: async () => {
          const click = await h.driver.clickButton({ userId: "U_BOB", channelId: dm.channel, messageTs: dm.ts, actionId: "action_item_reassign" });
          return modalOpenedBy(h, click.triggerId);
        },
      },
    ];
    const oddMetadata = ["", "null", "[]", "\u0000", '{"incidentId":"1"}', '{"incidentId":-1}', '{"incidentId":1e309}', '{"incidentId":99999999999999999}', '{"scheduleId":"x"}', '{"itemId":1.5}', '{"c":{"x":1},"r":5}', '{"incidentId":1,"__proto__":{"x":1}}'];
    const problems: string[] = [];
    let sent = 0;
    const submit = async (name: string, view: { id: string }, how: string, opts: { values?: Record<string, string>; withoutState?: boolean; userId?: string }) => {
      const userId = opts.userId ?? (name === "reassign" ? "U_BOB" : "U_ALICE");
      const answer = await h.driver.submitView({ viewId: view.id, userId, values: opts.values, withoutState: opts.withoutState });
      sent++;
      await h.bot.outbox.waitUntilIdle();
      const problem = problemWith(answer);
      if (problem) problems.push(`${name} ${how}: ${problem}`);
      return answer;
    };
    for (const opener of openers) {
      for (let i = 0; i < 5; i++) {
        let view = await opener.open();
        // Every text box gets odd text; a form that moves on (the postmortem's steps) is filled step after step.
        for (let step = 0; step < 5 && view; step++) {
          const stored = h.fake.view(view.id)!;
          const textInputs = ((stored.view.blocks as Array<{ type: string; block_id: string; element?: { type: string } }>) ?? []).filter((b) => b.type === "input" && b.element?.type === "plain_text_input");
          const values = Object.fromEntries(textInputs.map((b) => [b.block_id, oddText()]));
          const answer = await submit(opener.name, view, `with ${JSON.stringify(values)}`, { values });
          view = answer.body?.response_action === "update" && !h.fake.view(view.id)!.closed ? view : (undefined as never);
        }
      }
      await submit(opener.name, await opener.open(), "without state", { withoutState: true });
      for (const metadata of oddMetadata) {
        const view = await opener.open();
        h.fake.view(view.id)!.view.private_metadata = metadata;
        await submit(opener.name, view, `with private_metadata ${JSON.stringify(metadata)}`, {});
      }
    }
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(problems).toEqual([]);
    expect(errorsLogged()).toEqual([]);
  }, 120_000);

  it("answers buttons with odd values, and buttons nobody knows, at once and in words", async () => {
    const { open, dm } = await incidents();
    const card = await reload(h, open);
    const covers = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "oncall covers Payments primary" });
    expect(covers.status).toBe(200);
    const buttons: Array<{ userId: string; channelId: string; messageTs: string; actionId: string }> = [
      ...["incident_acknowledge", "incident_update_status", "incident_assign_roles", "incident_post_update", "incident_resolve"].map((actionId) => ({ userId: "U_ALICE", channelId: card.channelId!, messageTs: card.summaryTs!, actionId })),
      ...["action_item_done", "action_item_snooze", "action_item_reassign"].map((actionId) => ({ userId: "U_BOB", channelId: dm.channel, messageTs: dm.ts, actionId })),
    ];
    const oddValues = ["", "abc", "-1", "0", "1.5", "1e3", "0x10", "99999999999999999999", "9007199254740993", " 1", "1\u0000", "\ud800", "null", "[1]", '{"incidentId":1}'];
    const problems: string[] = [];
    let sent = 0;
    for (const button of buttons) {
      for (const value of oddValues) {
        const seen = h.fake.ephemeralsFor(button.userId).length;
        const answer: InteractionAnswer = await h.driver.clickButton({ ...button, value });
        sent++;
        await h.bot.outbox.waitUntilIdle();
        const problem = problemWith(answer, h.fake.ephemeralsFor(button.userId).slice(seen).map((e) => e.text));
        if (problem) problems.push(`${button.actionId} with value ${JSON.stringify(value)}: ${problem}`);
      }
    }
    // A button from an old message whose action the bot no longer has: acknowledged, and the person is told.
    const staleResponseUrl = h.fake.issueResponseUrl({ userId: "U_ALICE", channelId: card.channelId! });
    const stale = await h.driver.raw({
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams({
        payload: JSON.stringify({
          type: "block_actions",
          user: { id: "U_ALICE", team_id: h.fake.teamId },
          team: { id: h.fake.teamId, domain: "fake" },
          trigger_id: h.fake.issueTriggerId("U_ALICE"),
          response_url: staleResponseUrl,
          actions: [{ type: "button", action_id: "incident_retired_button", block_id: "b", value: "1", action_ts: "1" }],
        }),
      }).toString(),
    });
    expect(stale.status).toBe(200);
    await h.bot.requestsIdle();
    expect(h.fake.ephemeralsFor("U_ALICE").filter((e) => e.responseUrl === staleResponseUrl).map((e) => e.text)).toEqual([
      "This button is from an older message and no longer does anything. Use the buttons on the incident's current card, or `/incident help` for what you can do.",
    ]);
    expect(sent).toBe(buttons.length * oddValues.length);
    expect(problems).toEqual([]);
    expect(errorsLogged()).toEqual([]);
  });

  it("adds a pinned or shortcut-captured message to the timeline even when its text holds characters the database refuses", async () => {
    const { open } = await incidents();
    const room = (await reload(h, open)).channelId!;
    const pinned = h.fake.postAsUser(room, "U_BOB", "Error\u0000 rate \ud800 is dropping");
    const shortcut = h.fake.postAsUser(room, "U_CAROL", "Dashboards\u0000 say \udfff green");
    await h.driver.react({ userId: "U_BOB", channelId: room, ts: pinned.ts, name: "pushpin" });
    const answer = await h.driver.messageShortcut({ userId: "U_CAROL", channelId: room, messageTs: shortcut.ts, callbackId: "add_to_incident_timeline" });
    expect(answer.status).toBe(200);
    const entries = await waitForEntries(open.id, 2);
    expect(entries.map((e) => (e.data as { text?: string }).text).sort()).toEqual(["Dashboards say \ufffd green", "Error rate \ufffd is dropping"]);
    expect(errorsLogged()).toEqual([]);
  });
});

async function waitForEntries(incidentId: number, count: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const entries = (await timelineOf(h.database.db, h.fake.teamId, incidentId)).filter((e) => e.type === "message_captured");
    if (entries.length >= count || Date.now() > deadline) return entries;
    await new Promise((r) => setTimeout(r, 20));
  }
}
