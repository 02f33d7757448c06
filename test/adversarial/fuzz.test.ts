// The project's own adversarial run, in every `npm test` on both databases: a seeded fuzzer drives the real bot
// with a few hundred correctly signed but odd requests and checks what a person would notice (see fuzzer.ts).
// FUZZ_SEED and FUZZ_COUNT repeat or lengthen a run; `npm run fuzz -- --count 5000 --seed N` runs longer ones.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { Fuzzer } from "./fuzzer.js";

const seed = Number(process.env.FUZZ_SEED ?? 20261122);
const count = Number(process.env.FUZZ_COUNT ?? 300);

let h: TestBot;
const logLines: string[] = [];

beforeAll(async () => {
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  h = await startTestBot({ LOG_LEVEL: "warn", INCIDENT_ADMINS: "U_ALICE" }, { logs });
});
afterAll(async () => {
  await h?.close();
});

describe(`the fuzzer (seed ${seed})`, () => {
  it(`answers ${count} odd signed requests without a crash, an error page, a refused Slack call, a broadcast, a leak, a duplicate or a loss`, async () => {
    const run = await new Fuzzer(h, { seed, count, logLines }).run();
    const { figures } = run;
    // The figures of every run, also when it passes (npm test's output is where the lead reads them).
    console.log(`fuzz seed ${seed}, ${count} inputs: ${JSON.stringify(figures)}`);
    const summary = `fuzz seed ${seed} (FUZZ_SEED=${seed} FUZZ_COUNT=${count} reproduces it): ${JSON.stringify(figures)}\n${run.problems.join("\n")}`;
    expect(figures.inputs, summary).toBeGreaterThanOrEqual(300);
    expect(run.problems, summary).toEqual([]);
    // Every kind of input was tried.
    expect(Object.keys(run.kinds).sort(), summary).toEqual(expect.arrayContaining(["click", "command", "event", "forged-click", "forged-view", "other-team", "shortcut"]));
  }, 240_000);
});
