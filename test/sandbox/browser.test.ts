// The sandbox in a real browser, by clicking and typing only, as a person trying Warroom for the first time would:
// declare from the composer, fill the form, find the war room and its pinned card, acknowledge, change the status,
// assign a role as the commander, see it on the assignee's App Home, resolve with a summary, move the clock on to
// get the postmortem reminder, start the postmortem and read the timeline. Screenshots of each step go to test-results/sandbox/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.js";
import { stepView, useStandIn } from "../support/stand-in-app.js";

const shots = fileURLToPath(new URL("../../test-results/sandbox/", import.meta.url));

describe.skipIf(!chromiumPath)("the sandbox in a real browser", () => {
  let h: TestSandbox;
  let browser: TestBrowser;
  let page: Page;
  let step = 0;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    h = await startTestSandbox();
    browser = await launchChromium();
    page = await browser.context.newPage();
    // The bot coalesces card refreshes for 1.5 s and the machine may be busy: generous, never a pass/fail timing.
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  // expect.poll gives up after a second; the bot coalesces card refreshes for 1.5 s and the machine may be busy.
  const poll = <T>(probe: () => Promise<T> | T) => expect.poll(probe, { timeout: 30_000, interval: 100 });
  const shot = async (name: string) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, "0")}-${name}.png`) });
  const dialog = () => page.getByRole("dialog");
  const sidebar = () => page.getByRole("navigation", { name: "Conversations" });
  const card = () => page.locator("article.message.pinned", { hasText: "#1 · Checkout is down" });
  const field = (name: string): Locator => card().locator(".kit-field", { hasText: name });

  async function type(text: string) {
    const box = page.getByLabel("Message");
    await box.fill(text);
    await box.press("Enter");
  }

  async function actAs(realName: string) {
    await page.getByLabel("Acting as").selectOption({ label: new RegExp(`^${realName}`).test(realName) ? `${realName} (@${realName.split(" ")[0]!.toLowerCase()})` : realName });
  }

  async function openConversation(name: RegExp | string) {
    await sidebar().getByRole("link", { name }).click();
    await poll(() => page.locator(".conversation-head h1").textContent()).toContain(typeof name === "string" ? name : "");
  }

  it("runs an incident from declaration to postmortem, by clicking and typing only", async () => {
    await page.goto(h.sandbox.url);
    await page.locator("body[data-ready]").waitFor();
    const firstRender = await page.evaluate(() => performance.getEntriesByName("sandbox-first-render")[0]?.startTime);
    writeFileSync(join(shots, "first-render.json"), JSON.stringify({ firstRenderMs: firstRender }));
    await poll(() => page.locator(".banner").textContent()).toContain("nothing here reaches Slack or the internet");

    // Declare from the composer; Slack's client refuses a form with a required field left empty.
    await type("/incident declare Checkout is down");
    await dialog().getByLabel("Title").fill("");
    await dialog().getByRole("button", { name: "Declare" }).click();
    await poll(() => dialog().locator('[data-block="title"] .field-error').textContent()).toBe("Please complete this required field.");
    await shot("declare-form-refused");
    await dialog().getByLabel("Title").fill("Checkout is down");
    await dialog().getByLabel("Severity").selectOption({ label: "SEV1" });
    await dialog().getByLabel("Description / impact").fill("EU checkouts fail with 502 since 10:02 <!channel>");
    await dialog().getByLabel("Incident Commander").selectOption({ label: "Bob Baker" });
    await shot("declare-form");
    await dialog().getByRole("button", { name: "Declare" }).click();
    await dialog().waitFor({ state: "detached" });

    // The war room appears in the sidebar, with the live card pinned in it.
    await poll(() => page.locator("article.ephemeral").last().textContent()).toContain("Incident #1 is declared");
    await openConversation(/inc-1-checkout-is-down/);
    await card().waitFor();
    expect(await card().locator(".pin-note").textContent()).toContain("Pinned");
    // What was typed is shown as typed: the <!channel> in the description pings nobody.
    expect(await card().textContent()).toContain("EU checkouts fail with 502 since 10:02 <!channel>");
    expect(await page.locator(".conversation-head .topic").textContent()).toContain("[SEV1] Checkout is down | Investigating | IC: @bob");
    await shot("war-room");

    await card().getByRole("button", { name: "Acknowledge" }).click();
    await poll(() => field("Acknowledged").textContent()).toMatch(/@alice after/);

    await card().getByRole("button", { name: "Update status" }).click();
    await dialog().getByLabel("New status").selectOption({ label: "Identified" });
    await dialog().getByLabel("What changed?").fill("A config push to the EU edge; rolling it back");
    await dialog().getByRole("button", { name: "Update" }).click();
    await dialog().waitFor({ state: "detached" });
    await poll(() => field("Status").textContent()).toContain("Identified");

    // Bob, the commander, assigns Carol as Tech Lead; Carol hears of it in her DM with the app. Bob has not looked at
    // #incidents, where the incident was announced: it is bold in his sidebar, the war room he is looking at is not.
    await actAs("Bob Baker");
    await poll(() => sidebar().getByRole("link", { name: /incidents$/ }).getAttribute("class")).toContain("unread");
    expect(await sidebar().getByRole("link", { name: /inc-1-checkout-is-down/ }).getAttribute("class")).not.toContain("unread");
    await card().getByRole("button", { name: "Assign roles" }).click();
    await dialog().getByLabel("Tech Lead").selectOption({ label: "Carol Chen" });
    await dialog().getByRole("button", { name: "Save" }).click();
    await dialog().waitFor({ state: "detached" });
    await poll(() => field("Tech Lead").textContent()).toContain("@carol");
    await shot("war-room-identified");
    await actAs("Carol Chen");
    await openConversation("warroom");
    await poll(() => page.locator(".messages").textContent()).toContain("Tech Lead");
    await shot("carol-dm");

    // Carol opens the app's Home tab for the first time: the bot hears of it and publishes her Home, which lists the
    // open incident she holds a role in, linked to its war room.
    await sidebar().getByRole("link", { name: "Home" }).click();
    const home = page.locator(".home-body");
    await poll(() => home.textContent()).toContain("Checkout is down");
    expect(await home.textContent()).toContain("you are Tech Lead");
    await home.getByRole("link", { name: /inc-1-checkout-is-down/ }).waitFor();
    await shot("carol-home");

    // Alice, who declared it, resolves it; the summary is required.
    await actAs("Alice Archer");
    await openConversation(/inc-1-checkout-is-down/);
    await card().getByRole("button", { name: "Resolve" }).click();
    await dialog().getByRole("button", { name: "Resolve" }).click();
    await poll(() => dialog().locator('[data-block="summary"] .field-error').textContent()).toBe("Please complete this required field.");
    await dialog().getByLabel("Resolution summary").fill("Rolled back config push 4512; the error rate is back to its baseline");
    await dialog().getByRole("button", { name: "Resolve" }).click();
    await dialog().waitFor({ state: "detached" });
    await poll(() => field("Status").textContent()).toContain("Resolved");
    await card().getByRole("button", { name: "Start postmortem" }).waitFor();
    await shot("resolved");

    // Two days later nobody has started the required postmortem: the commander is reminded.
    await page.getByRole("button", { name: "+1 day" }).click();
    await poll(() => page.locator(".clock-now").getAttribute("data-ahead")).toBe(String(24 * 3600_000));
    await page.getByRole("button", { name: "+1 day" }).click();
    await poll(() => page.locator(".clock-now").getAttribute("data-ahead")).toBe(String(48 * 3600_000));
    await actAs("Bob Baker");
    await openConversation("warroom");
    await poll(() => page.locator(".messages").textContent()).toContain("its postmortem is required, but nobody has started it");
    await shot("postmortem-reminder");

    await openConversation(/inc-1-checkout-is-down/);
    await card().getByRole("button", { name: "Start postmortem" }).click();
    await poll(() => dialog().locator("h2").textContent()).toBe("Postmortem 1/5");
    await dialog().getByLabel("Summary").fill("A config push broke EU checkouts for 40 minutes; rolled back.");
    await dialog().getByRole("button", { name: "Save & next" }).click();
    await poll(() => dialog().locator("h2").textContent()).toBe("Postmortem 2/5");
    await dialog().getByLabel("Why? (1)").fill("The push skipped the canary stage");
    await dialog().getByRole("button", { name: "Save & next" }).click();
    await poll(() => dialog().locator("h2").textContent()).toBe("Postmortem 3/5");
    await dialog().getByRole("button", { name: "Save & next" }).click();
    await poll(() => dialog().locator("h2").textContent()).toBe("Postmortem 4/5");
    const keyEvents = await dialog().locator(".checklist").textContent();
    expect(keyEvents).toContain("Declared SEV1 incident #1: Checkout is down");
    expect(keyEvents).toContain("Resolved: Rolled back config push 4512");
    await shot("postmortem-timeline");
    await dialog().getByRole("button", { name: "Close" }).first().click();
    await dialog().waitFor({ state: "detached" });

    await type("/incident timeline");
    const timeline = page.locator("article.ephemeral", { hasText: "Timeline" }).last();
    await timeline.waitFor();
    const said = (await timeline.textContent()) ?? "";
    for (const words of [
      "@alice · Declared SEV1 incident #1: Checkout is down",
      "@alice · Acknowledged the incident",
      "@alice · Status Investigating → Identified: A config push to the EU edge; rolling it back",
      "@bob · @carol is Tech Lead",
      "@alice · Resolved: Rolled back config push 4512",
      "@bob · Started the postmortem",
    ]) {
      expect(said).toContain(words);
    }
    await shot("timeline");
  }, 300_000);

  it("shows a pushed view on top of a modal, goes Back to the one under it, and clear closes them all", async () => {
    // The bot never pushes a view: a stand-in app answers these submissions (response_action push, then clear).
    const app = await useStandIn(h.sandbox);
    try {
      app.answers.step_one = { response_action: "push", view: stepView("Step 2", "step_two") };
      app.answers.step_two = { response_action: "clear" };
      await actAs("Carol Chen");
      await app.open("U_CAROL", stepView("Step 1", "step_one"));
      await poll(() => dialog().locator("h2").textContent()).toBe("Step 1");
      expect(await dialog().getByRole("button", { name: "Back", exact: true }).count()).toBe(1);
      await dialog().getByLabel("Note").fill("first");
      await dialog().getByRole("button", { name: "Next" }).click();
      await poll(() => dialog().locator("h2").textContent()).toBe("Step 2");
      await shot("pushed-view");
      // The arrow in the header goes back to Step 1; Step 1's own close button would close it (it is the root).
      await dialog().locator(".modal-header").getByRole("button", { name: "Back" }).click();
      await poll(() => dialog().locator("h2").textContent()).toBe("Step 1");
      // As the person left it: what they typed is still there.
      expect(await dialog().getByLabel("Note").inputValue()).toBe("first");
      await dialog().getByRole("button", { name: "Next" }).click();
      await poll(() => dialog().locator("h2").textContent()).toBe("Step 2");
      await dialog().getByRole("button", { name: "Next" }).click();
      await dialog().waitFor({ state: "detached" });
      expect(h.sandbox.fake.views.filter((v) => v.user === "U_CAROL" && !v.closed)).toEqual([]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
