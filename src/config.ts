// The one place that reads process.env: every variable validated with zod, one clear line per problem.
import { z } from "zod";
import type { Severity } from "./incidents/lifecycle.js";
import { parseWeeklySchedule } from "./metrics/weekly-schedule.js";
import { readPlaybookFile } from "./playbooks/playbook-file.js";

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const minutes = <F extends number | undefined>(fallback: F, what: string, least = 0) =>
  z.coerce
    .number({ error: `must be a number of minutes (${what})` })
    .int({ error: "must be a whole number of minutes" })
    .min(least, { error: least ? `must be at least ${least}` : "must be 0 (off) or more" })
    .optional()
    .transform((v): number | F => (v === undefined ? fallback : v));

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

/**
 * A channel to announce in: a name with or without its #, or a channel ID. docker --env-file keeps quotes that
 * dotenv would have removed, so they are taken off here; an empty value is refused with what to write instead.
 */
function announcementChannel(variable: string, exampleWithHash: string, exampleWithout: string, orElse: string) {
  return z
    .string()
    .transform((c) => c.trim().replace(/^(["'])(.*)\1$/, "$2").trim().replace(/^#/, ""))
    .superRefine((c, ctx) => {
      if (c === "") {
        ctx.addIssue({
          code: "custom",
          message: `is empty. In .env, a value that starts with # is read as a comment unless it is quoted: write ${variable}="${exampleWithHash}" (or ${exampleWithout} without the #), or ${orElse}.`,
        });
      } else if (!/^[a-z0-9_-]{1,80}$|^[CG][A-Z0-9]{6,}$/.test(c)) {
        ctx.addIssue({ code: "custom", message: "must be a channel name like #incidents or a channel ID like C0123456" });
      }
    });
}

// PagerDuty's Events API v2 integration keys are 32 characters (a ruleset's starts with R).
const routingKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{32}$/, { error: "must be the 32-character Integration Key of a PagerDuty Events API v2 integration (the service's Integrations tab)" });

const configSchema = z.object({
  ...severityTimers,
  SCHEDULER_TICK: z.coerce
    .number({ error: "must be a number of seconds" })
    .int()
    .min(1, { error: "must be between 1 and 59 seconds" })
    .max(59, { error: "must be between 1 and 59 seconds" })
    .default(15),
  // The war room's nudges (README "On call, escalation and the clock"); 0 turns one off.
  NUDGE_UNCLAIMED_ROLES_MINUTES: minutes(10, "ask for an unclaimed Comms Lead or Scribe after"),
  NUDGE_NO_PROGRESS_MINUTES: minutes(30, "suggest escalating a SEV1 without progress after"),
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
  // The audit log (who changed or was refused what): about 13 months by default, so a yearly review sees a full year.
  AUDIT_RETENTION_DAYS: z.coerce
    .number({ error: "must be a number of days" })
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .default(400),
  BUSINESS_TIMEZONE: z
    .string()
    .default("UTC")
    .refine((tz) => isTimeZone(tz), { error: "must be an IANA time zone such as Europe/London" }),
  BUSINESS_DAY_START: z
    .string()
    .default("09:00")
    .refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), { error: "must be a time like 09:00" }),
  // The weekly report in INCIDENTS_CHANNEL: a weekday and a time in BUSINESS_TIMEZONE ("mon 09:00"), or off.
  WEEKLY_REPORT: z
    .string()
    .default("mon 09:00")
    .transform((v, ctx) => {
      const schedule = parseWeeklySchedule(v.replace(/^(["'])(.*)\1$/, "$2"));
      if (schedule === undefined) {
        ctx.addIssue({ code: "custom", message: 'must be a weekday and a time like "mon 09:00" (in BUSINESS_TIMEZONE), or off' });
        return z.NEVER;
      }
      return schedule;
    }),
  // One workspace with one bot token, or (unset) any number of workspaces installed through OAuth (SLACK_CLIENT_ID …).
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, { error: "must be a bot token starting with xoxb-" })
    .optional(),
  SLACK_CLIENT_ID: z.string().regex(/^\d+\.\d+$/, { error: "must be your app's Client ID (digits.digits, from its Basic Information page)" }).optional(),
  SLACK_CLIENT_SECRET: z.string().min(16, { error: "looks too short to be a Slack client secret" }).optional(),
  SLACK_STATE_SECRET: z.string().min(16, { error: "must be at least 16 characters: pick a long random string" }).optional(),
  /** 32 bytes (base64 or hex) that encrypt the installed workspaces' tokens at rest (AES-256-GCM). */
  ENCRYPTION_KEY: z
    .string()
    .transform((v, ctx) => {
      const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : /^[A-Za-z0-9+/_-]{43}=?$/.test(v) ? Buffer.from(v, "base64") : undefined;
      if (key?.length !== 32) {
        ctx.addIssue({ code: "custom", message: "must be 32 random bytes, as 64 hex digits or base64 (e.g. the output of: openssl rand -base64 32)" });
        return z.NEVER;
      }
      return key;
    })
    .optional(),
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
  // Apart from PGLITE_DIR: a sandbox sharing a database with a bot connected to Slack would have that bot chase the
  // sandbox's pretend incidents (reminders to people who do not exist), and the sandbox's reset would touch it.
  SANDBOX_DIR: z.string().min(1).default("./sandbox-data"),
  INCIDENTS_CHANNEL: announcementChannel("INCIDENTS_CHANNEL", "#ops-incidents", "ops-incidents", "remove the line to use #incidents").default("incidents"),
  // Announcements of incidents of one severity somewhere else (SEV1 → #incidents-critical); unset: INCIDENTS_CHANNEL.
  INCIDENTS_CHANNEL_SEV1: announcementChannel("INCIDENTS_CHANNEL_SEV1", "#incidents-critical", "incidents-critical", "remove the line to announce SEV1s in INCIDENTS_CHANNEL").optional(),
  INCIDENTS_CHANNEL_SEV2: announcementChannel("INCIDENTS_CHANNEL_SEV2", "#incidents-major", "incidents-major", "remove the line to announce SEV2s in INCIDENTS_CHANNEL").optional(),
  INCIDENTS_CHANNEL_SEV3: announcementChannel("INCIDENTS_CHANNEL_SEV3", "#incidents-minor", "incidents-minor", "remove the line to announce SEV3s in INCIDENTS_CHANNEL").optional(),
  INCIDENTS_CHANNEL_SEV4: announcementChannel("INCIDENTS_CHANNEL_SEV4", "#incidents-minor", "incidents-minor", "remove the line to announce SEV4s in INCIDENTS_CHANNEL").optional(),
  // Where executive summaries go (/incident comms); unset: the announcement channel of the incident's severity.
  EXEC_CHANNEL: announcementChannel("EXEC_CHANNEL", "#exec-incidents", "exec-incidents", "remove the line to send executive summaries to the announcement channel").optional(),
  // The public status page (GET /status): whose incidents, its title, and the services always listed.
  STATUS_PAGE_TEAM: z
    .string()
    .trim()
    .regex(/^T[A-Z0-9]{2,}$/, { error: "must be a Slack team ID like T0123ABC (or unset: the bot's own workspace)" })
    .optional(),
  STATUS_PAGE_TITLE: z.string().trim().min(1).max(100, { error: "must be at most 100 characters" }).default("Service status"),
  STATUS_PAGE_SERVICES: z
    .string()
    .default("")
    .transform((v) => [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))])
    .refine((names) => names.length <= 50 && names.every((n) => n.length <= 80), { error: "must be at most 50 service names of up to 80 characters, separated by commas" }),
  PAGERDUTY_ROUTING_KEY: routingKey.optional(),
  PAGERDUTY_EVENTS_URL: z
    .url({ error: "must be the Events API v2 URL, such as https://events.pagerduty.com/v2/enqueue" })
    .refine((u) => /^https?:\/\//.test(u), { error: "must be an http(s) URL such as https://events.pagerduty.com/v2/enqueue" })
    .default("https://events.pagerduty.com/v2/enqueue"),
  WEBHOOK_URLS: z
    .string()
    .default("")
    .transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))])
    .superRefine((urls, ctx) => {
      for (const url of urls) {
        if (!isWebUrl(url)) ctx.addIssue({ code: "custom", message: `has "${url.slice(0, 80)}", which is not an http(s) URL; separate URLs with commas` });
      }
      if (urls.length > 20) ctx.addIssue({ code: "custom", message: "may list at most 20 URLs" });
    }),
  WEBHOOK_SECRET: z.string().min(16, { error: "must be at least 16 characters (receivers check each webhook's signature with it)" }).optional(),
  INCIDENT_ADMINS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => /^[UW][A-Z0-9_]+$/.test(id)), {
      error: "must be Slack user IDs separated by commas, like U0123ABC,U0456DEF",
    }),
  // The workflow engine's sweep endpoint (POST /api/v1/escalations/sweep) answers 404 without it.
  ESCALATION_SWEEP_TOKEN: z
    .string()
    .trim()
    .min(32, { error: "must be at least 32 characters (e.g. `openssl rand -hex 32`), or unset to turn the sweep endpoint off" })
    .regex(/^\S+$/, { error: "must not contain spaces" })
    .optional(),
  // GET /metrics answers only a scraper presenting it as a bearer token; unset: /metrics is open to whoever reaches the port.
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(16, { error: "must be at least 16 characters (e.g. `openssl rand -hex 32`), or unset to leave /metrics open" })
    .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces (it is sent in an Authorization header)" })
    .optional(),
  PORT: z.coerce.number({ error: "must be a port number" }).int().min(0).max(65535).default(3000),
  // Where Slack and alert senders reach the bot; shown in /incident alerts so people can copy the webhook URLs.
  PUBLIC_URL: z
    .url({ error: "must be the bot's public address, e.g. https://warroom.example.com" })
    .refine((u) => /^https?:\/\//.test(u), { error: "must start with https:// (or http://)" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  // A first alert source without Slack: this bearer token is accepted on all three /alerts endpoints.
  ALERTS_TOKEN: z
    .string()
    .min(24, { error: "must be a long random secret (at least 24 characters), e.g. the output of `openssl rand -hex 24`" })
    .refine((t) => /^[\x21-\x7e]+$/.test(t), { error: "must be printable ASCII without spaces (it is sent in an Authorization header)" })
    .optional(),
  // Checklists attached to incidents by severity and service (see playbooks.example.yml); read and checked at start.
  PLAYBOOKS_FILE: z
    .string()
    .trim()
    .optional()
    .transform((path, ctx) => {
      if (!path) return undefined;
      const read = readPlaybookFile(path);
      if (!read.ok) {
        ctx.addIssue({ code: "custom", message: read.problem });
        return z.NEVER;
      }
      return { path, playbooks: read.playbooks };
    }),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
}).superRefine((c, ctx) => {
  const oauth = [c.SLACK_CLIENT_ID, c.SLACK_CLIENT_SECRET, c.SLACK_STATE_SECRET].some(Boolean);
  if (oauth && c.SLACK_BOT_TOKEN) {
    ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "is set together with SLACK_CLIENT_ID: leave SLACK_BOT_TOKEN empty to install through OAuth, or unset the SLACK_CLIENT_* variables for one workspace" });
  } else if (oauth) {
    for (const name of ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const) {
      if (!c[name]) ctx.addIssue({ code: "custom", path: [name], message: "is not set: installing through OAuth needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET" });
    }
    if (!c.ENCRYPTION_KEY) ctx.addIssue({ code: "custom", path: ["ENCRYPTION_KEY"], message: "is not set: installed workspaces' tokens are encrypted with it; make one with: openssl rand -base64 32" });
    if (c.ALERTS_TOKEN) ctx.addIssue({ code: "custom", path: ["ALERTS_TOKEN"], message: "belongs to one workspace: with OAuth, create an alert source in each workspace (/incident alerts) and leave ALERTS_TOKEN empty" });
    if (c.SLACK_APP_TOKEN) ctx.addIssue({ code: "custom", path: ["SLACK_APP_TOKEN"], message: "is for Socket Mode, which serves one workspace: leave it empty when installing through OAuth" });
  } else if (!c.SLACK_BOT_TOKEN) {
    ctx.addIssue({ code: "custom", path: ["SLACK_BOT_TOKEN"], message: "is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and ENCRYPTION_KEY to install through OAuth)" });
  }
  // An alert's incident needs a commander: the on-call person, else the source's owner; ALERTS_TOKEN's source has no owner.
  if (c.ALERTS_TOKEN && c.INCIDENT_ADMINS.length === 0) {
    ctx.addIssue({ code: "custom", path: ["ALERTS_TOKEN"], message: "needs INCIDENT_ADMINS: the first admin commands the incidents its alerts open when nobody is on call" });
  }
  if (c.WEBHOOK_URLS.length > 0 && !c.WEBHOOK_SECRET) {
    ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is not set: webhooks are signed with it (WEBHOOK_URLS is set); pick a long random string and give it to each receiver" });
  }
});

