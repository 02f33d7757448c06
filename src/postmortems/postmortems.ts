// The blameless postmortem of a resolved incident: not_started → draft → in_review → published, or waived
// (SEV3/SEV4 only, with a reason). Sections are saved step by step, so closing the form loses nothing saved.
// Each change commits with its timeline fact and the deliveries it names.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx, Tx } from "../db/client.js";
import { actionItems, incidents, postmortems, type ActionItem, type Incident, type Postmortem, type PostmortemContent } from "../db/schema.js";
import { auditIncidentRefusal } from "../audit/audit-log.js";
import { recordFact, type Fact } from "../incidents/change.js";
import { isOpen, postmortemRequired } from "../incidents/lifecycle.js";
import { mayDo } from "../incidents/permissions.js";
import { lockIncident, type IncidentRef } from "../incidents/queries.js";
import { refuse, type Refused } from "../incidents/refusals.js";
import { appendToSearch } from "../incidents/search.js";
import { isValidTimeZone } from "../oncall/zoned-time.js";
import type { LearningClock } from "./reminders.js";

interface PostmortemContext {
  db: Db;
  clock: Clock;
  admins: ReadonlySet<string>;
  /** Reminders that follow postmortems and action items (see reminders.ts). */
  learning?: Pick<LearningClock, "onActionItem" | "onDrafted">;
}

export type PostmortemOutcome = { ok: true; incident: Incident; postmortem: Postmortem; result?: "started" | "resumed" } | Refused;

/** Every resolved incident has a postmortem: the stored one, or a not-started one. */
export async function postmortemOf(db: DbOrTx, incident: Incident): Promise<Postmortem> {
  const [row] = await db.select().from(postmortems).where(and(eq(postmortems.teamId, incident.teamId), eq(postmortems.incidentId, incident.id)));
  return (
    row ?? {
      id: 0,
      teamId: incident.teamId,
      incidentId: incident.id,
      status: "not_started",
      authorId: null,
      content: {},
      waivedReason: null,
      startedAt: null,
      publishedAt: null,
      publishedBy: null,
      updatedAt: incident.updatedAt,
    }
  );
}

export async function actionItemsOf(db: DbOrTx, teamId: string, incidentId: number): Promise<ActionItem[]> {
  return db.select().from(actionItems).where(and(eq(actionItems.teamId, teamId), eq(actionItems.incidentId, incidentId))).orderBy(asc(actionItems.id));
}

interface PostmortemChange {
  values?: Partial<Postmortem>;
  fact?: Fact;
  result?: "started" | "resumed";
}

/** Locks the incident, checks the rules, upserts the postmortem, and records the change. */
async function changePostmortem(
  ctx: PostmortemContext,
  ref: IncidentRef,
  userId: string,
  decide: (incident: Incident, postmortem: Postmortem, tx: Tx, now: Date) => Promise<PostmortemChange | Refused> | PostmortemChange | Refused,
): Promise<PostmortemOutcome> {
  const outcome = await ctx.db.transaction(async (tx): Promise<PostmortemOutcome> => {
    const incident = await lockIncident(tx, ref);
    if (!incident) return refuse({ code: "not_found" });
    if (isOpen(incident.status)) return refuse({ code: "still_open", incident, wanted: "postmortem" });
    const current = await postmortemOf(tx, incident);
    const now = ctx.clock.now();
    const decision = await decide(incident, current, tx, now);
    if ("ok" in decision) return decision;
    const values = { ...decision.values, updatedAt: now };
    const [saved] = await tx
      .insert(postmortems)
      .values({ teamId: incident.teamId, incidentId: incident.id, ...values })
      .onConflictDoUpdate({ target: [postmortems.teamId, postmortems.incidentId], set: values })
      .returning();
    if (decision.fact) await recordFact(tx, ctx.clock, incident, userId, decision.fact, now);
    if (current.status === "not_started" && saved!.status === "draft") await ctx.learning?.onDrafted(tx, incident, saved!);
    return { ok: true, incident, postmortem: saved!, result: decision.result };
  });
  if (!outcome.ok) await auditIncidentRefusal(ctx.db, ctx.clock, ref.teamId, userId, { kind: "incident", id: ref.incidentId }, outcome.refusal);
  return outcome;
}

const editable = (p: Postmortem) => p.status === "not_started" || p.status === "draft" || p.status === "in_review";

