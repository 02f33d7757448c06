// Drills: practice incidents. Declared like any incident (same numbers, same war room, same actions) but marked
// is_drill, so nobody is paged, nothing is told outside Slack or announced, and metrics and search leave them out
// unless asked. A replay drill plays a past incident's timeline into the drill's war room at a chosen speed, as
// scheduled jobs; each replayed moment is a `replayed` fact (by Warroom), so what the trainee did stays apart.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { timelineEntries, type Incident, type ScheduledJob } from "../db/schema.js";
import { cancelJobs, scheduleJob, type JobHandler } from "../scheduler/scheduler.js";
import { BOT_ACTOR } from "../timeline/append.js";
import { recordFact } from "./change.js";
import { declareInTransaction, type DeclareInput } from "./declare.js";
import { isOpen, severitySchema, type Severity } from "./lifecycle.js";
import { incidentById, incidentByNumber } from "./queries.js";

/** Ready-made scenarios for `/incident drill <name>`; any other words become the drill's title. */
export const drillScenarios = {
  database: {
    title: "Primary database refuses new connections",
    severity: "sev2",
    description: "Practice scenario: the primary database has hit its connection limit; the API answers 500 for about a third of requests.",
    affectedServices: ["database", "api"],
  },
  checkout: {
    title: "Checkout fails with 502 for most customers",
    severity: "sev1",
    description: "Practice scenario: the payment provider times out and checkout answers 502; orders are not taken.",
    affectedServices: ["checkout", "payments"],
  },
  latency: {
    title: "API latency above 5 seconds at p99",
    severity: "sev3",
    description: "Practice scenario: p99 latency of the public API climbed after the last deploy; nothing fails yet.",
    affectedServices: ["api"],
  },
} as const satisfies Record<string, { title: string; severity: Severity; description: string; affectedServices: string[] }>;

export type DrillScenarioName = keyof typeof drillScenarios;
export const drillScenarioNames = Object.keys(drillScenarios) as DrillScenarioName[];

/** A drill with no scenario of our own: the words are the title, at this severity. */
const CUSTOM_SCENARIO_SEVERITY: Severity = "sev3";

/** The declare input of a scenario drill (a named one, or the person's own words as the title). */
export function scenarioDrill(scenario: string): Pick<DeclareInput, "title" | "severity" | "description" | "affectedServices"> {
  const named = drillScenarios[scenario.trim().toLowerCase() as DrillScenarioName];
  if (named) return { ...named, affectedServices: [...named.affectedServices] };
  return { title: scenario, severity: CUSTOM_SCENARIO_SEVERITY, description: "Practice scenario.", affectedServices: [] };
}

/** The facts of a past incident that a replay plays back: what happened to it, not how Slack was set up. */
export const replayedFactTypes = [
  "alerts_fired",
  "alerts_resolved",
  "acknowledged",
  "status_changed",
  "severity_changed",
  "update_posted",
  "note",
  "message_captured",
  "resolved",
] as const;

export const DEFAULT_REPLAY_SPEED = 10;
export const MAX_REPLAY_SPEED = 1000;
/** However slow the chosen speed, a replay lasts at most this long: a longer one is played faster to fit. */
export const MAX_REPLAY_MS = 60 * 60_000;

export const DrillJobs = { replay: "drill.replay" } as const;

/** When each replayed fact shows, from the drill's start: its original offset divided by the speed, within the cap. */
export function replayOffsets(originalOffsetsMs: number[], speed: number): { offsetsMs: number[]; speed: number } {
  const last = Math.max(0, ...originalOffsetsMs);
  const effective = Math.max(speed, last / MAX_REPLAY_MS);
  return { offsetsMs: originalOffsetsMs.map((ms) => Math.round(Math.max(0, ms) / effective)), speed: effective };
}

export type ReplayOutcome =
  | { ok: true; drill: Incident; source: Incident; steps: number; durationMs: number; created: boolean }
  | { ok: false; reason: "not_found" | "is_drill" | "nothing_to_replay"; number: number };

interface ReplayRequest {
  teamId: string;
  declaredBy: string;
  number: number;
  speed: number;
  originChannelId?: string;
  responseUrl?: string;
  declareKey: string;
}

/**
 * Declares a drill replaying incident #number of the same workspace (another workspace's incidents are never found:
 * every look-up is by team) and schedules its replayable facts; one transaction.
 */