export type Config = z.output<typeof configSchema>;

/** How the bot gets its tokens: one bot token, or one per workspace installed through OAuth. */
export type SlackAuth =
  | { mode: "token"; botToken: string }
  | { mode: "oauth"; clientId: string; clientSecret: string; stateSecret: string; encryptionKey: Buffer };

export function slackAuth(config: Config): SlackAuth {
  if (config.SLACK_BOT_TOKEN) return { mode: "token", botToken: config.SLACK_BOT_TOKEN };
  return { mode: "oauth", clientId: config.SLACK_CLIENT_ID!, clientSecret: config.SLACK_CLIENT_SECRET!, stateSecret: config.SLACK_STATE_SECRET!, encryptionKey: config.ENCRYPTION_KEY! };
}

/** The announcement channel of each severity: its own when set, else INCIDENTS_CHANNEL (names without their #). */
export function announcementChannels(config: Config): Record<Severity, string> {
  return {
    sev1: config.INCIDENTS_CHANNEL_SEV1 ?? config.INCIDENTS_CHANNEL,
    sev2: config.INCIDENTS_CHANNEL_SEV2 ?? config.INCIDENTS_CHANNEL,
    sev3: config.INCIDENTS_CHANNEL_SEV3 ?? config.INCIDENTS_CHANNEL,
    sev4: config.INCIDENTS_CHANNEL_SEV4 ?? config.INCIDENTS_CHANNEL,
  };
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && Boolean(url.hostname);
  } catch {
    return false;
  }
}

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
// (The same holds for the per-severity channels: empty would quietly mean INCIDENTS_CHANNEL.)
const emptyIsAMistake = new Set(["INCIDENTS_CHANNEL", "EXEC_CHANNEL", "INCIDENTS_CHANNEL_SEV1", "INCIDENTS_CHANNEL_SEV2", "INCIDENTS_CHANNEL_SEV3", "INCIDENTS_CHANNEL_SEV4"]);

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
  return !env.SLACK_BOT_TOKEN && !env.SLACK_CLIENT_ID && !env.SLACK_SIGNING_SECRET;
}

