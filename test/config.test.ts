import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const valid = { SLACK_BOT_TOKEN: "xoxb-fake", SLACK_SIGNING_SECRET: "0123456789abcdef" };

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
});
