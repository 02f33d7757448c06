// A real Chromium for the browser tests: Debian's `chromium` package (or CHROMIUM_PATH), driven by playwright-core,
// headless, with a fresh profile and everything that would reach out to the internet turned off.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

// CHROMIUM_PATH, when set, is the only place looked at (so CHROMIUM_PATH=/nowhere shows what a machine without one does).
const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Where a Chromium is, or undefined when this machine has none (the browser tests are then skipped, saying so). */
export const chromiumPath: string | undefined = candidates.find((path) => existsSync(path));

export const noChromiumReason = `no Chromium at ${candidates.join(" or ")} (apt-get install chromium, or set CHROMIUM_PATH)`;

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
  if (!chromiumPath) throw new Error(noChromiumReason);
  const profile = mkdtempSync(join(tmpdir(), "warroom-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
