// Pure parts of drills: when replayed moments show, the DRILL banner, the drill's channel name.
import { describe, expect, it } from "vitest";
import { MAX_REPLAY_MS, replayOffsets, scenarioDrill } from "../../src/incidents/drills.js";
import { warRoomChannelName } from "../../src/incidents/channel-name.js";
import { drillMarked } from "../../src/slack/blocks/drill.js";

const MINUTE = 60_000;

describe("replay offsets", () => {
  it("divides each original offset by the speed", () => {
    expect(replayOffsets([0, 10 * MINUTE, 40 * MINUTE], 10)).toEqual({ offsetsMs: [0, MINUTE, 4 * MINUTE], speed: 10 });
  });

  it("plays a replay that would outlast the cap faster, so it ends within it", () => {
    const { offsetsMs, speed } = replayOffsets([0, 5 * 60 * MINUTE, 10 * 60 * MINUTE], 2);
    expect(speed).toBe(10);
    expect(offsetsMs).toEqual([0, 30 * MINUTE, MAX_REPLAY_MS]);
  });
});

describe("the DRILL banner", () => {
  it("goes on top of the blocks and at the start of the text, once however often it is added", () => {
    const once = drillMarked({ text: "Status changed", blocks: [{ type: "section", text: { type: "mrkdwn", text: "Status changed" } }] });
    expect(once.text).toBe(":construction: DRILL — Status changed");
    expect((once.blocks as Array<{ block_id?: string }>).map((b) => b.block_id)).toEqual(["drill_banner", undefined]);
    expect(drillMarked(once)).toEqual(once);
  });

  it("keeps a message already at Slack's 50 blocks whole, saying DRILL in its text", () => {
    const full = { text: "Long", blocks: Array.from({ length: 50 }, () => ({ type: "divider" })) };
    const marked = drillMarked(full);
    expect(marked.blocks).toHaveLength(50);
    expect(marked.text).toMatch(/^:construction: DRILL/);
  });
});

describe("drills' names", () => {
  it("names the war room drill-<N>-<slug>", () => {
    expect(warRoomChannelName(7, "Primary database refuses new connections", 1, true)).toBe("drill-7-primary-database-refuses-new-connections");
    expect(warRoomChannelName(7, "Same name", 2, true)).toBe("drill-7-same-name-2");
  });

  it("takes a named scenario, or the words as the title", () => {
    expect(scenarioDrill("Checkout")).toMatchObject({ severity: "sev1", affectedServices: ["checkout", "payments"] });
    expect(scenarioDrill("DNS fails in eu-west")).toMatchObject({ title: "DNS fails in eu-west", severity: "sev3" });
  });
});