/** Opens (or resumes) the postmortem: the first save makes it a draft with its author. */
export function startPostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (pm.status === "published") return refuse({ code: "postmortem_published", incident });
    if (pm.status === "waived") return refuse({ code: "postmortem_waived", incident, reason: pm.waivedReason ?? "" });
    if (pm.status !== "not_started") return { result: "resumed" };
    return {
      values: { status: "draft", authorId: userId, startedAt: ctx.clock.now() },
      fact: { type: "postmortem_started", data: {} },
      result: "started",
    };
  });
}

const contentSchema = z.object({
  summary: z.string().max(3000).optional(),
  usersAffected: z.string().max(500).optional(),
  revenueImpact: z.string().max(500).optional(),
  servicesImpacted: z.string().max(500).optional(),
  whys: z.array(z.string().max(1000)).max(5).optional(),
  wentWell: z.string().max(3000).optional(),
  couldImprove: z.string().max(3000).optional(),
  lucky: z.string().max(3000).optional(),
  lessons: z.string().max(3000).optional(),
  droppedEntries: z.array(z.number().int()).max(1000).optional(),
  entryNotes: z.record(z.string(), z.string().max(500)).optional(),
});

/** Saves one step's sections into the draft; the other sections are kept as they were. */
export function savePostmortemSections(ctx: PostmortemContext, ref: IncidentRef, userId: string, patch: PostmortemContent, step: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (!editable(pm)) return refuse({ code: "postmortem_locked", incident, status: pm.status });
    if (!mayDo(incident, userId, ctx.admins, "post_update") && pm.authorId !== userId) {
      return refuse({ code: "not_allowed", action: "edit_postmortem", incident, permission: "post_update" });
    }
    const parsed = contentSchema.safeParse(patch);
    if (!parsed.success) return refuse({ code: "too_long", what: "postmortem section", max: 3000 });
    return {
      values: {
        content: { ...pm.content, ...parsed.data },
        status: pm.status === "not_started" ? "draft" : pm.status,
        authorId: pm.authorId ?? userId,
        startedAt: pm.startedAt ?? ctx.clock.now(),
      },
      fact: { type: "postmortem_saved", data: { step } },
    };
  });
}

export function submitForReview(ctx: PostmortemContext, ref: IncidentRef, userId: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (pm.status === "not_started") return refuse({ code: "postmortem_not_written", incident });
    if (pm.status !== "draft") return refuse({ code: "postmortem_in_state", incident, status: pm.status });
    if (!pm.content.summary?.trim()) return refuse({ code: "postmortem_needs_summary", incident, wanted: "review" });
    return {
      values: { status: "in_review" },
      // A closed incident's war room is archived: the commander, who publishes, is asked directly instead.
      fact: {
        type: "postmortem_in_review",
        data: {},
        effects: incident.status === "closed" ? [{ kind: "dm", userId: incident.commanderId, about: { kind: "postmortem_review" } }] : [{ kind: "war_room" }],
      },
    };
  });
}

export function publishPostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, async (incident, pm, tx, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "publish_postmortem", incident, permission: "manage" });
    if (pm.status === "published") return refuse({ code: "postmortem_published", incident });
    if (pm.status !== "draft" && pm.status !== "in_review") return refuse({ code: "postmortem_not_written", incident });
    if (!pm.content.summary?.trim()) return refuse({ code: "postmortem_needs_summary", incident, wanted: "publish" });
    const text = [pm.content.summary, pm.content.lessons, ...(pm.content.whys ?? [])].filter(Boolean).join(" ");
    await tx.update(incidents).set({ searchExtra: appendToSearch(text) }).where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
    return {
      values: { status: "published", publishedAt: now, publishedBy: userId },
      fact: { type: "postmortem_published", data: {}, effects: [{ kind: "war_room" }, { kind: "announce" }] },
    };
  });
}

export const WAIVE_REASON_MAX = 1000;
export const WONT_DO_REASON_MAX = 1000;

