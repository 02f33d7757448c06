import { describe, expect, it } from "vitest";
import type { TimelineEntry } from "../../src/db/schema.js";
import { messageBlockProblems, viewProblems } from "../../src/fake-slack/block-rules.js";
import { incidentListMessage } from "../../src/slack/blocks/incident-list.js";
import { timelineMessage } from "../../src/slack/blocks/timeline.js";
import { resolveModal, rolesModal, severityModal, statusModal, updateModal } from "../../src/slack/blocks/war-room-modals.js";
import { RoleBlocks, SeverityBlocks, StatusBlocks, Views, inputAction } from "../../src/slack/ids.js";
import { incidentFixture } from "../support/incident-fixture.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const now = new Date("2026-11-22T11:05:00Z");
const meta = JSON.stringify({ incidentId: 1 });
const modals = [statusModal, rolesModal, updateModal, resolveModal, severityModal];

const blockById = (view: unknown, id: string): Json => {
  const block = ((view as Json).blocks as Json[]).find((b) => b.block_id === id);
  if (!block) throw new Error(`no block ${id}`);
  return block;
};

let nextId = 1;
/** A timeline fact; by default a note typed in a form (plain text, escaped only where it is shown). */
function entry(overrides: Partial<TimelineEntry> & { note?: string } = {}): TimelineEntry {
  const id = nextId++;
  const { note, ...rest } = overrides;
  return {
    id,
    teamId: "T1",
    incidentId: 1,
    type: "note",
    actor: "U_ALICE",
    occurredAt: new Date("2026-11-22T09:00:00Z"),
    text: "",
    data: { note: note ?? `Entry ${id}` },
    sourceKey: null,
    ...rest,
  };
}

const sectionTexts = (blocks: unknown[] | undefined): string[] =>
  (blocks as Json[]).filter((b) => b.type === "section").map((b) => b.text.text as string);

describe("war-room modals", () => {
  it("are all accepted by Slack, with short titles, the given metadata and action ids from their block ids", () => {
    for (const status of ["investigating", "identified", "monitoring", "resolved"] as const) {
      for (const severity of ["sev1", "sev4"] as const) {
        const incident = incidentFixture({ status, severity, title: "<!channel> & ".repeat(40) });
        for (const build of modals) {
          const view = build({ incident, privateMetadata: meta }) as Json;
          expect(viewProblems(view)).toEqual([]);
          expect(view.title.text.length).toBeLessThanOrEqual(24);
          expect(view.private_metadata).toBe(meta);
          for (const block of view.blocks as Json[]) {
            if (block.type === "input") expect(block.element.action_id).toBe(inputAction(block.block_id));
          }
          expect(JSON.stringify(view)).not.toMatch(/<!channel>/);
        }
      }
    }
  });

  it("use their callback ids", () => {
    const incident = incidentFixture();
    expect(modals.map((m) => (m({ incident, privateMetadata: meta }) as Json).callback_id)).toEqual([
      Views.status,
      Views.roles,
      Views.update,
      Views.resolve,
      Views.severity,
    ]);
  });

  it("status modal offers only the allowed statuses", () => {
    const view = statusModal({ incident: incidentFixture({ status: "identified" }), privateMetadata: meta });
    const select = blockById(view, StatusBlocks.status).element;
    const values = (select.options as Json[]).map((o) => o.value);
    expect(values).toEqual(["investigating", "monitoring"]);
    expect(values).not.toContain("resolved");
    expect(values).not.toContain("closed");
    expect(select.initial_option).toBeUndefined();
    expect(blockById(view, StatusBlocks.message).optional).toBe(true);
    expect(blockById(view, StatusBlocks.share).element.options).toHaveLength(1);
  });

  it("status modal for a resolved incident says to reopen instead of offering nothing", () => {
    const view = statusModal({ incident: incidentFixture({ status: "resolved" }), privateMetadata: meta }) as Json;
    expect((view.blocks as Json[]).some((b) => b.type === "input")).toBe(false);
    expect(JSON.stringify(view)).toContain("reopen");
    expect(viewProblems(view)).toEqual([]);
  });

  it("roles modal prefills the current holders and requires only a commander", () => {
    const incident = incidentFixture({ commanderId: "U_IC", techLeadId: "U_TECH", commsLeadId: null, scribeId: "U_SCRIBE" });
    const view = rolesModal({ incident, privateMetadata: meta });
    expect(blockById(view, RoleBlocks.commander).element.initial_user).toBe("U_IC");
    expect(blockById(view, RoleBlocks.commander).optional).toBe(false);
    expect(blockById(view, RoleBlocks.tech_lead).element.initial_user).toBe("U_TECH");
    expect(blockById(view, RoleBlocks.comms_lead).element.initial_user).toBeUndefined();
    expect(blockById(view, RoleBlocks.scribe).element.initial_user).toBe("U_SCRIBE");
    expect(blockById(view, RoleBlocks.scribe).optional).toBe(true);
    const ids = ((view as Json).blocks as Json[]).filter((b) => b.type === "input").map((b) => b.block_id);
    expect(ids).toEqual(["commander", "tech_lead", "comms_lead", "scribe"]);
  });

  it("severity modal starts at the current severity, one of its own options", () => {
    for (const severity of ["sev1", "sev2", "sev3", "sev4"] as const) {
      const view = severityModal({ incident: incidentFixture({ severity }), privateMetadata: meta });
      const select = blockById(view, SeverityBlocks.severity).element;
      expect(select.initial_option.value).toBe(severity);
      expect(select.options).toContainEqual(select.initial_option);
      expect(select.options).toHaveLength(4);
      expect(blockById(view, SeverityBlocks.reason).optional).toBeFalsy();
    }
  });

  it("resolve modal asks for a postmortem only for SEV1 and SEV2", () => {
    const says = (severity: "sev1" | "sev2" | "sev3" | "sev4") =>
      JSON.stringify(resolveModal({ incident: incidentFixture({ severity }), privateMetadata: meta })).includes("postmortem");
    expect([says("sev1"), says("sev2"), says("sev3"), says("sev4")]).toEqual([true, true, false, false]);
  });
});

