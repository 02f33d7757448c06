// `npm run fuzz -- --count 5000 [--seed N]`: a long fuzzer run against the real bot and the fake Slack, on the
// embedded database or, with TEST_DATABASE_URL set, on a throw-away PostgreSQL database. Prints the seed, the
// figures as it goes and at the end, and each problem with the input that caused it; exits 1 if there was one.
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { startTestBot } from "../support/bot.js";
import { usingPostgres } from "../support/database.js";
import { Fuzzer, type FuzzFigures } from "./fuzzer.js";

const { values } = parseArgs({ options: { count: { type: "string", default: "5000" }, seed: { type: "string" } } });
const count = Number(values.count);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(seed)) {
  console.error("usage: npm run fuzz -- [--count 5000] [--seed N]");
  process.exit(2);
}

const database = usingPostgres() ? "PostgreSQL" : "embedded PGlite";
console.log(`fuzzing with seed ${seed}: ${count} signed requests against the real bot on ${database} (repeat with --seed ${seed})`);

const logLines: string[] = [];
const logs = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(...String(chunk).split("\n").filter(Boolean));
    done();
  },
});
const started = Date.now();
const h = await startTestBot({ LOG_LEVEL: "warn", INCIDENT_ADMINS: "U_ALICE" }, { logs });
const line = (f: FuzzFigures) =>
  `inputs ${f.inputs} · crashes ${f.crashes} · 5xx ${f.serverErrors} · unanswered ${f.unanswered} · late ${f.lateAnswers} (slowest ${f.slowestAnswerMs} ms) · unescaped broadcasts ${f.unescapedBroadcasts} · leaks ${f.leakedInternals} · "went wrong" ${f.wentWrong} · refused Slack calls ${f.refusedSlackCalls} · duplicates ${f.duplicates} · lost ${f.lostDeliveries} · errors logged ${f.errorsLogged}`;
let run;
try {
  run = await new Fuzzer(h, {
    seed,
    count,
    logLines,
    onProgress: (f) => console.log(`  ${line(f)} (${Math.round((Date.now() - started) / 1000)} s)`),
    onNewProblem: (p) => console.log(`  new problem: ${p}`),
  }).run();
} finally {
  await h.close();
}
const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\nseed ${seed} on ${database}, ${seconds} s, ${run.figures.incidents} incidents`);
console.log(line(run.figures));
console.log(`requests by kind: ${Object.entries(run.kinds).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
if (run.problems.length) {
  console.log(`\n${run.problems.length} distinct problems (repeat with --seed ${seed} --count ${count}):`);
  for (const p of run.problems) console.log(`- ${p}`);
  process.exit(1);
}
console.log("no problems");
process.exit(0);
