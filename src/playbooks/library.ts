// The playbooks an admin keeps in the database (those of PLAYBOOKS_FILE are read-only and live in the config):
// reading them as playbooks, and adding or editing one, audited.
import { and, asc, eq, sql } from "drizzle-orm";
import { auditChange } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx } from "../db/client.js";
import { playbooks, type PlaybookRow } from "../db/schema.js";
import type { Severity } from "../incidents/lifecycle.js";
import { NAME_MAX, type Playbook, type PlaybookItem } from "./definitions.js";

const asPlaybook = (row: PlaybookRow): Playbook & { id: number } => ({
  id: row.id,
  key: `db:${row.id}`,
  name: row.name,
  severities: row.severities,
  services: row.services,
  items: row.items.map((i) => ({ phase: i.phase, text: i.text, ...(i.role ? { role: i.role as PlaybookItem["role"] } : {}), ...(i.link ? { link: i.link } : {}) })),
});

export async function playbooksOf(db: DbOrTx, teamId: string): Promise<Array<Playbook & { id: number }>> {
  const rows = await db.select().from(playbooks).where(eq(playbooks.teamId, teamId)).orderBy(asc(playbooks.name));
  return rows.map(asPlaybook);
}

export async function playbookById(db: DbOrTx, teamId: string, id: number): Promise<(Playbook & { id: number }) | undefined> {
  const [row] = await db.select().from(playbooks).where(and(eq(playbooks.teamId, teamId), eq(playbooks.id, id)));
  return row ? asPlaybook(row) : undefined;
}

export interface PlaybookInput {
  /** Editing this one; unset: a new playbook. */
  id?: number;
  name: string;
  severities: Severity[];
  services: string[];
  items: PlaybookItem[];
}

/** Saved, or why not (a name taken by another playbook, of the file or of the database). */
export async function savePlaybook(
  db: Db,
  clock: Clock,
  teamId: string,
  userId: string,
  input: PlaybookInput,
  fileNames: readonly string[],
): Promise<{ ok: true; playbook: Playbook & { id: number }; created: boolean } | { ok: false; problem: "name_taken" | "not_found" | "too_long" }> {
  const name = input.name.trim();
  if (name.length > NAME_MAX) return { ok: false, problem: "too_long" };
  if (fileNames.some((n) => n.toLowerCase() === name.toLowerCase())) return { ok: false, problem: "name_taken" };
  return db.transaction(async (tx) => {
    const now = clock.now();
    const [clash] = await tx
      .select({ id: playbooks.id })
      .from(playbooks)
      .where(and(eq(playbooks.teamId, teamId), sql`lower(${playbooks.name}) = ${name.toLowerCase()}`));
    if (clash && clash.id !== input.id) return { ok: false as const, problem: "name_taken" as const };
    const values = { name, severities: input.severities, services: input.services, items: input.items, updatedBy: userId, updatedAt: now };
    let row: PlaybookRow | undefined;
    if (input.id !== undefined) {
      [row] = await tx.update(playbooks).set(values).where(and(eq(playbooks.teamId, teamId), eq(playbooks.id, input.id))).returning();
      if (!row) return { ok: false as const, problem: "not_found" as const };
    } else {
      [row] = await tx.insert(playbooks).values({ ...values, teamId, createdBy: userId, createdAt: now }).returning();
    }
    await auditChange(tx, {
      teamId,
      at: now,
      actor: userId,
      action: input.id === undefined ? "playbook_added" : "playbook_changed",
      subject: { kind: "playbook", id: row!.id, name },
      details: { severities: input.severities, services: input.services, items: input.items.length },
    });
    return { ok: true as const, playbook: asPlaybook(row!), created: input.id === undefined };
  });
}
