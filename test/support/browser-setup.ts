// vitest's global setup: says once, at the top of `npm test`, whether the browser tests run and with which Chromium.
import { chromiumPath, noChromiumReason } from "./browser.js";

export default function sayWhetherBrowserTestsRun(): void {
  console.log(chromiumPath ? `Browser tests: running with ${chromiumPath}` : `Browser tests: SKIPPED, ${noChromiumReason}`);
}
