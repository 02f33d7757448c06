// The one place that reads process.env: every variable validated with zod, one clear line per problem.
import { z } from "zod";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const minutes = (fallback: number | undefined, what: string, least = 0) =>
  z.coerce
    .number({ error: `must be a number of minutes (${what})` })
    .int({ error: "must be a whole number of minutes" })
    .min(least, { error: least ? `must be at least ${least}` : "must be 0 (off) or more" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v));

// Defaults from the severity table in the README; 0 turns a timer off. SEV4's acknowledgement is due the next business morning.
const severityTimers = {
  ACK_MINUTES_SEV1: minutes(5, "acknowledge a SEV1 within", 1),
  ACK_MINUTES_SEV2: minutes(15, "acknowledge a SEV2 within", 1),
  ACK_MINUTES_SEV3: minutes(30, "acknowledge a SEV3 within", 1),
  ACK_MINUTES_SEV4: minutes(undefined, "acknowledge a SEV4 within; unset: next business day", 1),
  ESCALATE_MINUTES_SEV1: minutes(10, "escalate a SEV1 every"),
  ESCALATE_MINUTES_SEV2: minutes(20, "escalate a SEV2 every"),
  ESCALATE_MINUTES_SEV3: minutes(45, "escalate a SEV3 every"),
  ESCALATE_MINUTES_SEV4: minutes(0, "escalate a SEV4 every"),
  UPDATE_MINUTES_SEV1: minutes(15, "status update for a SEV1 every"),
  UPDATE_MINUTES_SEV2: minutes(30, "status update for a SEV2 every"),
  UPDATE_MINUTES_SEV3: minutes(60, "status update for a SEV3 every"),
  UPDATE_MINUTES_SEV4: minutes(0, "status update for a SEV4 every"),
  RESOLVE_MINUTES_SEV1: minutes(4 * 60, "resolve a SEV1 within", 1),
  RESOLVE_MINUTES_SEV2: minutes(24 * 60, "resolve a SEV2 within", 1),
  RESOLVE_MINUTES_SEV3: minutes(72 * 60, "resolve a SEV3 within", 1),
  RESOLVE_MINUTES_SEV4: minutes(7 * 24 * 60, "resolve a SEV4 within", 1),
};

const configSchema = z.object({
  ...severityTimers,
  SCHEDULER_TICK: z.coerce
    .number({ error: "must be a number of seconds" })
    .int()
    .min(1, { error: "must be between 1 and 59 seconds" })
    .max(59, { error: "must be between 1 and 59 seconds" })
    .default(15),
  STALE_DAYS: z.coerce.number({ error: "must be a number of days" }).int().min(1).default(7),
  // A delivered item's key is what keeps a repeated request from being delivered twice; Slack repeats within
  // minutes, so a day is the least that is safe.
  OUTBOX_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day (finished deliveries remember which requests were already delivered)" })
    .default(7),
  // A replica that dies mid-delivery cannot hand its deliveries back: another process takes them over once their
  // claim runs out. Shorter means a crashed war room resumes sooner; each claim is renewed every third of it.
  OUTBOX_LEASE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(5, { error: "must be between 5 and 3600 seconds" })
    .max(3600, { error: "must be between 5 and 3600 seconds" })
    .default(60),
  JOB_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .default(30),
  BUSINESS_TIMEZONE: z
    .string()
    .default("UTC")
    .refine((tz) => isTimeZone(tz), { error: "must be an IANA time zone such as Europe/London" }),
  BUSINESS_DAY_START: z
    .string()
    .default("09:00")
    .refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), { error: "must be a time like 09:00" }),
  SLACK_BOT_TOKEN: z
    .string({ error: "is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page" })
    .regex(/^xoxb-/, { error: "must be a bot token starting with xoxb-" }),
  SLACK_SIGNING_SECRET: z
    .string({ error: "is not set: copy the Signing Secret from your Slack app's Basic Information page" })
    .min(8, { error: "looks too short to be a Slack signing secret" }),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, { error: "must be an app-level token starting with xapp- (or unset, for HTTP mode)" })
    .optional(),
  SLACK_API_URL: z
    .url({ error: "must be a URL such as https://slack.com/api/" })
    .refine((u) => u.endsWith("/api/"), { error: "must end in /api/ (e.g. https://slack.com/api/)" })
    .optional(),
  DATABASE_URL: z
    .url({ error: "must be a postgres:// URL (or unset, for the embedded database); in .env, quote it if the password has a #, or write the # as %23" })
    .refine((u) => /^postgres(ql)?:\/\//.test(u), { error: "must start with postgres:// or postgresql://" })
    .optional(),
  PGLITE_DIR: z.string().min(1).default("./data"),
  INCIDENTS_CHANNEL: z
    .string()
    .default("incidents")
    // docker --env-file keeps quotes that dotenv would have removed; a name is accepted with or without its #.
    .transform((c) => c.trim().replace(/^(["'])(.*)\1$/, "$2").trim().replace(/^#/, ""))
    .superRefine((c, ctx) => {
      if (c === "") {
        ctx.addIssue({
          code: "custom",
          message:
            'is empty. In .env, a value that starts with # is read as a comment unless it is quoted: write INCIDENTS_CHANNEL="#ops-incidents" (or ops-incidents without the #), or remove the line to use #incidents.',
        });
      } else if (!/^[a-z0-9_-]{1,80}$|^[CG][A-Z0-9]{6,}$/.test(c)) {
        ctx.addIssue({ code: "custom", message: "must be a channel name like #incidents or a channel ID like C0123456" });
      }
    }),
  INCIDENT_ADMINS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => /^[UW][A-Z0-9_]+$/.test(id)), {
      error: "must be Slack user IDs separated by commas, like U0123ABC,U0456DEF",
    }),
  PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
});

export type Config = z.output<typeof configSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {}

// An empty variable means "unset", except where an empty value is almost always a mistake: dotenv reads
// INCIDENTS_CHANNEL=#ops-incidents as empty (an unquoted # starts a comment), and the default would hide that.
const emptyIsAMistake = new Set(["INCIDENTS_CHANNEL"]);

const blankToUndefined = (env: NodeJS.ProcessEnv): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "" && !emptyIsAMistake.has(k) ? undefined : v]));

/** Reads and validates the environment; throws a ConfigError whose message is one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(blankToUndefined(env));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new ConfigError(lines.join("\n"));
}

/** True when neither Slack credential is set: a fresh install that has not been connected to Slack yet. */
export function slackCredentialsMissing(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET;
}
