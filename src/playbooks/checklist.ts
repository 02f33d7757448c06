// An incident's checklist: the items its playbooks bring when it is declared or its severity changes, items added by
// hand, and ticking them off (or un-ticking them), each a fact on the timeline committed with the change.
import { and, asc, eq } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { DbOrTx, Tx } from "../db/client.js";
import { checklistMessages, incidentTasks, type Incident, type IncidentTask } from "../db/schema.js";
import { changeIncidentIn, recordFact, type IncidentContext, type Outcome } from "../incidents/change.js";
import { isOpen } from "../incidents/lifecycle.js";
import { lockIncident, type IncidentRef } from "../incidents/queries.js";
import { refuse } from "../incidents/refusals.js";
import { BOT_ACTOR } from "../timeline/append.js";
import { fits, itemIdentity, parseItemLine, phaseOrder, type Playbook, type PlaybookItem } from "./definitions.js";
import { playbooksOf } from "./library.js";

/** An incident's checklist holds at most this many items (every playbook's and those added by hand). */
export const CHECKLIST_MAX = 200;
/** …in at most this many phases (its message draws up to three blocks a phase, and Slack takes 50 in a message). */
export const CHECKLIST_PHASES_MAX = 16;

export async function checklistOf(db: DbOrTx, teamId: string, incidentId: number): Promise<IncidentTask[]> {
  return db
    .select()
    .from(incidentTasks)
    .where(and(eq(incidentTasks.teamId, teamId), eq(incidentTasks.incidentId, incidentId)))
    .orderBy(asc(incidentTasks.position), asc(incidentTasks.id));
}

export interface PhaseProgress {
  phase: string;
  done: number;
  total: number;
}

/** "Triage 3/5": each phase's items done and in all, in checklist order. */
export function checklistProgress(tasks: Pick<IncidentTask, "phase" | "doneAt">[]): PhaseProgress[] {
  return phaseOrder(tasks.map((t) => t.phase)).map((phase) => {
    const of = tasks.filter((t) => t.phase === phase);
    return { phase, done: of.filter((t) => t.doneAt).length, total: of.length };
  });
}

/** The checklist's items grouped by phase, in order. */
export function checklistPhases<T extends Pick<IncidentTask, "phase">>(tasks: T[]): Array<{ phase: string; tasks: T[] }> {
  return phaseOrder(tasks.map((t) => t.phase)).map((phase) => ({ phase, tasks: tasks.filter((t) => t.phase === phase) }));
}

/**
 * Attaches the playbooks that fit the incident as it is now and have not attached yet (at declare, and after a
 * change of severity or services), inside the transaction of that change: their items not already on the
 * checklist are added, and the attachment is a fact that refreshes the card and the checklist.
 */
export async function attachPlaybooks(tx: Tx, clock: Clock, filePlaybooks: readonly Playbook[], incident: Incident): Promise<void> {
  if (!isOpen(incident.status)) return;
  const fitting = [...filePlaybooks, ...(await playbooksOf(tx, incident.teamId))].filter((p) => fits(p, incident));
  if (fitting.length === 0) return;
  const tasks = await checklistOf(tx, incident.teamId, incident.id);
  const attached = new Set(tasks.map((t) => t.sourcePlaybook));
  const present = new Set(tasks.map(itemIdentity));
  const phases = new Set(tasks.map((t) => t.phase));
  let position = tasks.reduce((max, t) => Math.max(max, t.position), 0);
  let room = CHECKLIST_MAX - tasks.length;
  for (const playbook of fitting) {
    if (attached.has(playbook.key)) continue;
    const items = playbook.items.filter((item) => {
      const id = itemIdentity(item);
      if (present.has(id) || (!phases.has(item.phase) && phases.size >= CHECKLIST_PHASES_MAX)) return false;
      present.add(id);
      phases.add(item.phase);
      return true;
    }).slice(0, Math.max(room, 0));
    if (items.length === 0) continue;
    room -= items.length;
    await tx.insert(incidentTasks).values(items.map((item) => taskRow(incident, item, ++position, playbook.key, BOT_ACTOR, clock.now())));
    await recordFact(tx, clock, incident, BOT_ACTOR, {
      type: "playbook_attached",
      data: { playbook: playbook.name, key: playbook.key, items: items.length, severity: incident.severity },
      effects: [{ kind: "card" }, { kind: "checklist" }],
    });
  }
}

const taskRow = (incident: Incident, item: PlaybookItem, position: number, source: string | null, by: string, at: Date) => ({
  teamId: incident.teamId,
  incidentId: incident.id,
  phase: item.phase,
  text: item.text,
  ownerRole: item.role ?? null,
  link: item.link ?? null,
  position,
  sourcePlaybook: source,
  addedBy: by,
  createdAt: at,
});

export type AddTaskOutcome = Outcome<{ item: PlaybookItem }> | { ok: false; problem: string };

