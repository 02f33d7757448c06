// The blameless postmortem of a resolved incident: not_started → draft → in_review → published, or waived
// (SEV3/SEV4 only, with a reason). Sections are saved step by step, so closing the form loses nothing saved.
// Each change commits with its timeline entry and its Slack side effects.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Db, DbOrTx, Tx } from "../db/client.js";
import { actionItems, incidents, postmortems, type ActionItem, type Incident, type Postmortem, type PostmortemContent } from "../db/schema.js";
import { outboxItemsFor, type Effect } from "../incidents/effects.js";
import { isOpen, postmortemRequired, severityLabel } from "../incidents/lifecycle.js";
import { lockIncident, type IncidentRef } from "../incidents/queries.js";
import { appendToSearch } from "../incidents/search.js";
import { mayDo, type Outcome } from "../incidents/war-room.js";
import { enqueue } from "../outbox/outbox.js";
import { actionItemDm, postmortemPublished } from "../slack/blocks/postmortem-messages.js";
import { escapeText, mentionUser, truncate } from "../slack/blocks/text.js";
import { appendTimeline, timelineOf } from "../timeline/append.js";
import { isValidTimeZone } from "../oncall/zoned-time.js";
import { postmortemMarkdown, type Names } from "./markdown.js";
import type { LearningClock } from "./reminders.js";

export interface PostmortemContext {
  db: Db;
  clock: Clock;
  admins: ReadonlySet<string>;
  /** Reminders that follow postmortems and action items (see reminders.ts). */
  learning?: Pick<LearningClock, "onActionItem" | "onDrafted">;
}

export type PostmortemOutcome = { ok: true; incident: Incident; postmortem: Postmortem; reply?: string } | { ok: false; reason: string };

const refuse = (reason: string): PostmortemOutcome => ({ ok: false, reason });

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
      markdown: null,
      updatedAt: incident.updatedAt,
    }
  );
}


export async function actionItemsOf(db: DbOrTx, teamId: string, incidentId: number): Promise<ActionItem[]> {
  return db.select().from(actionItems).where(and(eq(actionItems.teamId, teamId), eq(actionItems.incidentId, incidentId))).orderBy(asc(actionItems.id));
}

interface PostmortemChange {
  values?: Partial<Postmortem>;
  entry?: { type: string; text: string; data?: Record<string, unknown> };
  effects?: (incident: Incident, postmortem: Postmortem) => Effect[];
  reply?: string;
}

/** Locks the incident, checks the rules, upserts the postmortem, and records the change. */
async function changePostmortem(
  ctx: PostmortemContext,
  ref: IncidentRef,
  userId: string,
  decide: (incident: Incident, postmortem: Postmortem, tx: Tx, now: Date) => Promise<PostmortemChange | PostmortemOutcome> | PostmortemChange | PostmortemOutcome,
): Promise<PostmortemOutcome> {
  return ctx.db.transaction(async (tx) => {
    const incident = await lockIncident(tx, ref);
    if (!incident) return refuse("I can't find that incident any more.");
    if (isOpen(incident.status)) return refuse(`Incident #${incident.number} is still open; its postmortem starts once it is resolved.`);
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
    if (decision.entry) {
      const entry = await appendTimeline(tx, { teamId: incident.teamId, incidentId: incident.id, actor: userId, occurredAt: now, ...decision.entry });
      await enqueue(tx, ctx.clock, outboxItemsFor(incident, entry!, decision.effects?.(incident, saved!) ?? []));
    }
    if (current.status === "not_started" && saved!.status === "draft") await ctx.learning?.onDrafted(tx, incident, saved!);
    return { ok: true, incident, postmortem: saved!, reply: decision.reply };
  });
}

const editable = (p: Postmortem) => p.status === "not_started" || p.status === "draft" || p.status === "in_review";

/** Opens (or resumes) the postmortem: the first save makes it a draft with its author. */
export function startPostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (pm.status === "published") return refuse(`The postmortem of incident #${incident.number} is published. \`/incident postmortem export #${incident.number}\` gives you its Markdown.`);
    if (pm.status === "waived") return refuse(`The postmortem of incident #${incident.number} was waived: ${escapeText(pm.waivedReason ?? "")}`);
    if (pm.status !== "not_started") return { reply: "Resuming the draft." };
    return {
      values: { status: "draft", authorId: userId, startedAt: ctx.clock.now() },
      entry: { type: "postmortem_started", text: "Started the postmortem", data: {} },
      reply: "Postmortem started.",
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
    if (!editable(pm)) return refuse(`The postmortem of incident #${incident.number} is ${pm.status.replace("_", " ")} and can no longer be edited.`);
    if (!mayDo(incident, userId, ctx.admins, "post_update") && pm.authorId !== userId) {
      return refuse(`Sorry, only the incident's commander, declarer, role holders or the postmortem's author can edit it.`);
    }
    const parsed = contentSchema.safeParse(patch);
    if (!parsed.success) return refuse("Some of that is too long; please shorten it.");
    return {
      values: {
        content: { ...pm.content, ...parsed.data },
        status: pm.status === "not_started" ? "draft" : pm.status,
        authorId: pm.authorId ?? userId,
        startedAt: pm.startedAt ?? ctx.clock.now(),
      },
      entry: { type: "postmortem_saved", text: `Saved the postmortem's ${step}`, data: { step } },
    };
  });
}