export function waivePostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string, reason: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "waive_postmortem", incident, permission: "manage" });
    if (postmortemRequired(incident.severity) && !incident.isDrill) return refuse({ code: "postmortem_required", incident });
    if (pm.status === "published") return refuse({ code: "postmortem_published", incident });
    if (pm.status === "waived") return refuse({ code: "postmortem_waived", incident, reason: pm.waivedReason ?? "" });
    const why = reason.trim();
    if (!why) return refuse({ code: "missing_text", what: "waive_reason" });
    if (why.length > WAIVE_REASON_MAX) return refuse({ code: "too_long", what: "reason", max: WAIVE_REASON_MAX });
    return {
      values: { status: "waived", waivedReason: why },
      fact: { type: "postmortem_waived", data: { reason: why }, effects: [{ kind: "war_room" }] },
    };
  });
}

/**
 * How far from today a due date may be, either way. Further is a slip of the calendar (2062 for 2026), and nobody
 * can be reminded of it: the overdue reminders are planned from it.
 */
const DUE_DATE_YEARS = 10;

/** A YYYY-MM-DD that is a real calendar day, as a UTC midnight; undefined for anything else (2026-02-30). */
function calendarDay(day: string): Date | undefined {
  const at = new Date(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day) ? at : undefined;
}

const shiftYears = (at: Date, years: number): string => {
  const shifted = new Date(at);
  shifted.setUTCFullYear(at.getUTCFullYear() + years);
  return shifted.toISOString().slice(0, 10);
};

/** Why a due date cannot be used, in words for the form; undefined when it can. */
function dueDateProblem(day: string, now: Date): string | undefined {
  if (!calendarDay(day)) return "Pick a due date from the calendar.";
  const earliest = shiftYears(now, -DUE_DATE_YEARS);
  const latest = shiftYears(now, DUE_DATE_YEARS);
  return day < earliest || day > latest ? `Pick a due date within ${DUE_DATE_YEARS} years of today (${earliest} to ${latest}).` : undefined;
}

const actionItemSchema = z.object({
  description: z.string().trim().min(1, { error: "Describe the action item." }).max(500, { error: "Keep it under 500 characters." }),
  ownerId: z.string().regex(/^[UW][A-Z0-9_]+$/, { error: "Pick an owner." }),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Pick a due date." }).nullable(),
  priority: z.enum(["high", "medium", "low"]),
  ownerTimeZone: z
    .string()
    .optional()
    .transform((tz) => (tz && isValidTimeZone(tz) ? tz : "UTC")),
});

/** Adds an action item to the incident (resolved or not); its owner is told by DM. */
export async function addActionItem(
  ctx: PostmortemContext,
  ref: IncidentRef,
  userId: string,
  raw: unknown,
  sourceKey?: string,
): Promise<{ ok: true; item: ActionItem; incident: Incident } | { ok: false; problems: Record<string, string> }> {
  const parsed = actionItemSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) problems[String(issue.path[0])] ??= issue.message;
    return { ok: false, problems };
  }
  const dueProblem = parsed.data.dueDate ? dueDateProblem(parsed.data.dueDate, ctx.clock.now()) : undefined;
  if (dueProblem) return { ok: false, problems: { dueDate: dueProblem } };
  return ctx.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(and(eq(incidents.teamId, ref.teamId), eq(incidents.id, ref.incidentId)));
    if (!incident) return { ok: false as const, problems: { description: "That incident no longer exists." } };
    const now = ctx.clock.now();
    const [item] = await tx
      .insert(actionItems)
      .values({ teamId: incident.teamId, incidentId: incident.id, ...parsed.data, createdBy: userId, sourceKey, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!item) {
      const [existing] = await tx.select().from(actionItems).where(and(eq(actionItems.teamId, incident.teamId), eq(actionItems.sourceKey, sourceKey ?? "")));
      return { ok: true as const, item: existing!, incident };
    }
    await recordFact(tx, ctx.clock, incident, userId, {
      type: "action_item_added",
      data: { actionItemId: item.id, ownerId: item.ownerId, dueDate: item.dueDate, priority: item.priority, description: item.description },
      effects: [{ kind: "dm", userId: item.ownerId, about: { kind: "action_item", itemId: item.id } }],
    });
    await ctx.learning?.onActionItem(tx, item);
    return { ok: true as const, item, incident };
  });
}

export type ActionItemChange =
  | { kind: "status"; status: "in_progress" | "done" | "open" }
  | { kind: "wont_do"; reason: string }
  | { kind: "snooze"; days: number }
  /** ownerActive: false when Slack says the new owner is deactivated; the item then goes to the commander. */
  | { kind: "reassign"; ownerId: string; ownerTimeZone?: string; ownerActive: boolean };