/**
 * Adds an item by hand: `[phase:] text [role] <link>`; without a phase, the phase of the checklist's first open
 * item (or triage).
 */
export async function addTask(ctx: IncidentContext, ref: IncidentRef, userId: string, typed: string): Promise<AddTaskOutcome> {
  return ctx.db.transaction(async (tx) => {
    await lockIncident(tx, ref);
    const tasks = await checklistOf(tx, ref.teamId, ref.incidentId);
    const currentPhase = phaseOrder(tasks.filter((t) => !t.doneAt).map((t) => t.phase))[0] ?? "triage";
    const parsed = parseItemLine(typed, currentPhase);
    if (!parsed.ok) return parsed;
    const item = parsed.item;
    if (tasks.length >= CHECKLIST_MAX) return { ok: false, problem: `This checklist already holds ${CHECKLIST_MAX} items, as many as it can.` };
    if (tasks.some((t) => itemIdentity(t) === itemIdentity(item))) return { ok: false, problem: "That item is already on the checklist." };
    const phases = new Set([...tasks.map((t) => t.phase), item.phase]);
    if (phases.size > CHECKLIST_PHASES_MAX) return { ok: false, problem: `This checklist already has ${CHECKLIST_PHASES_MAX} phases: add the item to one of them (e.g. \`triage: …\`).` };
    const outcome = await changeIncidentIn(tx, ctx, ref, userId, (incident) => {
      if (incident.status === "closed") return refuse({ code: "closed", incident });
      return {
        facts: [{ type: "task_added", data: { phase: item.phase, text: item.text, role: item.role ?? null, link: item.link ?? null }, effects: [{ kind: "card" }, { kind: "checklist" }] }],
        result: { item },
      };
    });
    if (outcome.ok) {
      const position = tasks.reduce((max, t) => Math.max(max, t.position), 0) + 1;
      await tx.insert(incidentTasks).values(taskRow(outcome.incident, item, position, null, userId, ctx.clock.now()));
    }
    return outcome;
  });
}

export interface Tick {
  taskId: number;
  done: boolean;
}

/**
 * Ticks items off (or un-ticks them): each change against what is stored is a fact (task_done, task_reopened) with
 * who and when; a tick that is already so (a double click, a retried request) changes nothing.
 */
export async function tickTasks(ctx: IncidentContext, ref: IncidentRef, userId: string, ticks: Tick[]): Promise<Outcome<{ changed: IncidentTask[] }>> {
  return ctx.db.transaction(async (tx) => {
    await lockIncident(tx, ref);
    const tasks = new Map((await checklistOf(tx, ref.teamId, ref.incidentId)).map((t) => [t.id, t]));
    const changed = ticks.map((tick) => ({ tick, task: tasks.get(tick.taskId) })).filter(({ tick, task }) => task && Boolean(task.doneAt) !== tick.done);
    const outcome = await changeIncidentIn<{ changed: IncidentTask[] }>(tx, ctx, ref, userId, (incident) => {
      if (incident.status === "closed") return refuse({ code: "closed", incident });
      if (changed.length === 0) return { ok: true as const, incident, repeated: true, changed: [] };
      return {
        facts: changed.map(({ tick, task }) => ({
          type: tick.done ? "task_done" : "task_reopened",
          data: { taskId: task!.id, phase: task!.phase, text: task!.text },
          effects: [{ kind: "card" as const }, { kind: "checklist" as const }],
        })),
        result: { changed: [] as IncidentTask[] },
      };
    });
    if (!outcome.ok || outcome.repeated) return outcome;
    const now = ctx.clock.now();
    const updated: IncidentTask[] = [];
    for (const { tick, task } of changed) {
      const [row] = await tx
        .update(incidentTasks)
        .set(tick.done ? { doneAt: now, doneBy: userId } : { doneAt: null, doneBy: null })
        .where(and(eq(incidentTasks.teamId, ref.teamId), eq(incidentTasks.id, task!.id)))
        .returning();
      updated.push(row!);
    }
    return { ...outcome, changed: updated };
  });
}

/** Where the incident's checklist message is (undefined: not posted yet). */
export async function checklistMessageOf(db: DbOrTx, teamId: string, incidentId: number): Promise<{ channelId: string; ts: string } | undefined> {
  const [row] = await db
    .select({ channelId: checklistMessages.channelId, ts: checklistMessages.ts })
    .from(checklistMessages)
    .where(and(eq(checklistMessages.teamId, teamId), eq(checklistMessages.incidentId, incidentId)));
  return row;
}

export async function rememberChecklistMessage(tx: Tx, teamId: string, incidentId: number, at: { channelId: string; ts: string }): Promise<void> {
  await tx
    .insert(checklistMessages)
    .values({ teamId, incidentId, ...at })
    .onConflictDoUpdate({ target: [checklistMessages.teamId, checklistMessages.incidentId], set: at });
}

