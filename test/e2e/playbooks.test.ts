// Checklists from playbooks, end to end through the real receiver and the fake Slack: attached at declare and on a
// severity change, ticked and un-ticked from the war room, added to by hand, listed at resolve, and kept by admins.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/db/schema.js";
import type { FakeMessage } from "../../src/fake-slack/workspace.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { botLinesIn, cardOf, declaredIncident, entryWords, modalOpenedBy, nextEphemeral, reload, say } from "../support/war-room.js";

const responseItems = Array.from({ length: 12 }, (_, i) => `      - Response step ${i + 1}`).join("\n");
const playbooksYaml = `playbooks:
  - name: Major
    severities: [sev1]
    phases:
      detection:
        - Alert acknowledged
        - text: Assess impact
          role: tech_lead
          link: https://grafana.example.com/d/checkout
      triage:
        - Severity determined
        - Roles assigned
        - Hypothesis formed
  - name: Database trouble
    severities: [sev2]
    phases:
      triage:
        - Severity determined
        - Page the database team
      response:
${responseItems}
`;

let h: TestBot;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "warroom-playbooks-"));
  const file = join(dir, "playbooks.yml");
  writeFileSync(file, playbooksYaml);
  h = await startTestBot({ INCIDENT_ADMINS: "U_DAN", PLAYBOOKS_FILE: file });
  h.fake.addUser({ id: "U_DAN", name: "dan", real_name: "Dan Admin" });
});
afterAll(async () => {
  await h?.close();
});

type Json = Record<string, unknown>;

/** The checklist message in the war room, as people see it now. */
function checklistIn(incident: Incident): FakeMessage {
  const found = botLinesIn(h, incident.channelId!).find((m) => String(m.text).startsWith(`Checklist for incident #${incident.number}`));
  if (!found) throw new Error("no checklist message in the war room");
  return found;
}

/** Every checkbox of the checklist: its words, whether it is ticked, its owner line, and its phase's heading. */
function boxes(message: FakeMessage) {
  const out: Array<{ text: string; value: string; ticked: boolean; description?: string; element: string }> = [];
  for (const block of (message.blocks ?? []) as Json[]) {
    for (const el of ((block.elements as Json[] | undefined) ?? []).filter((e) => e.type === "checkboxes")) {
      const ticked = new Set(((el.initial_options as Json[] | undefined) ?? []).map((o) => o.value));
      for (const o of el.options as Json[]) {
        out.push({
          text: (o.text as Json).text as string,
          value: o.value as string,
          ticked: ticked.has(o.value),
          description: (o.description as Json | undefined)?.text as string | undefined,
          element: `${String(block.block_id)}/${String(el.action_id)}`,
        });
      }
    }
  }
  return out;
}

const box = (incident: Incident, text: string) => {
  const found = boxes(checklistIn(incident)).find((b) => b.text === text);
  if (!found) throw new Error(`no checkbox "${text}"`);
  return found;
};

async function tick(incident: Incident, userId: string, text: string) {
  const answer = await h.driver.toggleCheckbox({ userId, channelId: incident.channelId!, messageTs: checklistIn(incident).ts, value: box(incident, text).value });
  expect(answer.status).toBe(200);
  await h.bot.requestsIdle();
  await h.bot.outbox.waitUntilIdle();
  return answer;
}

const entriesOf = async (incident: Incident, type: string) => (await timelineOf(h.database.db, h.fake.teamId, incident.id)).filter((e) => e.type === type);

describe("a playbook attached at declare", () => {
  it("posts the checklist in the war room, a checkbox per item by phase, and the card shows the progress", async () => {
    const incident = await declaredIncident(h, { title: "Checkout down", severity: "sev1" });
    const message = checklistIn(incident);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain("*Detection* 0/2");
    expect(json).toContain("*Triage* 0/3");
    expect(boxes(message).map((b) => b.text)).toEqual(["Alert acknowledged", "Assess impact", "Severity determined", "Roles assigned", "Hypothesis formed"]);
    expect(box(incident, "Assess impact").description).toBe("Owner: Tech Lead");
    expect(json).toContain("<https://grafana.example.com/d/checkout|Assess impact>");
    expect(boxes(message).every((b) => !b.ticked)).toBe(true);
    expect(cardOf(h, await reload(h, incident)).json).toContain("Checklist 0/5: Detection 0/2 · Triage 0/3");
    expect((await entriesOf(incident, "playbook_attached")).map((e) => e.data)).toEqual([expect.objectContaining({ playbook: "Major", items: 5 })]);
  });

  it("posts no checklist when no playbook fits", async () => {
    const incident = await declaredIncident(h, { title: "Small thing", severity: "sev4" });
    expect(botLinesIn(h, incident.channelId!).some((m) => String(m.text).startsWith("Checklist"))).toBe(false);
    expect(cardOf(h, incident).json).not.toContain("Checklist");
  });
});

