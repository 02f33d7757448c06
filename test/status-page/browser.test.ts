/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The public status page in a real Chromium: what a customer reads after the Comms Lead published through Slack.
// The same incident carries an internal update and a customer update; only the latter may reach the page. The
// page works without JavaScript, has a sensible heading outline, and its Atom feed parses as RFC 4287 XML.
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/db/schema.js";
import { chromiumPath, launchChromium, type TestBrowser } from "../support/browser.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { declaredIncident, modalOpenedBy, reload, submitForm } from "../support/war-room.js";

const INTERNAL = "db-primary-7 is swapping; rolling back build 8812 (ask Priya)";
const CUSTOMER = "Some customers see errors when paying. We know why and are fixing it.";

describe.skipIf(!chromiumPath)("the status page in a real browser", () => {
  let h: TestBot;
  let browser: TestBrowser;
  let incident: Incident;
  const url = (path: string) => `http://127.0.0.1:${h.bot.port}${path}`;

  beforeAll(async () => {
    h = await startTestBot({ STATUS_PAGE_TITLE: "Acme status", STATUS_PAGE_SERVICES: "Payments,Search" });
    incident = await declaredIncident(h, { title: "Payments: db-primary-7 swapping", severity: "sev1", services: "Payments" });
    await submitForm(h, incident, "U_ALICE", "incident_post_update", { impact: INTERNAL, current_action: "Rolling back build 8812" });
    const current = await reload(h, incident);
    const click = await h.driver.clickButton({ userId: "U_ALICE", channelId: current.channelId!, messageTs: current.summaryTs!, actionId: "incident_card_menu", value: "comms_customer" });
    const view = await modalOpenedBy(h, click.triggerId);
    await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { public_title: "Payment errors", public_state: "identified", public_text: CUSTOMER, public_services: "Payments" } });
    await h.bot.outbox.waitUntilIdle();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const headings = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((el) => `${el.tagName.toLowerCase()} ${el.textContent?.trim() ?? ""}`));

  it("shows the customer update and not the internal one, under a sensible outline", async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(url("/status"));
    expect(response?.status()).toBe(200);
    const main = page.getByRole("main");
    const current = main.getByRole("region", { name: "Current incidents" });
    await expect.poll(() => current.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Payment errors"]);
    expect(await current.textContent()).toContain(CUSTOMER);
    const everything = (await page.locator("html").textContent()) ?? "";
    for (const internal of [INTERNAL, "db-primary-7", "8812", "Priya", "swapping"]) expect(everything).not.toContain(internal);

    expect(await headings(page)).toEqual(["h1 Acme status", "h2 Services", "h2 Current incidents", "h3 Payment errors", "h2 Past incidents (last 90 days)"]);
    expect(await page.title()).toBe("Acme status");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    const services = main.getByRole("region", { name: "Services" }).getByRole("listitem");
    expect(await services.allTextContents()).toEqual(["PaymentsDisrupted", "SearchOperational"]);
    await page.close();
  });

  it("renders the same without JavaScript", async () => {
    // A browser of its own: the shared persistent context cannot turn JavaScript off.
    const plain = await chromium.launch({ executablePath: chromiumPath!, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      const context = await plain.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(url("/status"));
      expect(await page.getByRole("heading", { level: 1, name: "Acme status" }).isVisible()).toBe(true);
      expect(await page.getByRole("heading", { level: 3, name: "Payment errors" }).isVisible()).toBe(true);
      expect(await page.getByText(CUSTOMER).isVisible()).toBe(true);
      expect(await page.locator("script").count()).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it("keeps text readable: dark on light, at least 4.5:1", async () => {
    const page = await browser.context.newPage();
    await page.goto(url("/status"));
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      const background = (el: Element | null): string => {
        for (let e = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          if (bg && !bg.startsWith("rgba(0, 0, 0, 0)") && bg !== "transparent") return bg;
        }
        return "rgb(255, 255, 255)";
      };
      return [...document.querySelectorAll("h1, h2, h3, p, li span, strong, time, a")].map((el) => {
        const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(background(el)))];
        return { text: el.textContent?.slice(0, 30), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    });
    expect(ratios.length).toBeGreaterThan(5);
    for (const r of ratios) expect(r.ratio, r.text).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });

  it("serves an Atom feed that parses as XML with the ids, times and links RFC 4287 asks for", async () => {
    const page = await browser.context.newPage();
    await page.goto(url("/status"));
    const feed = await page.evaluate(async (feedUrl) => {
      const text = await (await fetch(feedUrl)).text();
      const doc = new DOMParser().parseFromString(text, "application/xml");
      const atom = "http://www.w3.org/2005/Atom";
      const one = (el: Element | Document, name: string) => el.getElementsByTagNameNS(atom, name)[0];
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName("parsererror").length > 0,
        root: `${root.namespaceURI} ${root.localName}`,
        id: [...root.children].find((c) => c.localName === "id")?.textContent,
        updated: [...root.children].find((c) => c.localName === "updated")?.textContent,
        author: one(root, "author")?.textContent?.trim(),
        entries: [...root.getElementsByTagNameNS(atom, "entry")].map((e) => ({
          id: one(e, "id")?.textContent,
          title: one(e, "title")?.textContent,
          updated: one(e, "updated")?.textContent,
          link: one(e, "link")?.getAttribute("href"),
          content: one(e, "content")?.textContent,
        })),
      };
    }, url("/status/feed.atom"));
    expect(feed.error).toBe(false);
    expect(feed.root).toBe("http://www.w3.org/2005/Atom feed");
    expect(feed.id).toBe(url("/status"));
    expect(feed.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(feed.author).toBe("Acme status");
    expect(feed.entries).toHaveLength(1);
    const [entry] = feed.entries;
    expect(entry!.title).toBe("Payment errors: Identified");
    expect(entry!.content).toBe(CUSTOMER);
    expect(entry!.id).toMatch(new RegExp(`^${url("/status").replace(/[.?]/g, "\\$&")}#update-\\d+$`));
    expect(entry!.link).toBe(url(`/status#incident-${incident.number}`));
    expect(entry!.updated).toBe(feed.updated);
    await page.close();
  });
});
