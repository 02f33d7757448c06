// The sandbox page shows a war room's checklist and ticks its boxes as Slack's client does.
import { afterEach, expect, it } from "vitest";
import { eventually } from "../support/declare.js";
import { act, screen, startTestSandbox, type TestSandbox } from "../support/sandbox.js";

let h: TestSandbox | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


type Json = Record<string, any>;
const checkboxesOf = (message: Json): Json[] => ((message.blocks ?? []) as Json[]).flatMap((b) => (b.elements ?? []) as Json[]).filter((e) => e.type === "checkboxes");

it("ticks a checklist item from the page", async () => {
  h = await startTestSandbox({ PLAYBOOKS_FILE: "playbooks.example.yml" });
  const general = (await screen(h)).conversations.find((c) => c.name === "general")!.id;
  expect(await act(h, "composer", { as: "U_ALICE", channel: general, text: "/incident declare Checkout is down" })).toMatchObject({ ok: true });
  const modal = (await screen(h)).modal!;
  await act(h, "submit", { as: "U_ALICE", viewId: modal.id, values: { severity: "sev1" } });
  await h.sandbox.bot().outbox.waitUntilIdle();
  const room = (await screen(h)).conversations.find((c) => c.name === "inc-1-checkout-is-down")!;
  const checklist = (await screen(h, "U_ALICE", room.id)).open!.messages.find((m) => String(m.text).startsWith("Checklist for incident #1")) as Json;
  const first = checkboxesOf(checklist)[0]!;
  const option = first.options[0];
  expect(await act(h, "interact", { as: "U_BOB", channel: room.id, ts: checklist.ts, actionId: first.action_id, value: option.value })).toMatchObject({ ok: true });
  await eventually(async () => {
    await h!.sandbox.bot().outbox.waitUntilIdle();
    const now = (await screen(h!, "U_ALICE", room.id)).open!.messages.find((m) => m.ts === checklist.ts) as Json;
    return (checkboxesOf(now)[0]!.initial_options ?? []).some((o: Json) => o.value === option.value);
  }, 15_000);
}, 60_000);
