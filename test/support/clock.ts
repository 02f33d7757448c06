// Moving time in a test: advance the manual clock, run one scheduler tick, let Slack hear about it.
import type { ManualClock } from "../../src/clock.js";
import type { TestBot } from "./bot.js";

export const MINUTE = 60_000;

export async function advance(h: TestBot, clock: ManualClock, ms: number): Promise<number> {
  clock.advance(ms);
  const handled = await h.bot.scheduler.tick();
  await h.bot.outbox.waitUntilIdle();
  return handled;
}
