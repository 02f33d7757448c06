// Alert sources: adding one, rotating its token (issued once, stored as a hash), finding the source a presented
// token belongs to, the source from ALERTS_TOKEN, and each source's rules (severity mapping, auto-resolve, re-fire).
import { and, asc, eq, max, sql } from "drizzle-orm";
import { z } from "zod";
import { auditChange } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx } from "../db/client.js";
import { alerts, alertSources, type AlertSource } from "../db/schema.js";
import { issueToken, tokenHash, tokenMatches } from "../http/bearer-tokens.js";
import { severityFromWord, severitySchema, type Severity } from "../incidents/lifecycle.js";
import { alertSourceKindSchema } from "./vocabulary.js";

/** What a sender's `severity` label means, unless its source says otherwise. */
const builtInSeverities: Record<string, Severity> = {
  critical: "sev1",
  error: "sev2",
  high: "sev2",
  warning: "sev3",
  info: "sev4",
};

/** The incident severity of an alert: its `severity` label through the source's mapping, then the built-in one. */
export function severityOfAlert(labels: Record<string, string>, source: Pick<AlertSource, "severityMap" | "defaultSeverity">): Severity {
  const word = (labels.severity ?? "").trim().toLowerCase();
  if (!word) return source.defaultSeverity;
  return source.severityMap[word] ?? builtInSeverities[word] ?? severityFromWord(word) ?? source.defaultSeverity;
}

/** "critical=sev1, page=1" → { critical: "sev1", page: "sev1" }; the problem in words when a part is not understood. */
export function parseSeverityMap(text: string): { ok: true; map: Record<string, Severity> } | { ok: false; problem: string } {
  const map: Record<string, Severity> = {};
  for (const part of text.split(/[,\n]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=:\s]+)\s*[=:]\s*(\S+)$/.exec(part);
    const severity = m ? severityFromWord(m[2]!) : undefined;
    if (!m || !severity) return { ok: false, problem: `“${part.slice(0, 40)}” is not label=severity, e.g. critical=sev1, warning=sev3.` };
    map[m[1]!.toLowerCase()] = severity;
  }
  return { ok: true, map };
}

export const SOURCE_NAME_MAX = 80;
/** A re-fire reopens an incident resolved at most a week ago; later, it is a new incident. */
const REFIRE_MAX_MINUTES = 7 * 24 * 60;

const sourceSettingsSchema = z.object({
  name: z.string().trim().min(1, { error: "Give the source a name, e.g. “Prometheus prod”." }).max(SOURCE_NAME_MAX, { error: `Keep the name under ${SOURCE_NAME_MAX} characters.` }),
  kind: alertSourceKindSchema,
  autoResolve: z.boolean(),
  refireMinutes: z
    .number({ error: "Give the re-fire window in minutes." })
    .int({ error: "Give the re-fire window in whole minutes." })
    .min(0, { error: "The re-fire window is 0 minutes or more." })
    .max(REFIRE_MAX_MINUTES, { error: `Keep the re-fire window at most ${REFIRE_MAX_MINUTES} minutes (a week).` }),
  defaultSeverity: severitySchema,
  severityMap: z.record(z.string(), severitySchema),
});
export type SourceSettings = z.input<typeof sourceSettingsSchema>;

export type SourceSaved = { ok: true; source: AlertSource; token: string } | { ok: false; problems: Partial<Record<keyof SourceSettings, string>> };

/** A new source and its first token; the token is returned once and only its hash is kept. */
export async function addSource(db: Db, clock: Clock, teamId: string, ownerId: string, raw: SourceSettings): Promise<SourceSaved> {
  const parsed = sourceSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) problems[String(issue.path[0] ?? "name")] ??= issue.message;
    return { ok: false, problems };
  }
  const settings = parsed.data;
  if (await sourceNamed(db, teamId, settings.name)) return { ok: false, problems: { name: `There is already a source called “${settings.name}”; pick another name, or rotate its token.` } };
  const token = issueToken("wra");
  const now = clock.now();
  const source = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(alertSources)
      .values({ teamId, ...settings, ownerId, tokenHash: tokenHash(token), tokenHint: hintOf(token), tokenIssuedAt: now, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (row) await auditChange(tx, { teamId, at: now, actor: ownerId, action: "alert_source_added", subject: { kind: "alert_source", id: row.id, name: row.name }, details: settings });
    return row;
  });
  if (!source) return { ok: false, problems: { name: `There is already a source called “${settings.name}”.` } };
  return { ok: true, source, token };
}

/** A new token for the source; the old one stops working at once. */
export async function rotateToken(db: Db, clock: Clock, teamId: string, userId: string, sourceId: number): Promise<{ source: AlertSource; token: string } | undefined> {
  const token = issueToken("wra");
  const rotated = await db.transaction(async (tx) => {
    const [source] = await tx
      .update(alertSources)
      .set({ tokenHash: tokenHash(token), tokenHint: hintOf(token), tokenIssuedAt: clock.now() })
      .where(and(eq(alertSources.teamId, teamId), eq(alertSources.id, sourceId), eq(alertSources.fromEnv, false)))
      .returning();
    if (!source) return undefined;
    await auditChange(tx, { teamId, at: clock.now(), actor: userId, action: "alert_source_token_rotated", subject: { kind: "alert_source", id: source.id, name: source.name }, details: { tokenHint: source.tokenHint } });
    return { source, token };
  });
  forgetSourceTokens(db);
  return rotated;
}

/** Enough of a token to tell which one a sender holds, not enough to guess it. */
const hintOf = (token: string): string => `…${token.slice(-4)}`;

