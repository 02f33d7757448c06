import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { announcementChannels, ConfigError, loadConfig, loadSandboxConfig, slackCredentialsMissing } from "../src/config.js";
import { placeholderAppToken, placeholderBotToken } from "./support/placeholder-tokens.js";

const valid = { SLACK_BOT_TOKEN: placeholderBotToken("fake"), SLACK_SIGNING_SECRET: "0123456789abcdef" };

describe("configuration", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.INCIDENTS_CHANNEL).toBe("incidents");
    expect(config.PGLITE_DIR).toBe("./data");
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("accepts #incidents and strips the #", () => {
    expect(loadConfig({ ...valid, INCIDENTS_CHANNEL: "#ops-incidents" }).INCIDENTS_CHANNEL).toBe("ops-incidents");
  });

  it("reads the announcement channel from .env however a person writes it, quoted or not, with or without #", () => {
    const fromDotenv = (line: string) => loadConfig({ ...valid, ...parse(line) }).INCIDENTS_CHANNEL;
    expect(fromDotenv('INCIDENTS_CHANNEL="#ops-incidents"')).toBe("ops-incidents");
    expect(fromDotenv("INCIDENTS_CHANNEL='#ops-incidents'")).toBe("ops-incidents");
    expect(fromDotenv("INCIDENTS_CHANNEL=ops-incidents # where we announce")).toBe("ops-incidents");
    expect(fromDotenv("INCIDENTS_CHANNEL=C0123ABCD")).toBe("C0123ABCD");
    // docker run --env-file passes the quotes through.
    expect(loadConfig({ ...valid, INCIDENTS_CHANNEL: '"#ops-incidents"' }).INCIDENTS_CHANNEL).toBe("ops-incidents");
    expect(loadConfig(valid).INCIDENTS_CHANNEL).toBe("incidents");
  });

  it("refuses an unquoted #name in .env (dotenv reads it as a comment) instead of silently announcing elsewhere", () => {
    const env = { ...valid, ...parse("INCIDENTS_CHANNEL=#ops-incidents") };
    expect((env as Record<string, string>).INCIDENTS_CHANNEL).toBe("");
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow('INCIDENTS_CHANNEL is empty. In .env, a value that starts with # is read as a comment unless it is quoted: write INCIDENTS_CHANNEL="#ops-incidents"');
  });

  it("names every bad variable in one line each", () => {
    let message = "";
    try {
      loadConfig({ SLACK_BOT_TOKEN: "not-a-token", PORT: "eighty", DATABASE_URL: "mysql://x", SLACK_API_URL: "https://slack.com/" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message.split("\n");
    expect(lines.some((l) => l.startsWith("SLACK_BOT_TOKEN") && l.includes("xoxb-"))).toBe(true);
    expect(lines.some((l) => l.startsWith("SLACK_SIGNING_SECRET") && l.includes("not set"))).toBe(true);
    expect(lines.some((l) => l.startsWith("PORT"))).toBe(true);
    expect(lines.some((l) => l.startsWith("DATABASE_URL"))).toBe(true);
    expect(lines.some((l) => l.startsWith("SLACK_API_URL") && l.includes("/api/"))).toBe(true);
  });

  it("keeps finished deliveries 7 days and finished jobs 30 days unless told otherwise, and at least a day", () => {
    expect(loadConfig(valid)).toMatchObject({ OUTBOX_RETENTION_DAYS: 7, JOB_RETENTION_DAYS: 30 });
    expect(loadConfig({ ...valid, OUTBOX_RETENTION_DAYS: "2", JOB_RETENTION_DAYS: "90" })).toMatchObject({ OUTBOX_RETENTION_DAYS: 2, JOB_RETENTION_DAYS: 90 });
    expect(() => loadConfig({ ...valid, OUTBOX_RETENTION_DAYS: "0" })).toThrow(/OUTBOX_RETENTION_DAYS must be at least 1 day/);
    expect(() => loadConfig({ ...valid, JOB_RETENTION_DAYS: "a month" })).toThrow(/JOB_RETENTION_DAYS must be a number of days/);
  });

  it("lets a crashed replica's deliveries be taken over after 60 seconds unless told otherwise, between 5 s and an hour", () => {
    expect(loadConfig(valid).OUTBOX_LEASE_SECONDS).toBe(60);
    expect(loadConfig({ ...valid, OUTBOX_LEASE_SECONDS: "10" }).OUTBOX_LEASE_SECONDS).toBe(10);
    expect(() => loadConfig({ ...valid, OUTBOX_LEASE_SECONDS: "1" })).toThrow(/OUTBOX_LEASE_SECONDS must be between 5 and 3600 seconds/);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ ...valid, DATABASE_URL: "", SLACK_APP_TOKEN: "" }).SLACK_APP_TOKEN).toBeUndefined();
  });

  it("announces each severity in INCIDENTS_CHANNEL unless it has a channel of its own, written with or without its #", () => {
    expect(announcementChannels(loadConfig(valid))).toEqual({ sev1: "incidents", sev2: "incidents", sev3: "incidents", sev4: "incidents" });
    const config = loadConfig({ ...valid, ...parse('INCIDENTS_CHANNEL=ops\nINCIDENTS_CHANNEL_SEV1="#incidents-critical"\nINCIDENTS_CHANNEL_SEV2=C0123ABCD') });
    expect(announcementChannels(config)).toEqual({ sev1: "incidents-critical", sev2: "C0123ABCD", sev3: "ops", sev4: "ops" });
    // Unquoted, .env reads the # as a comment: refused, not silently sent to INCIDENTS_CHANNEL.
    expect(() => loadConfig({ ...valid, ...parse("INCIDENTS_CHANNEL_SEV1=#incidents-critical") })).toThrow('INCIDENTS_CHANNEL_SEV1 is empty. In .env, a value that starts with # is read as a comment unless it is quoted: write INCIDENTS_CHANNEL_SEV1="#incidents-critical"');
    expect(() => loadConfig({ ...valid, INCIDENTS_CHANNEL_SEV3: "Minor Incidents" })).toThrow(/INCIDENTS_CHANNEL_SEV3 must be a channel name like #incidents/);
  });

  it("checks PagerDuty's routing key and events URL", () => {
    expect(loadConfig(valid)).toMatchObject({ PAGERDUTY_EVENTS_URL: "https://events.pagerduty.com/v2/enqueue" });
    expect(loadConfig(valid).PAGERDUTY_ROUTING_KEY).toBeUndefined();
    expect(loadConfig({ ...valid, PAGERDUTY_ROUTING_KEY: "R0123456789abcdef0123456789abcde" }).PAGERDUTY_ROUTING_KEY).toBe("R0123456789abcdef0123456789abcde");
    expect(() => loadConfig({ ...valid, PAGERDUTY_ROUTING_KEY: "too-short" })).toThrow(/PAGERDUTY_ROUTING_KEY must be the 32-character Integration Key/);
    expect(() => loadConfig({ ...valid, PAGERDUTY_EVENTS_URL: "events.pagerduty.com" })).toThrow(/PAGERDUTY_EVENTS_URL must be the Events API v2 URL/);
  });

  it("takes webhook URLs separated by commas, and wants a secret to sign them with", () => {
    const config = loadConfig({ ...valid, WEBHOOK_URLS: "https://a.example/hook, https://b.example/x?token=1", WEBHOOK_SECRET: "a-long-random-secret" });
    expect(config.WEBHOOK_URLS).toEqual(["https://a.example/hook", "https://b.example/x?token=1"]);
    expect(loadConfig(valid).WEBHOOK_URLS).toEqual([]);
    expect(() => loadConfig({ ...valid, WEBHOOK_URLS: "https://a.example/hook" })).toThrow(/WEBHOOK_SECRET is not set: webhooks are signed with it/);
    expect(() => loadConfig({ ...valid, WEBHOOK_URLS: "ftp://a.example/hook", WEBHOOK_SECRET: "a-long-random-secret" })).toThrow(/WEBHOOK_URLS has "ftp:\/\/a.example\/hook", which is not an http\(s\) URL/);
    expect(() => loadConfig({ ...valid, WEBHOOK_URLS: "https://a.example/hook", WEBHOOK_SECRET: "short" })).toThrow(/WEBHOOK_SECRET must be at least 16 characters/);
  });
});

