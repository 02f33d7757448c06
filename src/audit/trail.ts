// Reading the audit log (newest first, per workspace or per incident, a page at a time; incident admins only) and
// forgetting entries older than their retention.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx } from "../db/client.js";
import { auditEntries, type AuditEntry } from "../db/schema.js";
import { auditRefusal, incidentSubject } from "./audit-log.js";

export const AUDIT_PAGE_MAX = 50;

export interface AuditPage {
  entries: AuditEntry[];
  /** The id to continue from for older entries (`before:<id>`), when there are more. */
  olderFrom?: number;
}

/**
 * A page of the workspace's audit log, newest first: all of it, or one incident's. `before` is the id of the last
 * entry already seen; the page continues with the entries older than it (by time, then id).
 */
export async function auditTrail(db: DbOrTx, teamId: string, options: { incidentId?: number; before?: number; limit: number }): Promise<AuditPage> {
  const limit = Math.max(1, Math.min(options.limit, AUDIT_PAGE_MAX));
  const rows = await db
    .select()
    .from(auditEntries)
    .where(
      and(
        eq(auditEntries.teamId, teamId),
        options.incidentId === undefined ? undefined : eq(auditEntries.incidentId, options.incidentId),
        options.before === undefined
          ? undefined
          : sql`(${auditEntries.at}, ${auditEntries.id}) < (select at, id from audit_entries where team_id = ${teamId} and id = ${options.before})`,
      ),
    )
    .orderBy(desc(auditEntries.at), desc(auditEntries.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return rows.length > limit ? { entries, olderFrom: entries[entries.length - 1]!.id } : { entries };
}

/** Deletes entries recorded before `before`, at most `limit`, skipping rows another replica is deleting; returns how many. */
export async function pruneAuditEntries(db: Db, before: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(auditEntries)
    .where(
      sql`${auditEntries.id} in (
        select id from audit_entries
        where at < ${before}
        order by at
        limit ${limit}
        for update skip locked)`,
    )
    .returning({ id: auditEntries.id });
  return deleted.length;
}

/** Only incident admins read the audit log; with none configured, nobody does. */
export const mayReadAudit = (admins: ReadonlySet<string>, userId: string): boolean => admins.has(userId);

export type AuditRead = { ok: true; page: AuditPage } | { ok: false; refusal: { code: "no_admins" } | { code: "not_admin" } };

/** A page of the audit log for an admin; anyone else is refused, and that refusal is itself audited. */
export async function readAuditTrail(
  db: Db,
  clock: Clock,
  request: { teamId: string; userId: string; admins: ReadonlySet<string>; incident?: { id: number; number: number }; before?: number; limit: number },
): Promise<AuditRead> {
  if (!mayReadAudit(request.admins, request.userId)) {
    const refusal = request.admins.size === 0 ? ({ code: "no_admins" } as const) : ({ code: "not_admin" } as const);
    await auditRefusal(db, {
      teamId: request.teamId,
      at: clock.now(),
      actor: request.userId,
      action: "audit_read",
      subject: request.incident ? incidentSubject(request.incident) : { kind: "command", name: "/incident audit" },
      reason: refusal.code,
    });
    return { ok: false, refusal };
  }
  const page = await auditTrail(db, request.teamId, { incidentId: request.incident?.id, before: request.before, limit: request.limit });
  return { ok: true, page };
}
