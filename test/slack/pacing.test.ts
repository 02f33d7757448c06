// The bot's own pacing within Slack's rate tiers: never more calls in a window than the tier allows, those waiting
// served most severe first, slots promised to steps about to call and given back when unused.
import { describe, expect, it } from "vitest";
import { SlackPacer } from "../../src/slack/pacing.js";

const WINDOW = 60_000;

function clockedPacer() {
  const clock = { now: 1_000_000 };
  return { clock, pacer: new SlackPacer(WINDOW, () => clock.now) };
}

describe("pacing Slack calls", () => {
  it("admits Tier 2's 20 calls a minute, then says when the next slot frees", () => {
    const { clock, pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) {
      const a = pacer.admit("conversations.create", undefined, { id, priority: 3 });
      expect(a.admitted).toBe(true);
      if (a.admitted) a.finished();
    }
    const refused = pacer.admit("conversations.create", undefined, { id: 21, priority: 3 });
    expect(refused).toEqual({ admitted: false, waitMs: WINDOW });
    clock.now += WINDOW;
    expect(pacer.admit("conversations.create", undefined, { id: 21, priority: 3 }).admitted).toBe(true);
  });

  it("serves those waiting most severe first, whoever asked first", () => {
    const { clock, pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) {
      const a = pacer.admit("conversations.create", undefined, { id, priority: 1 });
      if (a.admitted) a.finished();
    }
    expect(pacer.admit("conversations.create", undefined, { id: 30, priority: 4 }).admitted).toBe(false);
    expect(pacer.admit("conversations.create", undefined, { id: 31, priority: 2 }).admitted).toBe(false);
    clock.now += WINDOW;
    // They all left the window together: there is room for both, and the SEV2 step, due back, still starts first.
    expect(pacer.admit("conversations.create", undefined, { id: 30, priority: 4 }).admitted).toBe(false);
    expect(pacer.admit("conversations.create", undefined, { id: 31, priority: 2 }).admitted).toBe(true);
    expect(pacer.admit("conversations.create", undefined, { id: 30, priority: 4 }).admitted).toBe(true);
    const { clock: c2, pacer: p2 } = clockedPacer();
    const first = p2.admit("pins.add", "C1", { id: 1, priority: 3 });
    for (let id = 2; id <= 20; id++) p2.admit("pins.add", "C1", { id, priority: 3 });
    if (first.admitted) first.finished();
    expect(p2.admit("pins.add", "C1", { id: 40, priority: 4 }).admitted).toBe(false);
    expect(p2.admit("pins.add", "C1", { id: 41, priority: 1 }).admitted).toBe(false);
    c2.now += WINDOW;
    // Only the first call has left the window: its slot goes to the SEV1 step, not to the SEV4 one that asked first.
    expect(p2.admit("pins.add", "C1", { id: 40, priority: 4 }).admitted).toBe(false);
    expect(p2.admit("pins.add", "C1", { id: 41, priority: 1 }).admitted).toBe(true);
  });

  it("counts chat.postMessage per channel", () => {
    const { pacer } = clockedPacer();
    for (let id = 1; id <= 60; id++) expect(pacer.admit("chat.postMessage", "C1", { id, priority: 1 }).admitted).toBe(true);
    expect(pacer.admit("chat.postMessage", "C1", { id: 61, priority: 1 }).admitted).toBe(false);
    expect(pacer.admit("chat.postMessage", "C2", { id: 62, priority: 1 }).admitted).toBe(true);
  });

  it("promises a slot to a step about to call, and gives it to the next in line when the step ends without calling", () => {
    const { pacer } = clockedPacer();
    for (let id = 1; id <= 19; id++) pacer.admit("conversations.setTopic", undefined, { id, priority: 2 });
    expect(pacer.slotFor("conversations.setTopic", undefined, { id: 50, priority: 2 })).toBe(0);
    expect(pacer.slotFor("conversations.setTopic", undefined, { id: 51, priority: 1 })).toBeGreaterThan(0);
    // The promised step's own call uses its slot.
    expect(pacer.admit("conversations.setTopic", undefined, { id: 50, priority: 2 }).admitted).toBe(true);
    const { pacer: p2 } = clockedPacer();
    for (let id = 1; id <= 19; id++) p2.admit("conversations.setTopic", undefined, { id, priority: 2 });
    expect(p2.slotFor("conversations.setTopic", undefined, { id: 50, priority: 2 })).toBe(0);
    expect(p2.slotFor("conversations.setTopic", undefined, { id: 51, priority: 3 })).toBeGreaterThan(0);
    p2.release(50);
    expect(p2.slotFor("conversations.setTopic", undefined, { id: 51, priority: 3 })).toBe(0);
  });

  it("does not count a call Slack refused with a 429, and always admits a listener's call (a person is waiting)", () => {
    const { pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) {
      const a = pacer.admit("conversations.create", undefined, { id, priority: 1 });
      if (a.admitted) a.finished(id === 20);
    }
    expect(pacer.admit("conversations.create", undefined, { id: 21, priority: 1 }).admitted).toBe(true);
    expect(pacer.admit("conversations.create", undefined, { id: 22, priority: 1 }).admitted).toBe(false);
    expect(pacer.admit("conversations.create", undefined).admitted).toBe(true);
  });

  it("never starts a less severe step ahead of a more severe one that is waiting to come back for its slot", () => {
    const { clock, pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) expect(pacer.slotFor("conversations.create", undefined, { id, priority: 1 })).toBe(0);
    const sev3Wait = pacer.slotFor("conversations.create", undefined, { id: 50, priority: 3 });
    expect(sev3Wait).toBeGreaterThan(0);
    // Two SEV1 steps end without calling (their channel already existed): two slots are free again at once.
    pacer.release(1);
    pacer.release(2);
    clock.now += 100;
    // The SEV4 step asking now waits until the SEV3 one is back, not the other way round.
    const sev4Wait = pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 });
    expect(clock.now + sev4Wait).toBeGreaterThan(1_000_000 + sev3Wait);
    clock.now = 1_000_000 + sev3Wait;
    expect(pacer.slotFor("conversations.create", undefined, { id: 50, priority: 3 })).toBe(0);
    clock.now += sev4Wait;
    expect(pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 })).toBe(0);
  });

  it("keeps a more severe step's turn for a moment when it is due back but not yet claimed again", () => {
    const { clock, pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) expect(pacer.slotFor("conversations.create", undefined, { id, priority: 1 })).toBe(0);
    const sev3Wait = pacer.slotFor("conversations.create", undefined, { id: 50, priority: 3 });
    const sev4Wait = pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 });
    expect(sev4Wait).toBeGreaterThan(sev3Wait);
    // The window has passed: every slot is free. The SEV4 step's claim comes first, the SEV3 one's a moment later.
    for (let id = 1; id <= 20; id++) pacer.release(id);
    clock.now += sev4Wait + 5;
    expect(pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 })).toBeGreaterThan(0);
    expect(pacer.slotFor("conversations.create", undefined, { id: 50, priority: 3 })).toBe(0);
    expect(pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 })).toBe(0);
  });

  it("stops holding a place for a step that never comes back", () => {
    const { clock, pacer } = clockedPacer();
    for (let id = 1; id <= 20; id++) pacer.slotFor("conversations.create", undefined, { id, priority: 1 });
    const sev3Wait = pacer.slotFor("conversations.create", undefined, { id: 50, priority: 3 });
    for (let id = 1; id <= 20; id++) pacer.release(id);
    // The SEV3 step was done elsewhere and never asks again: a second after it was due, the SEV4 step goes.
    clock.now += sev3Wait + 1000;
    expect(pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 })).toBe(0);
  });

  it("wakes the first in line when a slot comes free early, rather than leave it idle until their time", () => {
    const { clock, pacer } = clockedPacer();
    const woken: number[][] = [];
    pacer.onSlotsFreed((ids) => woken.push(ids));
    const calls = [];
    for (let id = 1; id <= 20; id++) calls.push(pacer.admit("conversations.create", undefined, { id, priority: 2 }));
    expect(pacer.slotFor("conversations.create", undefined, { id: 50, priority: 2 })).toBeGreaterThan(50_000);
    expect(pacer.slotFor("conversations.create", undefined, { id: 60, priority: 4 })).toBeGreaterThan(50_000);
    clock.now += 12_000;
    // A slow call comes back refused with a 429: it spent nothing, and its slot is free now, not in 48 s.
    const slow = calls[7]!;
    if (slow.admitted) slow.finished(true);
    expect(woken).toEqual([[50]]);
    // Someone asking in between leaves the slot to the one woken for it.
    expect(pacer.slotFor("conversations.create", undefined, { id: 70, priority: 3 })).toBeGreaterThan(0);
    expect(pacer.slotFor("conversations.create", undefined, { id: 50, priority: 2 })).toBe(0);
    // A promised slot given back unused wakes the next in line.
    pacer.release(50);
    expect(woken.at(-1)).toEqual([70]);
  });
});