export function submitForReview(ctx: PostmortemContext, ref: IncidentRef, userId: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (pm.status !== "draft") return refuse(pm.status === "not_started" ? "Write the postmortem first: `/incident postmortem`." : `The postmortem is ${pm.status.replace("_", " ")}.`);
    if (!pm.content.summary?.trim()) return refuse("Add a summary before asking for review.");
    return {
      values: { status: "in_review" },
      entry: { type: "postmortem_in_review", text: "Asked for review of the postmortem" },
      effects: () => [{ kind: "line", message: { text: `:mag: ${mentionUser(userId)} asked for review of the postmortem. Read it with \`/incident postmortem export #${incident.number}\`; the commander publishes it with \`/incident postmortem publish\`.` } }],
      reply: "The postmortem is in review.",
    };
  });
}

export function publishPostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string, names: Names): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, async (incident, pm, tx, now) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse(`Sorry, only the Incident Commander ${mentionUser(incident.commanderId)}, the declarer or an incident admin can publish the postmortem.`);
    if (pm.status === "published") return refuse("The postmortem is already published.");
    if (pm.status !== "draft" && pm.status !== "in_review") return refuse("Write the postmortem first: `/incident postmortem`.");
    if (!pm.content.summary?.trim()) return refuse("Add a summary before publishing.");
    const markdown = postmortemMarkdown({
      incident,
      postmortem: { ...pm, publishedAt: now },
      timeline: await timelineOf(tx, incident.teamId, incident.id),
      actionItems: await actionItemsOf(tx, incident.teamId, incident.id),
      names,
    });
    const text = [pm.content.summary, pm.content.lessons, ...(pm.content.whys ?? [])].filter(Boolean).join(" ");
    await tx.update(incidents).set({ searchExtra: appendToSearch(text) }).where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id)));
    return {
      values: { status: "published", publishedAt: now, publishedBy: userId, markdown },
      entry: { type: "postmortem_published", text: "Published the postmortem" },
      effects: (i, saved) => [
        { kind: "line", message: postmortemPublished(i, saved, userId, "war_room") },
        { kind: "share", message: postmortemPublished(i, saved, userId, "announcement") },
      ],
      reply: `Published. \`/incident postmortem export #${incident.number}\` gives you the Markdown.`,
    };
  });
}

export function waivePostmortem(ctx: PostmortemContext, ref: IncidentRef, userId: string, reason: string): Promise<PostmortemOutcome> {
  return changePostmortem(ctx, ref, userId, (incident, pm) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse(`Sorry, only the Incident Commander ${mentionUser(incident.commanderId)}, the declarer or an incident admin can waive the postmortem.`);
    if (postmortemRequired(incident.severity)) return refuse(`A ${severityLabel(incident.severity)} incident needs a postmortem; it cannot be waived.`);
    if (pm.status === "published" || pm.status === "waived") return refuse(`The postmortem is already ${pm.status}.`);
    if (!reason.trim()) return refuse("Say why: `/incident postmortem waive Known flaky test, fixed in the same hour`.");
    return {
      values: { status: "waived", waivedReason: reason.trim() },
      entry: { type: "postmortem_waived", text: `Waived the postmortem: ${escapeText(truncate(reason.trim(), 500))}`, data: { reason: reason.trim() } },
      effects: () => [{ kind: "line", message: { text: `:fast_forward: ${mentionUser(userId)} waived the postmortem: ${escapeText(truncate(reason.trim(), 500))}` } }],
      reply: "Postmortem waived.",
    };
  });
}