describe("the sandbox's configuration", () => {
  it("never uses a real database, real Slack credentials, PagerDuty or webhooks, keeps to SANDBOX_DIR and logs warnings only unless asked", () => {
    const config = loadSandboxConfig({
      DATABASE_URL: "postgres://prod@db/warroom",
      SLACK_BOT_TOKEN: placeholderBotToken("real"),
      SLACK_APP_TOKEN: placeholderAppToken("real"),
      PAGERDUTY_ROUTING_KEY: "R0123456789ABCDEF0123456789ABCDE",
      WEBHOOK_URLS: "https://hooks.example.com/warroom",
      WEBHOOK_SECRET: "a-secret-of-sixteen-or-more",
      ACK_MINUTES_SEV1: "2",
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PAGERDUTY_ROUTING_KEY).toBeUndefined();
    expect(config.WEBHOOK_URLS).toEqual([]);
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
    expect(config.SLACK_BOT_TOKEN).not.toBe(placeholderBotToken("real"));
    expect(config.SANDBOX_DIR).toBe("./sandbox-data");
    expect(config.LOG_LEVEL).toBe("warn");
    expect(config.ACK_MINUTES_SEV1).toBe(2);
    expect(loadSandboxConfig({ LOG_LEVEL: "debug", SANDBOX_DIR: "/tmp/try" })).toMatchObject({ LOG_LEVEL: "debug", SANDBOX_DIR: "/tmp/try" });
  });

  it("is what npm start runs only when neither Slack credential is set", () => {
    expect(slackCredentialsMissing({})).toBe(true);
    expect(slackCredentialsMissing({ SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "" })).toBe(true);
    expect(slackCredentialsMissing({ SLACK_BOT_TOKEN: placeholderBotToken("1") })).toBe(false);
  });
});