type ActionItemOutcome =
  | { ok: true; item: ActionItem; change: ActionItemChange; unchanged?: boolean; ownerDeactivated?: string }
  | Refused;

/** Changes an action item; the owner, its creator, the incident's commander or declarer, or an admin may. */
export async function changeActionItem(ctx: PostmortemContext, teamId: string, itemId: number, userId: string, change: ActionItemChange): Promise<ActionItemOutcome> {
  const outcome = await changeActionItemNow(ctx, teamId, itemId, userId, change);
  if (!outcome.ok) await auditIncidentRefusal(ctx.db, ctx.clock, teamId, userId, { kind: "action_item", id: itemId }, outcome.refusal);
  return outcome;
}

async function changeActionItemNow(ctx: PostmortemContext, teamId: string, itemId: number, userId: string, change: ActionItemChange): Promise<ActionItemOutcome> {
  return ctx.db.transaction(async (tx) => {
    const [item] = await tx.select().from(actionItems).where(and(eq(actionItems.teamId, teamId), eq(actionItems.id, itemId))).for("update");
    if (!item) return refuse({ code: "no_action_item", itemId });
    const [incident] = await tx.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.id, item.incidentId)));
    if (!incident) return refuse({ code: "no_action_item", itemId });
    const allowed = [item.ownerId, item.createdBy, incident.commanderId, incident.declaredBy].includes(userId) || ctx.admins.has(userId);
    if (!allowed) return refuse({ code: "not_allowed", action: "change_action_item", incident, permission: "manage" });
    const now = ctx.clock.now();
    let values: Partial<ActionItem>;
    let data: Record<string, unknown> = { actionItemId: item.id, change: change.kind, description: item.description };
    let dm: { userId: string; ownerDeactivated?: string } | undefined;
    switch (change.kind) {
      case "status":
        if (item.status === change.status) return { ok: true as const, item, change, unchanged: true };
        values = { status: change.status };
        data = { ...data, status: change.status };
        break;
      case "wont_do": {
        const reason = change.reason.trim();
        if (!reason) return refuse({ code: "missing_text", what: "wont_do_reason" });
        if (reason.length > WONT_DO_REASON_MAX) return refuse({ code: "too_long", what: "reason", max: WONT_DO_REASON_MAX });
        values = { status: "wont_do", wontDoReason: reason };
        data = { ...data, status: "wont_do", reason: values.wontDoReason };
        break;
      }
      case "snooze": {
        // From the due date if it is still ahead and usable (items stored before due dates were checked may hold any).
        const due = item.dueDate && !dueDateProblem(item.dueDate, now) ? calendarDay(item.dueDate) : undefined;
        const base = due && due > now ? due : now;
        const snoozedTo = new Date(base.getTime() + change.days * 24 * 3_600_000).toISOString().slice(0, 10);
        values = { dueDate: snoozedTo };
        data = { ...data, dueDate: snoozedTo };
        break;
      }
      case "reassign": {
        // A deactivated person cannot do anything: the commander gets it, and is told why.
        const owner = change.ownerActive ? change.ownerId : incident.commanderId;
        const zone = change.ownerActive && change.ownerTimeZone && isValidTimeZone(change.ownerTimeZone) ? change.ownerTimeZone : item.ownerTimeZone;
        values = { ownerId: owner, ownerTimeZone: zone };
        const deactivated = change.ownerActive ? undefined : change.ownerId;
        data = { ...data, ownerId: owner, previousOwnerId: item.ownerId, ...(deactivated ? { ownerDeactivated: deactivated } : {}) };
        dm = { userId: owner, ownerDeactivated: deactivated };
        break;
      }
    }
    const [updated] = await tx.update(actionItems).set({ ...values, updatedAt: now }).where(eq(actionItems.id, item.id)).returning();
    await recordFact(tx, ctx.clock, incident, userId, {
      type: "action_item_changed",
      data,
      effects: dm ? [{ kind: "dm", userId: dm.userId, about: { kind: "action_item", itemId: item.id, ...(dm.ownerDeactivated ? { ownerDeactivated: dm.ownerDeactivated } : {}) } }] : [],
    });
    await ctx.learning?.onActionItem(tx, updated!);
    return { ok: true as const, item: updated!, change, ownerDeactivated: dm?.ownerDeactivated };
  });
}
