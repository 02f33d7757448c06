// Logs never carry tokens or secrets, and errors keep their message and stack.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger("debug", stream), lines };
}

const fakeToken = () => ["xoxb", "1234567890", "abcdefghijklmnop"].join("-");

describe("the bot's logs", () => {
  it("redact secrets by field name and tokens inside free text", () => {
    const { logger, lines } = capture();
    const token = fakeToken();
    logger.info({ config: { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: "s3cr3t", PORT: 3000 } }, "starting");
    logger.warn({ url: `https://slack.example/api?token=${token}` }, `call failed for ${token}`);
    const all = lines.join("");
    expect(all).not.toContain(token);
    expect(all).not.toContain("s3cr3t");
    expect(all).toContain("[Redacted]");
    expect(all).toContain('"PORT":3000');
  });

  it("redact REST API tokens in free text and the sweep token in the config", () => {
    const { logger, lines } = capture();
    const apiToken = ["wrapi", "Zx9_k-3bQ"].join("_");
    const sweep = "s".repeat(40);
    logger.info({ config: { ESCALATION_SWEEP_TOKEN: sweep } }, `refused ${apiToken}`);
    const all = lines.join("");
    expect(all).not.toContain(apiToken);
    expect(all).not.toContain(sweep);
  });

  it("show an error's message and stack instead of {}", () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error("minTimeout is greater than maxTimeout") }, "could not open the declare modal");
    const entry = JSON.parse(lines[0]!) as { err: { message: string; stack: string } };
    expect(entry.err.message).toBe("minTimeout is greater than maxTimeout");
    expect(entry.err.stack).toContain("Error: minTimeout");
  });
});
