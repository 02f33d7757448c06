import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/browser-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time: most of a file's time is spent waiting (Slack's pacing, the outbox, child processes), and
    // vitest's default on a 2-core machine is one. 892 s → 656 s for the PGlite suite, with the same results.
    maxWorkers: 2,
    // Deterministic output in CI; each file gets its own database and fake Slack.
    sequence: { concurrent: false },
  },
});