/** Replaced by the fake Slack's own token before anything uses it; built from parts so no file holds a token-shaped string. */
const SANDBOX_BOT_TOKEN_STAND_IN = ["xoxb", "sandbox", "stand", "in"].join("-");

/**
 * The local sandbox's settings: the environment's, except that Slack is the built-in fake (the sandbox puts the
 * fake's token, signing secret and URL in place of these stand-ins), PagerDuty is the built-in fake too, no webhook
 * is sent anywhere, and the database is always the embedded one in SANDBOX_DIR, never DATABASE_URL: trying things
 * out never reaches a real service or writes to a real database.
 */
export function loadSandboxConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({
    ...env,
    SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN_STAND_IN,
    SLACK_SIGNING_SECRET: "sandbox-stand-in",
    SLACK_CLIENT_ID: "",
    SLACK_CLIENT_SECRET: "",
    SLACK_STATE_SECRET: "",
    SLACK_APP_TOKEN: "",
    SLACK_API_URL: "",
    DATABASE_URL: "",
    PAGERDUTY_ROUTING_KEY: "",
    PAGERDUTY_EVENTS_URL: "",
    WEBHOOK_URLS: "",
    WEBHOOK_SECRET: "",
    // The bot's log lines would bury the sandbox's one line with its address: warnings only, unless asked.
    LOG_LEVEL: env.LOG_LEVEL || "warn",
  });
}

/** What `npm run doctor` reads: the bot token (optional: without it only manifest.yml is checked) and SLACK_API_URL. */
export function loadDoctorConfig(env: NodeJS.ProcessEnv = process.env): Partial<Pick<Config, "SLACK_BOT_TOKEN">> & Pick<Config, "SLACK_API_URL"> {
  const { SLACK_BOT_TOKEN, SLACK_API_URL } = configSchema.shape;
  const parsed = z.object({ SLACK_BOT_TOKEN: SLACK_BOT_TOKEN.optional(), SLACK_API_URL }).safeParse(blankToUndefined(env));
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n"));
}
