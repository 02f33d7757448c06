// The fake refuses checkboxes as Slack does (Block Kit reference: checkboxes element, option object), and the
// checklist message stays inside those rules however long its items are.
import { describe, expect, it } from "vitest";
import type { IncidentTask } from "../../src/db/schema.js";
import { messageBlockProblems } from "../../src/fake-slack/block-rules.js";
import { checklistMessage } from "../../src/slack/blocks/checklist.js";
import { CHECKLIST_PHASES_MAX } from "../../src/playbooks/checklist.js";

const option = (n: number, type: "plain_text" | "mrkdwn" = "mrkdwn") => ({ text: { type, text: `Item ${n}` }, value: String(n) });
const checkboxes = (element: Record<string, unknown>) => [{ type: "actions", elements: [{ type: "checkboxes", action_id: "c", ...element }] }];

describe("checkboxes in the fake Slack", () => {
  it("takes 1 to 10 options", () => {
    expect(messageBlockProblems(checkboxes({ options: Array.from({ length: 10 }, (_, i) => option(i)) }))).toEqual([]);
    expect(messageBlockProblems(checkboxes({ options: Array.from({ length: 11 }, (_, i) => option(i)) }))).toEqual(["blocks[0].elements[0].options: must have 1 to 10 items"]);
    expect(messageBlockProblems(checkboxes({ options: [] }))).toEqual(["blocks[0].elements[0].options: must have 1 to 10 items"]);
  });

  it("wants each initial option exactly as it is among the options, not just its value", () => {
    expect(messageBlockProblems(checkboxes({ options: [option(1), option(2)], initial_options: [option(2)] }))).toEqual([]);
    expect(messageBlockProblems(checkboxes({ options: [option(1), option(2)], initial_options: [{ ...option(2), text: { type: "mrkdwn", text: "Item two" } }] }))).toEqual([
      "blocks[0].elements[0].initial_option: must be exactly one of the options",
    ]);
    expect(messageBlockProblems(checkboxes({ options: [option(1)], initial_options: [option(3)] }))).toHaveLength(1);
  });

  it("lets checkboxes (not selects) use mrkdwn option text; a description is plain text; url only in overflow", () => {
    const select = [{ type: "actions", elements: [{ type: "static_select", action_id: "s", options: [option(1)] }] }];
    expect(messageBlockProblems(select)).toEqual(["blocks[0].elements[0].options[0].text: must be plain_text"]);
    expect(messageBlockProblems(checkboxes({ options: [{ ...option(1), description: { type: "mrkdwn", text: "x" } }] }))).toEqual(["blocks[0].elements[0].options[0].description: must be plain_text"]);
    expect(messageBlockProblems(checkboxes({ options: [{ ...option(1), url: "https://example.com" }] }))).toEqual(["blocks[0].elements[0].options[0].url: only allowed in overflow menus"]);
  });
});

describe("the checklist message", () => {
  const task = (id: number, phase: string, text: string, done = false): IncidentTask => ({
    id,
    teamId: "T1",
    incidentId: 1,
    phase,
    text,
    ownerRole: id % 2 ? "tech_lead" : null,
    link: id % 3 ? null : `https://example.com/runbook/${id}`,
    position: id,
    sourcePlaybook: null,
    addedBy: "U1",
    createdAt: new Date(0),
    doneAt: done ? new Date(0) : null,
    doneBy: done ? "U1" : null,
  });

  it("is one Slack would take with many, long, ticked items in several phases", () => {
    const long = "Check <the> dashboards & logs for anything odd ".repeat(8) + "😀";
    const tasks = [
      ...Array.from({ length: 25 }, (_, i) => task(i + 1, "response", `${long} ${i}`, i % 2 === 0)),
      ...Array.from({ length: 7 }, (_, i) => task(100 + i, "triage", `Triage ${i} <!channel>`, i === 3)),
      task(200, "cleanup", "Tidy up"),
    ];
    const message = checklistMessage({ number: 7, status: "investigating" }, tasks);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).not.toContain("<!channel>");
    const elements = (message.blocks as Array<{ elements?: Array<{ type: string; options: unknown[] }> }>).flatMap((b) => b.elements ?? []).filter((e) => e.type === "checkboxes");
    expect(elements.map((e) => e.options.length)).toEqual([7, 10, 10, 5, 1]);
  });

  it("stays within Slack's 50 blocks with as many phases as a checklist may have, every one with a link", () => {
    const tasks = Array.from({ length: CHECKLIST_PHASES_MAX }, (_, p) => task(3 * (p + 1), `phase ${p}`, `Step of phase ${p}`));
    const message = checklistMessage({ number: 8, status: "identified" }, tasks);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
  });
});