describe("ticking", () => {
  it("records who ticked an item and when on the timeline, ticks the box and moves the card's progress", async () => {
    const incident = await declaredIncident(h, { title: "Tick me", severity: "sev1" });
    await tick(incident, "U_BOB", "Alert acknowledged");
    const [done] = await entriesOf(incident, "task_done");
    expect(done!.actor).toBe("U_BOB");
    expect(entryWords(done!)).toBe("Ticked off (detection): Alert acknowledged");
    expect(box(incident, "Alert acknowledged").ticked).toBe(true);
    expect(JSON.stringify(checklistIn(incident).blocks)).toContain("*Detection* 1/2");
    expect(cardOf(h, await reload(h, incident)).json).toContain("Checklist 1/5: Detection 1/2 · Triage 0/3");
    const timeline = await h.driver.slashCommand({ userId: "U_BOB", channelId: incident.channelId!, text: "timeline" });
    expect(JSON.stringify(timeline.body)).toContain("Ticked off (detection): Alert acknowledged");
  });

  it("records a double click (the same request twice) once", async () => {
    const incident = await declaredIncident(h, { title: "Double click", severity: "sev1" });
    const first = await tick(incident, "U_CAROL", "Roles assigned");
    await h.driver.interaction(first.payload);
    await h.bot.requestsIdle();
    await h.bot.outbox.waitUntilIdle();
    expect(await entriesOf(incident, "task_done")).toHaveLength(1);
    expect(await entriesOf(incident, "task_reopened")).toHaveLength(0);
    expect(box(incident, "Roles assigned").ticked).toBe(true);
  });

  it("un-ticking an item reopens it, recorded too", async () => {
    const incident = await declaredIncident(h, { title: "Untick", severity: "sev1" });
    await tick(incident, "U_BOB", "Hypothesis formed");
    await tick(incident, "U_CAROL", "Hypothesis formed");
    const [reopened] = await entriesOf(incident, "task_reopened");
    expect(reopened!.actor).toBe("U_CAROL");
    expect(box(incident, "Hypothesis formed").ticked).toBe(false);
    expect(cardOf(h, await reload(h, incident)).json).toContain("Triage 0/3");
  });

  it("a click on a stale checklist changes only the box that was clicked", async () => {
    const incident = await declaredIncident(h, { title: "Stale", severity: "sev1" });
    const assess = box(incident, "Assess impact");
    const bob = await tick(incident, "U_BOB", "Alert acknowledged");
    // Carol still sees the checklist from before Bob's tick (nothing ticked) and ticks "Assess impact" on it: her
    // client sends that element's boxes as she sees them, without Bob's tick.
    const [bobAction] = bob.payload.actions as Json[];
    const option = boxes(checklistIn(incident)).find((b) => b.value === assess.value)!;
    expect(option.element).toBe(box(incident, "Alert acknowledged").element);
    const selected = ((checklistIn(incident).blocks as Json[]).flatMap((b) => (b.elements as Json[] | undefined) ?? []).find((e) => e.action_id === bobAction!.action_id && (e.options as Json[]).some((o) => o.value === assess.value))!.options as Json[]).filter((o) => o.value === assess.value);
    await h.driver.interaction({ ...bob.payload, user: { id: "U_CAROL", username: "carol", name: "carol", team_id: h.fake.teamId }, actions: [{ ...bobAction, selected_options: selected }] });
    await h.bot.requestsIdle();
    await h.bot.outbox.waitUntilIdle();
    expect(box(incident, "Alert acknowledged").ticked).toBe(true);
    expect(box(incident, "Assess impact").ticked).toBe(true);
    expect(await entriesOf(incident, "task_reopened")).toHaveLength(0);
    expect((await entriesOf(incident, "task_done")).map((e) => e.actor)).toEqual(["U_BOB", "U_CAROL"]);
  });
});

