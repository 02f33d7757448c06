// API tokens: created by incident admins, shown once, kept only as a hash, each scoped to one workspace, revoked by
// name; and who a presented token is (the workspace it opens and the actor its actions are recorded under).
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { auditChange, auditRefusal } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import { apiTokens, type ApiToken } from "../db/schema.js";
import { issueToken, tokenHash, tokenMatches } from "../http/bearer-tokens.js";
import { storedActor } from "../timeline/actors.js";

/** Every API token starts with this, so a leaked one is recognisable in logs and secret scanners. */
const API_TOKEN_PREFIX = "wrapi";
/** last_used_at is written at most this often per token. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** `deploy-bot`: lower case, digits, `.`, `_` and `-`; never a colon, so the stored actor stays unambiguous. */
export const apiTokenNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, { error: "A token name is 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit." });

/** Who is calling the REST API: the token, its workspace, and how its actions are recorded. */
export interface ApiCaller {
  teamId: string;
  tokenId: number;
  name: string;
  /** The incident admin who created it: its default Incident Commander, and whose rights it acts with. */
  createdBy: string;
  /** The stored actor (timeline/actors.ts): `api_token:<id>:<name>`. */
  actor: string;
}

export type ApiTokenRefusal =
  /** INCIDENT_ADMINS is empty: nobody may manage tokens until it names someone. */
  | { code: "no_admins" }
  | { code: "not_admin" }
  | { code: "bad_name"; message: string }
  | { code: "name_taken"; name: string }
  | { code: "no_such_token"; name: string };

type Refused = { ok: false; refusal: ApiTokenRefusal };

interface TokenRequest {
  teamId: string;
  userId: string;
}

/** Every refusal here is audited: most are someone who is not an admin trying an admin command. */
async function refusedAndAudited(db: Db, clock: Clock, request: TokenRequest & { name?: string }, action: string, refused: Refused): Promise<Refused> {
  const { code: reason, ...details } = refused.refusal;
  await auditRefusal(db, { teamId: request.teamId, at: clock.now(), actor: request.userId, action, subject: { kind: "api_token", name: request.name?.slice(0, 80) ?? "" }, reason, details });
  return refused;
}

/** Only the workspace's incident admins manage API tokens; with none configured, nobody does. */
function adminCheck(admins: ReadonlySet<string>, userId: string): Refused | undefined {
  if (admins.size === 0) return { ok: false, refusal: { code: "no_admins" } };
  if (!admins.has(userId)) return { ok: false, refusal: { code: "not_admin" } };
  return undefined;
}

function validName(raw: string): { ok: true; name: string } | Refused {
  const parsed = apiTokenNameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, name: parsed.data };
  return { ok: false, refusal: { code: "bad_name", message: parsed.error.issues[0]?.message ?? "That is not a token name." } };
}

/** A new token, returned in clear this once; only its hash is stored. */
export async function createApiToken(
  db: Db,
  clock: Clock,
  request: { teamId: string; name: string; userId: string; admins: ReadonlySet<string> },
): Promise<{ ok: true; token: string; row: ApiToken } | Refused> {
  const refused = adminCheck(request.admins, request.userId) ?? validName(request.name);
  if (!refused.ok) return refusedAndAudited(db, clock, request, "api_token_create", refused);
  const name = refused.name;
  const token = issueToken(API_TOKEN_PREFIX);
  const made = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ teamId: request.teamId, name, tokenHash: tokenHash(token), createdBy: request.userId, createdAt: clock.now() })
      .onConflictDoNothing()
      .returning();
    if (row) await auditChange(tx, { teamId: request.teamId, at: row.createdAt, actor: request.userId, action: "api_token_created", subject: { kind: "api_token", id: row.id, name } });
    return row;
  });
  if (!made) return refusedAndAudited(db, clock, request, "api_token_create", { ok: false, refusal: { code: "name_taken", name } });
  return { ok: true, token, row: made };
}

/** The workspace's live tokens, oldest first. */
export async function listApiTokens(db: Db, clock: Clock, request: { teamId: string; userId: string; admins: ReadonlySet<string> }): Promise<{ ok: true; tokens: ApiToken[] } | Refused> {
  const refused = adminCheck(request.admins, request.userId);
  if (refused) return refusedAndAudited(db, clock, request, "api_token_list", refused);
  const tokens = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.teamId, request.teamId), isNull(apiTokens.revokedAt)))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return { ok: true, tokens };
}

/** Revokes the live token of that name: from now on it opens nothing. */
export async function revokeApiToken(
  db: Db,
  clock: Clock,
  request: { teamId: string; name: string; userId: string; admins: ReadonlySet<string> },
): Promise<{ ok: true; row: ApiToken } | Refused> {
  const refused = adminCheck(request.admins, request.userId) ?? validName(request.name);
  if (!refused.ok) return refusedAndAudited(db, clock, request, "api_token_revoke", refused);
  const name = refused.name;
  const revoked = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: clock.now(), revokedBy: request.userId })
      .where(and(eq(apiTokens.teamId, request.teamId), eq(apiTokens.name, name), isNull(apiTokens.revokedAt)))
      .returning();
    if (row) await auditChange(tx, { teamId: request.teamId, at: row.revokedAt!, actor: request.userId, action: "api_token_revoked", subject: { kind: "api_token", id: row.id, name } });
    return row;
  });
  if (!revoked) return refusedAndAudited(db, clock, request, "api_token_revoke", { ok: false, refusal: { code: "no_such_token", name } });
  return { ok: true, row: revoked };
}

/** Who a presented token is, if it is a live one; records when it was last used (to the minute). */
export async function callerOfToken(db: Db, clock: Clock, presented: string | undefined): Promise<ApiCaller | undefined> {
  if (!presented || !presented.startsWith(`${API_TOKEN_PREFIX}_`)) return undefined;
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash(presented)), isNull(apiTokens.revokedAt)));
  // The lookup is by hash; the comparison that decides is the constant-time one.
  if (!row || !tokenMatches(presented, { hash: row.tokenHash })) return undefined;
  await recordUse(db, clock, row);
  return {
    teamId: row.teamId,
    tokenId: row.id,
    name: row.name,
    createdBy: row.createdBy,
    actor: storedActor({ kind: "integration", integration: "api_token", id: row.id, name: row.name }),
  };
}

async function recordUse(db: Db, clock: Clock, row: ApiToken): Promise<void> {
  const now = clock.now();
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_GRANULARITY_MS) return;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, row.id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_GRANULARITY_MS))),
      ),
    );
}
