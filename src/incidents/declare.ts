// Declaring an incident: validate, then one transaction that numbers it, records it, writes its timeline entry and enqueues the war room.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { incidents, workspaces, type Incident } from "../db/schema.js";
import { enqueue, type NewOutboxItem } from "../outbox/outbox.js";
import { actorIdSchema, isPerson } from "../timeline/actors.js";
import { recordFact } from "./change.js";
import { Deliveries, IMPORT_LANE, priorityOf, setupStepHoldsUpMs, warRoomSetupSteps } from "./deliveries.js";
import { severitySchema } from "./lifecycle.js";

export const TITLE_MAX = 150;
export const DESCRIPTION_MAX = 3000;
export const SERVICES_MAX = 20;

const slackUserId = z.string().regex(/^[UW][A-Z0-9_]+$/, { error: "is not a Slack user" });

export const declareInputSchema = z.object({
  teamId: z.string().min(1),
  /** A person, or an integration such as an API token or an alert source (timeline/actors.ts). */
  declaredBy: actorIdSchema,
  title: z
    .string()
    .trim()
    .min(1, { error: "Give the incident a title, e.g. “Checkout is down”." })
    .max(TITLE_MAX, { error: `Keep the title under ${TITLE_MAX} characters; put the details in the description.` }),
  severity: severitySchema,
  description: z
    .string()
    .trim()
    .max(DESCRIPTION_MAX, { error: `Keep the description under ${DESCRIPTION_MAX} characters.` })
    .default(""),
  affectedServices: z
    .array(z.string().trim().min(1).max(80, { error: "Keep each service name under 80 characters." }))
    .max(SERVICES_MAX, { error: `Name at most ${SERVICES_MAX} services.` })
    .default([]),
  commanderId: slackUserId,
  originChannelId: z.string().optional(),
  /** Declared from a message (the message shortcut): that message's thread comes onto the timeline. */
  originMessage: z.object({ channelId: z.string().min(1).max(30), ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/) }).optional(),
  responseUrl: z.url().optional(),
  declareKey: z.string().min(1),
  /** A practice incident (see drills.ts); replayOf: the past incident of the same workspace whose timeline it replays. */
  drill: z
    .object({
      replayOf: z.number().int().positive().optional(),
      speed: z.number().int().min(1).max(1000).optional(),
    })
    .optional(),
});

export type DeclareInput = z.input<typeof declareInputSchema>;

/** "checkout, payments,, checkout" → ["checkout", "payments"] */
export function parseServiceList(text: string | undefined | null): string[] {
  const names = (text ?? "").split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  return [...new Set(names)];
}

interface DeclareResult {
  incident: Incident;
  /** False when this declare was a retry or a double submit of one already recorded. */
  created: boolean;
}

/** What else happens in the declare transaction: the clock pages and sets deadlines (see clockwork.ts). */
interface DeclareHooks {
  onDeclared?: (tx: Tx, incident: Incident) => Promise<void>;
}

export async function declareIncident(db: Db, clock: Clock, raw: DeclareInput, hooks: DeclareHooks = {}): Promise<DeclareResult> {
  const input = declareInputSchema.parse(raw);
  return db.transaction((tx) => declareInTransaction(tx, clock, input, hooks));
}

/** The declare itself, inside a caller's transaction (an alert group declares while it holds its group's lock). */
export async function declareInTransaction(tx: Tx, clock: Clock, raw: DeclareInput, hooks: DeclareHooks = {}): Promise<DeclareResult> {
  const input = declareInputSchema.parse(raw);
  const now = clock.now();
  await tx.insert(workspaces).values({ teamId: input.teamId, createdAt: now }).onConflictDoNothing();
  // The workspace row lock serialises declares of one workspace: numbers never collide, and a retry
  // that waited on the lock sees the incident its twin just committed.
  await tx.execute(sql`select 1 from workspaces where team_id = ${input.teamId} for update`);

  const [existing] = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, input.teamId), eq(incidents.declareKey, input.declareKey)));
  if (existing) return { incident: existing, created: false };

  const [workspace] = await tx
    .update(workspaces)
    .set({ lastIncidentNumber: sql`${workspaces.lastIncidentNumber} + 1` })
    .where(eq(workspaces.teamId, input.teamId))
    .returning({ number: workspaces.lastIncidentNumber });

  const [incident] = await tx
    .insert(incidents)
    .values({
      teamId: input.teamId,
      number: workspace!.number,
      title: input.title,
      description: input.description,
      severity: input.severity,
      status: "investigating",
      affectedServices: input.affectedServices,
      commanderId: input.commanderId,
      declaredBy: input.declaredBy,
      declaredAt: now,
      originChannelId: input.originChannelId,
      declarerResponseUrl: input.responseUrl,
      declareKey: input.declareKey,
      isDrill: Boolean(input.drill),
      drillReplayOf: input.drill?.replayOf ?? null,
      drillReplaySpeed: input.drill?.replayOf ? (input.drill.speed ?? null) : null,
      updatedAt: now,
    })
    .returning();

  await enqueue(tx, clock, [...warRoomSetup(incident!), ...threadImport(incident!, input.originMessage)]);
  await recordFact(tx, clock, incident!, input.declaredBy, {
    type: "declared",
    data: {
      number: incident!.number,
      title: input.title,
      severity: input.severity,
      commanderId: input.commanderId,
      affectedServices: input.affectedServices,
      originChannelId: input.originChannelId ?? null,
      ...(input.drill ? { drill: true } : {}),
      ...(input.originMessage ? { originMessage: input.originMessage } : {}),
    },
  }, now);
  await hooks.onDeclared?.(tx, incident!);
  return { incident: incident!, created: true };
}

/** The thread of the message it was declared from, read and recorded once the incident exists. */
function threadImport(incident: Incident, origin: { channelId: string; ts: string } | undefined): NewOutboxItem[] {
  if (!origin) return [];
  return [{ teamId: incident.teamId, incidentId: incident.id, kind: Deliveries.importThread, idempotencyKey: `incident:${incident.id}:import_thread`, payload: origin, lane: IMPORT_LANE, priority: priorityOf(incident) }];
}

/**
 * The war room's setup, in the order Slack must see it. A person who declared gets the link as soon as the room
 * exists; an integration that declared has nobody in Slack to tell (an API token has its answer already; for an
 * alert source the announcement and the paged responders are told). A drill has no announcement.
 */
function warRoomSetup(incident: Incident): NewOutboxItem[] {
  // A drill is not announced: the announcement channel is for real incidents (see drills.ts).
  const steps = warRoomSetupSteps.filter((kind) => (isPerson(incident.declaredBy) || kind !== Deliveries.tellDeclarer) && (!incident.isDrill || kind !== Deliveries.announce));
  return steps.map((kind) => ({
    teamId: incident.teamId,
    incidentId: incident.id,
    kind,
    idempotencyKey: `incident:${incident.id}:${kind}`,
    holdsUpMs: setupStepHoldsUpMs(kind),
    priority: priorityOf(incident),
  }));
}
