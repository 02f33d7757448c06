// The two install modes as configured: one bot token, or OAuth with its four variables (ENCRYPTION_KEY required).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, slackAuth } from "../src/config.js";
import { loadManifest } from "../src/fake-slack/manifest.js";
import { seal, unseal } from "../src/slack/installations.js";
import { BOT_SCOPES } from "../src/slack/install-scopes.js";
import { placeholderBotToken } from "./support/placeholder-tokens.js";

const oauth = {
  SLACK_SIGNING_SECRET: "0123456789abcdef",
  SLACK_CLIENT_ID: "1234567890.0987654321",
  SLACK_CLIENT_SECRET: randomBytes(16).toString("hex"),
  SLACK_STATE_SECRET: randomBytes(16).toString("hex"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.split("\n");
  }
};

describe("install modes", () => {
  it("takes one bot token, or the OAuth variables", () => {
    expect(slackAuth(loadConfig({ SLACK_BOT_TOKEN: placeholderBotToken("fake"), SLACK_SIGNING_SECRET: "0123456789abcdef" })).mode).toBe("token");
    const auth = slackAuth(loadConfig(oauth));
    expect(auth.mode).toBe("oauth");
    expect(auth.mode === "oauth" && auth.encryptionKey.length).toBe(32);
    expect(slackAuth(loadConfig({ ...oauth, ENCRYPTION_KEY: randomBytes(32).toString("hex") })).mode).toBe("oauth");
  });

  it("refuses to start in OAuth mode without a valid ENCRYPTION_KEY, naming it", () => {
    const { ENCRYPTION_KEY: _, ...withoutKey } = oauth;
    expect(problems(withoutKey).some((l) => l.startsWith("ENCRYPTION_KEY is not set"))).toBe(true);
    expect(problems({ ...oauth, ENCRYPTION_KEY: "short" }).some((l) => l.startsWith("ENCRYPTION_KEY must be 32 random bytes"))).toBe(true);
    expect(problems({ ...oauth, ENCRYPTION_KEY: randomBytes(16).toString("base64") }).some((l) => l.startsWith("ENCRYPTION_KEY"))).toBe(true);
  });

  it("names what is missing or mixed up", () => {
    const { SLACK_STATE_SECRET: _, ...noState } = oauth;
    expect(problems(noState).some((l) => l.startsWith("SLACK_STATE_SECRET is not set"))).toBe(true);
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: placeholderBotToken("fake") }).some((l) => l.startsWith("SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID"))).toBe(true);
    expect(problems({ SLACK_SIGNING_SECRET: "0123456789abcdef" }).some((l) => l.startsWith("SLACK_BOT_TOKEN is not set"))).toBe(true);
  });

  it("asks for manifest.yml's bot scopes when a workspace installs", () => {
    expect([...BOT_SCOPES].sort()).toEqual([...loadManifest().scopes].sort());
  });

  it("seals tokens so that only the key opens them, and a changed byte is refused", () => {
    const key = randomBytes(32);
    const token = placeholderBotToken("secret");
    const sealed = seal(key, token);
    expect(sealed).not.toContain("secret");
    expect(unseal(key, sealed)).toBe(token);
    expect(() => unseal(randomBytes(32), sealed)).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("xoxb-other-token!").toString("base64url");
    expect(() => unseal(key, parts.join("."))).toThrow();
  });
});