describe("a severity change", () => {
  it("attaches the new severity's playbook, adding only the items not already there, ten boxes to an element at most", async () => {
    const incident = await declaredIncident(h, { title: "Raise me", severity: "sev1" });
    expect(await say(h, "U_ALICE", incident.channelId!, "sev 2 it is only the database")).toMatch(/SEV2/);
    await h.bot.outbox.waitUntilIdle();
    const all = boxes(checklistIn(incident));
    expect(all.filter((b) => b.text === "Severity determined")).toHaveLength(1);
    expect(all.map((b) => b.text)).toContain("Page the database team");
    const response = all.filter((b) => b.text.startsWith("Response step"));
    expect(response).toHaveLength(12);
    // Slack takes at most 10 options in one checkboxes element: the phase's twelve are in two.
    expect(new Set(response.map((b) => b.element)).size).toBe(2);
    expect(cardOf(h, await reload(h, incident)).json).toContain("Response 0/12");
    expect((await entriesOf(incident, "playbook_attached")).map((e) => (e.data as Json).playbook)).toEqual(["Major", "Database trouble"]);
  });
});

describe("/incident task", () => {
  it("adds an item by hand to the phase named, or to the first phase with open items", async () => {
    const incident = await declaredIncident(h, { title: "Ad hoc", severity: "sev1" });
    expect(await say(h, "U_BOB", incident.channelId!, "task triage: check DNS")).toContain("under Triage: check DNS");
    expect(await say(h, "U_BOB", incident.channelId!, "task Call the vendor")).toContain("under Detection: Call the vendor");
    const texts = boxes(checklistIn(incident)).map((b) => b.text);
    expect(texts).toContain("check DNS");
    expect(texts).toContain("Call the vendor");
    expect(JSON.stringify(checklistIn(incident).blocks)).toContain("*Triage* 0/4");
    const [added] = await entriesOf(incident, "task_added");
    expect(added!.actor).toBe("U_BOB");
    expect(await say(h, "U_BOB", incident.channelId!, "task triage: check DNS")).toContain("already on the checklist");
  });

  it("starts a checklist in a war room that had none, and explains a wrong role", async () => {
    const incident = await declaredIncident(h, { title: "No playbook", severity: "sev4" });
    expect(await say(h, "U_BOB", incident.channelId!, "task response: restart the cache [chef]")).toContain("[chef] is not a role");
    expect(await say(h, "U_BOB", incident.channelId!, "task response: restart the cache [tech_lead]")).toContain("under Response");
    expect(box(incident, "restart the cache").description).toBe("Owner: Tech Lead");
    expect(cardOf(h, await reload(h, incident)).json).toContain("Checklist 0/1: Response 0/1");
  });
});

describe("resolving", () => {
  it("lists the checklist items still open in the war room's line", async () => {
    const incident = await declaredIncident(h, { title: "Resolve with open items", severity: "sev1" });
    await tick(incident, "U_BOB", "Alert acknowledged");
    await tick(incident, "U_BOB", "Assess impact");
    const form = await h.driver.clickButton({ userId: "U_ALICE", channelId: incident.channelId!, messageTs: (await reload(h, incident)).summaryTs!, actionId: "incident_resolve", value: String(incident.id) });
    expect(JSON.stringify(await modalOpenedBy(h, form.triggerId))).toContain("3 checklist items still open: Triage: Severity determined");
    await say(h, "U_ALICE", incident.channelId!, "resolve Rolled back");
    const line = await waitFor(() => botLinesIn(h, incident.channelId!).find((m) => String(m.text).includes("resolved the incident")));
    expect(String(line.text)).toContain("3 checklist items still open: Triage: Severity determined; Triage: Roles assigned; Triage: Hypothesis formed");
  });
});