export async function declareReplayDrill(db: Db, clock: Clock, request: ReplayRequest, hooks: { onDeclared?: (tx: Tx, incident: Incident) => Promise<void> } = {}): Promise<ReplayOutcome> {
  return db.transaction(async (tx) => {
    const source = await incidentByNumber(tx, request.teamId, request.number);
    if (!source) return { ok: false, reason: "not_found", number: request.number };
    if (source.isDrill) return { ok: false, reason: "is_drill", number: request.number };
    const all = await tx
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.teamId, request.teamId), eq(timelineEntries.incidentId, source.id), inArray(timelineEntries.type, ["declared", ...replayedFactTypes])))
      .orderBy(asc(timelineEntries.occurredAt), asc(timelineEntries.id));
    // The drill starts where the incident started (its severity then); the replay brings the rest.
    const declared = all.find((f) => f.type === "declared");
    const startSeverity = severitySchema.safeParse((declared?.data as { severity?: unknown } | undefined)?.severity);
    const facts = all.filter((f) => f.type !== "declared");
    if (facts.length === 0) return { ok: false, reason: "nothing_to_replay", number: request.number };
    const { incident: drill, created } = await declareInTransaction(
      tx,
      clock,
      {
        teamId: request.teamId,
        declaredBy: request.declaredBy,
        title: `Replay of #${source.number}: ${source.title}`.slice(0, 150),
        severity: startSeverity.success ? startSeverity.data : source.severity,
        description: source.description,
        affectedServices: source.affectedServices,
        commanderId: request.declaredBy,
        originChannelId: request.originChannelId,
        responseUrl: request.responseUrl,
        declareKey: request.declareKey,
        drill: { replayOf: source.id, speed: request.speed },
      },
      hooks,
    );
    const plan = replayOffsets(
      facts.map((f) => f.occurredAt.getTime() - source.declaredAt.getTime()),
      request.speed,
    );
    const durationMs = Math.max(0, ...plan.offsetsMs);
    if (!created) return { ok: true, drill, source, steps: facts.length, durationMs, created };
    await recordFact(tx, clock, drill, BOT_ACTOR, {
      type: "replay_started",
      data: { fromNumber: source.number, speed: request.speed, effectiveSpeed: Math.round(plan.speed * 10) / 10, steps: facts.length, durationMs },
      effects: [{ kind: "war_room" }],
    });
    for (const [i, fact] of facts.entries()) {
      await scheduleJob(tx, clock, {
        teamId: drill.teamId,
        incidentId: drill.id,
        kind: DrillJobs.replay,
        jobKey: `drill:${drill.id}:replay:${fact.id}`,
        dueAt: new Date(drill.declaredAt.getTime() + plan.offsetsMs[i]!),
        payload: { entryId: fact.id },
      });
    }
    return { ok: true, drill, source, steps: facts.length, durationMs, created };
  });
}

/**
 * A replayed moment: told in the drill's war room as a `replayed` fact. The drill's own state is the trainee's to
 * change; once the drill is resolved or closed, the rest of the replay is dropped.
 */
export function drillJobHandlers(clock: Clock): Record<string, JobHandler> {
  const replay: JobHandler = async (tx: Tx, job: ScheduledJob) => {
    const drill = job.incidentId ? await incidentById(tx, job.teamId, job.incidentId) : undefined;
    if (!drill?.isDrill || !drill.drillReplayOf) return;
    if (!isOpen(drill.status)) {
      await cancelJobs(tx, clock, drill.teamId, drill.id, [DrillJobs.replay]);
      return;
    }
    const source = await incidentById(tx, drill.teamId, drill.drillReplayOf);
    const [original] = await tx
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.teamId, drill.teamId), eq(timelineEntries.id, Number(job.payload.entryId))));
    if (!source || !original || original.incidentId !== source.id) return;
    await recordFact(tx, clock, drill, BOT_ACTOR, {
      type: "replayed",
      data: {
        fromNumber: source.number,
        entryId: original.id,
        offsetMs: original.occurredAt.getTime() - source.declaredAt.getTime(),
        original: { type: original.type, actor: original.actor, occurredAt: original.occurredAt.toISOString(), data: original.data, text: original.text },
      },
      // One replayed moment per original fact, however often the job runs.
      sourceKey: `replay:${original.id}`,
      effects: [{ kind: "war_room" }],
    });
  };
  return { [DrillJobs.replay]: replay };
}