describe("the timeline message", () => {
  it("lists entries oldest first with time, age, actor and text", () => {
    const entries = [
      entry({ occurredAt: new Date("2026-11-22T11:00:00Z"), actor: "warroom", type: "status_changed", data: { from: "investigating", to: "identified", message: null } }),
      entry({ occurredAt: new Date("2026-11-22T09:05:00Z"), note: "Rolled back <deploy>" }),
    ];
    const message = timelineMessage(incidentFixture(), entries, now);
    expect(message.text).toBe("Timeline of incident #12 (2 entries)");
    const text = sectionTexts(message.blocks).join("\n");
    expect(text).toBe(
      "`2026-11-22 09:05 UTC` (2h 00m ago) · <@U_ALICE> · Rolled back &lt;deploy&gt;\n" +
        "`2026-11-22 11:00 UTC` (5m ago) · Warroom · Status Investigating → Identified",
    );
    expect(messageBlockProblems(message.blocks)).toEqual([]);
  });

  it("escapes a typed <!channel> title where it is shown as mrkdwn", () => {
    const message = timelineMessage(incidentFixture({ title: "<!channel> checkout" }), [entry()], now);
    expect(JSON.stringify(message)).not.toContain("<!channel>");
    expect(JSON.stringify(message)).toContain("&lt;!channel&gt; checkout");
  });

  it("says so when there are no entries", () => {
    const message = timelineMessage(incidentFixture(), [], now);
    expect(message.text).toBe("Timeline of incident #12 (0 entries)");
    expect(JSON.stringify(message.blocks)).toMatch(/No entries/);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
  });

  it("cuts each entry to 500 characters without leaving half a mention", () => {
    const long = `${"x".repeat(497)}<@U12345> and more`;
    const message = timelineMessage(incidentFixture(), [entry({ data: { note: long, noteFormat: "mrkdwn" } })], now);
    const line = sectionTexts(message.blocks)[0] ?? "";
    expect(line).not.toContain("<@U1");
    expect(line.endsWith("…")).toBe(true);
  });

  it("keeps a 2,000-entry timeline within Slack's limits, showing the first and last entries and the gap", () => {
    const start = new Date("2026-11-20T00:00:00Z").getTime();
    const entries = Array.from({ length: 2000 }, (_, i) =>
      entry({ occurredAt: new Date(start + i * 60_000), note: `step ${i + 1}: ${"detail ".repeat(i % 3 === 0 ? 70 : 5)}` }),
    );
    // Handed over newest first: the message still reads oldest first.
    const message = timelineMessage(incidentFixture(), [...entries].reverse(), now);
    const blocks = message.blocks as Json[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(messageBlockProblems(blocks)).toEqual([]);
    const texts = sectionTexts(blocks);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join("").length).toBeLessThanOrEqual(12_000);
    const all = texts.join("\n");
    expect(all).toContain("step 1:");
    expect(all).toContain("step 2000:");
    expect(all.indexOf("step 1:")).toBeLessThan(all.indexOf("step 2000:"));
    const shown = (all.match(/step \d+:/g) ?? []).length;
    const gap = blocks.find((b) => b.type === "context" && /not shown/.test(b.elements[0].text));
    expect(gap?.elements[0].text).toContain(`${2000 - shown} earlier entries`);
    expect(message.text).toBe("Timeline of incident #12 (2000 entries)");
  });

  it("stays within limits when every entry is as long as allowed", () => {
    const entries = Array.from({ length: 300 }, () => entry({ note: "&".repeat(1000) }));
    const message = timelineMessage(incidentFixture({ title: "&".repeat(500) }), entries, now);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
    expect(sectionTexts(message.blocks).join("").length).toBeLessThanOrEqual(12_000);
  });
});

describe("the incident list", () => {
  it("shows one line per incident with number, title, severity, status, IC, age and channel", () => {
    const message = incidentListMessage([incidentFixture({ title: "<!channel> checkout" })], "open", now);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain("Open incidents");
    expect(sectionTexts(message.blocks)).toEqual([
      "*#12 · &lt;!channel&gt; checkout* · SEV1 · Investigating · IC <@U_ALICE> · 2h 05m old · <#C_WAR>",
    ]);
    expect(JSON.stringify(message)).not.toContain("<!channel>");
  });

  it("leaves out the channel link when there is no channel yet", () => {
    const message = incidentListMessage([incidentFixture({ channelId: null })], "all", now);
    expect(sectionTexts(message.blocks)[0]).not.toContain("<#");
    expect(JSON.stringify(message.blocks)).toContain("All incidents");
  });

  it("says so when there are none", () => {
    const message = incidentListMessage([], "open SEV1", now);
    expect(JSON.stringify(message.blocks)).toContain("No open SEV1 incidents");
    expect(messageBlockProblems(message.blocks)).toEqual([]);
  });

  it("shows at most 40 incidents and how many more there are", () => {
    const list = Array.from({ length: 55 }, (_, i) => incidentFixture({ id: i + 1, number: i + 1, title: "&".repeat(300) }));
    const message = incidentListMessage(list, "open", now);
    expect(messageBlockProblems(message.blocks)).toEqual([]);
    expect(sectionTexts(message.blocks)).toHaveLength(40);
    expect(JSON.stringify(message.blocks)).toContain("15 more");
  });
});