/**
 * The source a token belongs to: in `teamId` (single-token mode), or in whichever workspace holds it (OAuth; tokens
 * are unique). Tokens are long and random, so the lookup by hash reveals nothing; the match is still confirmed in
 * constant time. A token that opened a source lately is remembered: on the embedded database a statement costs as
 * much as the alert's own insert, and a storm's senders present the same token thousands of times. Remembering is
 * safe because recording the alerts checks, in the same statement, that the source still holds the token
 * (ingest.ts): a token rotated on another replica is refused at its next alert.
 */
export async function sourceByToken(db: Db, teamId: string | undefined, presented: string | undefined): Promise<AlertSource | undefined> {
  if (!presented) return undefined;
  const hash = tokenHash(presented);
  const opened = tokensOpened(db);
  const key = `${teamId ?? ""}\u0000${hash}`;
  const remembered = opened.get(key);
  if (remembered && performance.now() - remembered.at < REMEMBER_OPENED_MS) return remembered.source;
  const statements = sourceLookups(db);
  const [source] = teamId ? await statements.inTeam.execute({ hash, teamId }) : await statements.anyTeam.execute({ hash });
  if (!source?.tokenHash || !tokenMatches(presented, { hash: source.tokenHash })) {
    opened.delete(key);
    return undefined;
  }
  if (opened.size >= REMEMBER_OPENED_MAX) opened.delete(opened.keys().next().value!);
  opened.set(key, { source, at: performance.now() });
  return source;
}

/** A source's token changed (rotated, removed, replaced from the environment): nothing remembered opens it any more. */
export function forgetSourceTokens(db: Db): void {
  openedByDatabase.delete(db);
}

const REMEMBER_OPENED_MS = 60_000;
const REMEMBER_OPENED_MAX = 1000;
const openedByDatabase = new WeakMap<Db, Map<string, { source: AlertSource; at: number }>>();

function tokensOpened(db: Db): Map<string, { source: AlertSource; at: number }> {
  let opened = openedByDatabase.get(db);
  if (!opened) openedByDatabase.set(db, (opened = new Map()));
  return opened;
}

/**
 * Every alert a sender posts looks its source up first: prepared once per database, so a burst's lookups are not
 * each built anew (building a query costs more of the answer than the database does).
 */
function sourceLookups(db: Db) {
  let statements = preparedLookups.get(db);
  if (!statements) {
    const byHash = eq(alertSources.tokenHash, sql.placeholder("hash"));
    statements = {
      inTeam: db.select().from(alertSources).where(and(eq(alertSources.teamId, sql.placeholder("teamId")), byHash)).prepare("alert_source_in_team_by_token"),
      anyTeam: db.select().from(alertSources).where(byHash).prepare("alert_source_by_token"),
    };
    preparedLookups.set(db, statements);
  }
  return statements;
}
const preparedLookups = new WeakMap<Db, { inTeam: PreparedSourceLookup; anyTeam: PreparedSourceLookup }>();
type PreparedSourceLookup = { execute(values: Record<string, unknown>): Promise<AlertSource[]> };

export async function sourceNamed(db: DbOrTx, teamId: string, name: string): Promise<AlertSource | undefined> {
  const [source] = await db
    .select()
    .from(alertSources)
    .where(and(eq(alertSources.teamId, teamId), sql`lower(${alertSources.name}) = lower(${name.trim()})`));
  return source;
}

export async function sourceById(db: DbOrTx, teamId: string, id: number): Promise<AlertSource | undefined> {
  const [source] = await db.select().from(alertSources).where(and(eq(alertSources.teamId, teamId), eq(alertSources.id, id)));
  return source;
}

/** Every source of the workspace with when it last sent an alert (read from the alerts, so a storm never queues on one row). */
export async function sourcesWithLastAlert(db: DbOrTx, teamId: string): Promise<Array<AlertSource & { lastAlertAt: Date | null }>> {
  const sources = await db.select().from(alertSources).where(eq(alertSources.teamId, teamId)).orderBy(asc(alertSources.name));
  return Promise.all(
    sources.map(async (source) => {
      const [last] = await db.select({ at: max(alerts.receivedAt) }).from(alerts).where(eq(alerts.sourceId, source.id));
      return { ...source, lastAlertAt: last?.at ?? null };
    }),
  );
}

export const ENV_SOURCE_NAME = "ALERTS_TOKEN";

/**
 * The source behind ALERTS_TOKEN (a first setup, before anyone adds one in Slack): good for all three endpoints,
 * built-in rules. Unset, the row stays (its alerts keep their source) but no token opens it.
 */
export async function syncEnvSource(db: Db, clock: Clock, teamId: string, token: string | undefined): Promise<void> {
  forgetSourceTokens(db);
  if (!token) {
    await db.update(alertSources).set({ tokenHash: null, tokenHint: null }).where(and(eq(alertSources.teamId, teamId), eq(alertSources.fromEnv, true)));
    return;
  }
  const now = clock.now();
  const values = { tokenHash: tokenHash(token), tokenHint: hintOf(token) };
  await db
    .insert(alertSources)
    .values({ teamId, name: ENV_SOURCE_NAME, kind: "any", fromEnv: true, ...values, tokenIssuedAt: now, createdAt: now })
    .onConflictDoUpdate({
      target: [alertSources.teamId, alertSources.name],
      set: values,
      // A source someone named ALERTS_TOKEN in Slack is theirs; the environment's is only ever the one it made.
      setWhere: eq(alertSources.fromEnv, true),
    });
}
