// The fake Slack's workspace kept and put back (the sandbox's restarts), and what a long-running fake forgets.
import { afterEach, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { FakeWorkspace } from "../../src/fake-slack/workspace.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("a workspace kept as JSON", () => {
  it("comes back as it was: channels, members, messages, pins, reactions, modals and the ids still to hand out", () => {
    const ws = new FakeWorkspace();
    const room = ws.createChannel({ name: "inc-1-x", creator: "UBOT", members: ["U_ALICE"] });
    const message = ws.postMessage({ channel: room.id, user: "UBOT", text: "card" });
    message.reactions = [{ name: "pushpin", users: ["U_ALICE"], count: 1 }];
    ws.pins.set(room.id, [{ channel: room.id, ts: message.ts, created: 1, created_by: "UBOT" }]);
    const restored = new FakeWorkspace();
    restored.restore(JSON.parse(JSON.stringify(ws.snapshot())));
    expect(restored.snapshot()).toEqual(ws.snapshot());
    // New ids and timestamps carry on after the kept ones instead of repeating them.
    expect(restored.newId("C")).toBe(ws.newId("C"));
    expect(restored.newTs() > message.ts).toBe(true);
  });

  it("clear() starts a new workspace: the seeded people and channels only", () => {
    const ws = new FakeWorkspace();
    ws.createChannel({ name: "inc-1-x", creator: "UBOT" });
    ws.clear();
    expect([...ws.channels.values()].map((c) => c.name)).toEqual(["general", "incidents"]);
    expect(ws.snapshot()).toEqual(new FakeWorkspace().snapshot());
  });
});

describe("a fake that runs for hours", () => {
  it("forgets trigger_ids and response URLs Slack would no longer honour, and old call records", async () => {
    let now = Date.parse("2026-11-22T09:00:00Z");
    fake = await startFakeSlack({ now: () => now, triggerTtlMs: 3000 });
    const fresh = fake.issueTriggerId("U_ALICE");
    fake.issueResponseUrl({ userId: "U_ALICE", channelId: "C1" });
    now += 10_000;
    const later = fake.issueTriggerId("U_ALICE");
    fake.forgetExpired();
    expect([...fake.workspace.triggers.keys()]).toEqual([later]);
    expect(fake.workspace.triggers.has(fresh)).toBe(false);
    expect(fake.workspace.responseUrls.size).toBe(1);
    now += 31 * 60_000;
    fake.forgetExpired();
    expect(fake.workspace.responseUrls.size).toBe(0);

    for (let i = 0; i < 5; i++) await fetch(`${fake.url}auth.test`, { method: "POST", headers: { authorization: `Bearer ${fake.botToken}` } });
    fake.forgetExpired(2);
    expect(fake.calls).toHaveLength(2);
  });
});
