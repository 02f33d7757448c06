// pino logger for the whole bot, with tokens and secrets redacted wherever they appear.
import { pino, type Logger } from "pino";

const redactedPaths = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "appToken",
  "signingSecret",
  "*.signingSecret",
  "headers.authorization",
  "*.headers.authorization",
  "config.SLACK_BOT_TOKEN",
  "config.SLACK_SIGNING_SECRET",
  "config.SLACK_APP_TOKEN",
  "config.SLACK_CLIENT_SECRET",
  "config.SLACK_STATE_SECRET",
  "config.ENCRYPTION_KEY",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "ENCRYPTION_KEY",
  "refreshToken",
  "*.refreshToken",
  "config.DATABASE_URL",
  "config.ALERTS_TOKEN",
  "ALERTS_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "DATABASE_URL",
  "config.PAGERDUTY_ROUTING_KEY",
  "config.WEBHOOK_SECRET",
  "PAGERDUTY_ROUTING_KEY",
  "WEBHOOK_SECRET",
  "routing_key",
  "*.routing_key",
  "routingKey",
  "*.routingKey",
  "config.ESCALATION_SWEEP_TOKEN",
  "ESCALATION_SWEEP_TOKEN",
];

// Catches tokens embedded in free text (error messages, URLs) that path-based redaction cannot see: Slack's, and
// the bearer tokens the bot issues itself: alert sources' `wra_…` (http/bearer-tokens.ts) and REST API tokens'
// `wrapi_…` (access/api-tokens.ts).
const tokenPattern = /xox[abprse]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|\bwr[a-z]_[A-Za-z0-9_-]{16,}|wrapi_[A-Za-z0-9_-]+/g;
export const redactTokens = (text: string): string => text.replace(tokenPattern, "[Redacted]");

export type { Logger };

const errorsAsObjects = (_key: string, value: unknown) => (value instanceof Error ? pino.stdSerializers.err(value) : value);

/**
 * stdout, written synchronously. pino's default writes asynchronously and, at exit, flushes what is left in a
 * loop that retries a refused write forever: with stdout's reader gone (EPIPE) the process can never exit and
 * ignores every later signal. Written synchronously, a broken pipe is seen at once and pino stops writing to it.
 */
const stdoutLines = (): pino.DestinationStream => pino.destination({ dest: 1, sync: true });

export function createLogger(level = "info", destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: "warroom" },
      redact: { paths: redactedPaths, censor: "[Redacted]" },
      formatters: {
        // pino runs this before its serializers, so errors are serialised here or they would print as {}.
        log: (object) => JSON.parse(redactTokens(JSON.stringify(object, errorsAsObjects))) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === "string" ? redactTokens(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    (destination as pino.DestinationStream | undefined) ?? stdoutLines(),
  );
}