export const actionItemSchema = z.object({
  description: z.string().trim().min(1, { error: "Describe the action item." }).max(500, { error: "Keep it under 500 characters." }),
  ownerId: z.string().regex(/^[UW][A-Z0-9_]+$/, { error: "Pick an owner." }),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Pick a due date." }).nullable(),
  priority: z.enum(["high", "medium", "low"]),
  ownerTimeZone: z
    .string()
    .optional()
    .transform((tz) => (tz && isValidTimeZone(tz) ? tz : "UTC")),
});
export type ActionItemInput = z.infer<typeof actionItemSchema>;

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
  return ctx.db.transaction(async (tx) => {
    const [incident] = await tx.select().from(incidents).where(and(eq(incidents.teamId, ref.teamId), eq(incidents.id, ref.incidentId)));
    if (!incident) return { ok: false as const, problems: { description: "I can't find that incident any more." } };
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
    const entry = await appendTimeline(tx, {
      teamId: incident.teamId,
      incidentId: incident.id,
      type: "action_item_added",
      actor: userId,
      occurredAt: now,
      text: `Action item for ${mentionUser(item.ownerId)}: ${escapeText(truncate(item.description, 300))}`,
      data: { actionItemId: item.id, ownerId: item.ownerId, dueDate: item.dueDate, priority: item.priority },
    });
    await enqueue(tx, ctx.clock, outboxItemsFor(incident, entry!, [{ kind: "dm", userId: item.ownerId, message: actionItemDm(incident, item, userId) }]));
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

export type ActionItemOutcome = { ok: true; item: ActionItem; reply: string } | { ok: false; reason: string };

/** Changes an action item; the owner, its creator, the incident's commander or declarer, or an admin may. */
export async function changeActionItem(ctx: PostmortemContext, teamId: string, itemId: number, userId: string, change: ActionItemChange): Promise<ActionItemOutcome> {
  return ctx.db.transaction(async (tx) => {
    const [item] = await tx.select().from(actionItems).where(and(eq(actionItems.teamId, teamId), eq(actionItems.id, itemId))).for("update");
    if (!item) return { ok: false as const, reason: `There is no action item ${itemId}. \`/incident actions mine\` lists yours.` };
    const [incident] = await tx.select().from(incidents).where(and(eq(incidents.teamId, teamId), eq(incidents.id, item.incidentId)));
    const allowed = [item.ownerId, item.createdBy, incident?.commanderId, incident?.declaredBy].includes(userId) || ctx.admins.has(userId);
    if (!incident || !allowed) return { ok: false as const, reason: "Sorry, only the item's owner, its creator, the incident's commander or declarer, or an incident admin can change it." };
    const now = ctx.clock.now();
    let values: Partial<ActionItem>;
    let text: string;
    let reply: string;
    let dmTo: string | undefined;
    switch (change.kind) {
      case "status":
        if (item.status === change.status) return { ok: true as const, item, reply: `It is already ${change.status.replace("_", " ")}.` };
        values = { status: change.status };
        text = `Action item ${change.status === "done" ? "done" : change.status === "in_progress" ? "in progress" : "reopened"}: ${escapeText(truncate(item.description, 300))}`;
        reply = change.status === "done" ? ":white_check_mark: Marked done. Thank you!" : `Marked ${change.status.replace("_", " ")}.`;
        break;
      case "wont_do":
        if (!change.reason.trim()) return { ok: false as const, reason: "Say why it won't be done: `/incident action wontdo 7 Replaced by the new deploy pipeline`." };
        values = { status: "wont_do", wontDoReason: change.reason.trim() };
        text = `Action item won't be done: ${escapeText(truncate(item.description, 200))} (${escapeText(truncate(change.reason.trim(), 200))})`;
        reply = "Marked won't do.";
        break;
      case "snooze": {
        const base = item.dueDate && item.dueDate > now.toISOString().slice(0, 10) ? new Date(`${item.dueDate}T00:00:00Z`) : now;
        const due = new Date(base.getTime() + change.days * 24 * 3_600_000).toISOString().slice(0, 10);
        values = { dueDate: due };
        text = `Action item snoozed to ${due}: ${escapeText(truncate(item.description, 300))}`;
        reply = `Snoozed: now due ${due}.`;
        break;
      }
      case "reassign": {
        // A deactivated person cannot do anything: the commander gets it, and is told why.
        const owner = change.ownerActive ? change.ownerId : incident.commanderId;
        values = { ownerId: owner, ownerTimeZone: change.ownerActive && change.ownerTimeZone && isValidTimeZone(change.ownerTimeZone) ? change.ownerTimeZone : item.ownerTimeZone };
        text = change.ownerActive
          ? `Action item reassigned from ${mentionUser(item.ownerId)} to ${mentionUser(owner)}`
          : `Action item reassigned to the commander ${mentionUser(owner)}: ${mentionUser(change.ownerId)} is deactivated`;
        reply = change.ownerActive ? `Reassigned to ${mentionUser(owner)}.` : `${mentionUser(change.ownerId)} is deactivated, so the item went to the commander ${mentionUser(owner)}.`;
        dmTo = owner;
        break;
      }
    }
    const [updated] = await tx.update(actionItems).set({ ...values, updatedAt: now }).where(eq(actionItems.id, item.id)).returning();
    const entry = await appendTimeline(tx, {
      teamId,
      incidentId: incident.id,
      type: "action_item_changed",
      actor: userId,
      occurredAt: now,
      text,
      data: { actionItemId: item.id, change: change.kind, ...values },
    });
    const note = change.kind === "reassign" && !change.ownerActive ? `${mentionUser(change.ownerId)} is deactivated, so this comes to you as the incident's commander.` : undefined;
    await enqueue(tx, ctx.clock, outboxItemsFor(incident, entry!, dmTo ? [{ kind: "dm", userId: dmTo, message: actionItemDm(incident, updated!, userId, note) }] : []));
    await ctx.learning?.onActionItem(tx, updated!);
    return { ok: true as const, item: updated!, reply };
  });
}

export type { Outcome };