describe("reopening", () => {
  it("shows the checklist again in the war room that continues a closed incident", async () => {
    const incident = await declaredIncident(h, { title: "Comes back", severity: "sev1" });
    await tick(incident, "U_BOB", "Alert acknowledged");
    await say(h, "U_ALICE", incident.channelId!, "resolve Fixed");
    await say(h, "U_ALICE", incident.channelId!, "close");
    await say(h, "U_ALICE", incident.channelId!, `reopen #${incident.number} it is back`);
    await h.bot.outbox.waitUntilIdle();
    const continued = await reload(h, incident);
    expect(continued.channelId).not.toBe(incident.channelId);
    expect(box(continued, "Alert acknowledged").ticked).toBe(true);
    expect(boxes(checklistIn(continued))).toHaveLength(5);
  });
});

describe("/incident playbook", () => {
  it("lists the file's playbooks as read-only", async () => {
    const general = h.fake.channelByName("general")!.id;
    const list = await h.driver.slashCommand({ userId: "U_BOB", channelId: general, text: "playbook" });
    const json = JSON.stringify(list.body);
    expect(json).toContain("(read-only; edit the file)");
    expect(json).toContain("*Major* · SEV1");
    expect(json).not.toContain("playbook_add");
    expect(await say(h, "U_DAN", general, "playbook edit Major")).toContain("edit it in that file");
  });

  it("refuses a non-admin politely", async () => {
    const general = h.fake.channelByName("general")!.id;
    expect(await say(h, "U_BOB", general, "playbook add")).toContain("Only incident admins (INCIDENT_ADMINS) can add or edit playbooks");
  });

  it("lets an admin add a playbook from the form, which then attaches to incidents that fit it", async () => {
    const general = h.fake.channelByName("general")!.id;
    const command = await h.driver.slashCommand({ userId: "U_DAN", channelId: general, text: "playbook add" });
    const view = await modalOpenedBy(h, command.triggerId);
    const bad = await h.driver.submitView({ viewId: view.id, userId: "U_DAN", values: { name: "Payments", items: "Triage: Call the bank\nOops [wizard]" } });
    expect(JSON.stringify(bad.body)).toContain("Line 2");
    const saved = await h.driver.submitView({
      viewId: view.id,
      userId: "U_DAN",
      values: { name: "Payments", severities: ["sev3"], services: "payments", items: "Triage: Call the bank [comms_lead]\nResponse: Switch to the backup processor <https://runbooks.example.com/pay>" },
    });
    expect(JSON.stringify(saved.body)).toContain("Added the playbook *Payments*: 2 items");

    const list = await h.driver.slashCommand({ userId: "U_DAN", channelId: general, text: "playbook" });
    expect(JSON.stringify(list.body)).toContain("*Payments* · SEV3 · services: payments · 2 items");

    const other = await declaredIncident(h, { title: "Not payments", severity: "sev3", services: "search" });
    expect(botLinesIn(h, other.channelId!).some((m) => String(m.text).startsWith("Checklist"))).toBe(false);
    const incident = await declaredIncident(h, { title: "Card payments fail", severity: "sev3", services: "payments, checkout" });
    expect(boxes(checklistIn(incident)).map((b) => b.text)).toEqual(["Call the bank", "Switch to the backup processor"]);
    expect(box(incident, "Call the bank").description).toBe("Owner: Comms Lead");
  });

  it("lets an admin edit a playbook kept in the database from the list's Edit button", async () => {
    const general = h.fake.channelByName("general")!.id;
    const seen = h.fake.ephemeralsFor("U_DAN").length;
    await h.driver.slashCommand({ userId: "U_DAN", channelId: general, text: "playbook" });
    const list = await nextEphemeral(h, "U_DAN", seen);
    const edit = await h.driver.clickInEphemeral({ userId: "U_DAN", ephemeral: list, actionId: "playbook_edit" });
    const view = await modalOpenedBy(h, edit.triggerId);
    expect(JSON.stringify(view)).toContain("Triage: Call the bank [comms_lead]");
    const saved = await h.driver.submitView({ viewId: view.id, userId: "U_DAN", values: { items: "Triage: Call the bank [comms_lead]\nTriage: Tell finance" } });
    expect(JSON.stringify(saved.body)).toContain("Saved the playbook *Payments*: 2 items");
  });
});
