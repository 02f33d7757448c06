// The audit log's writes: who did what to which incident, schedule, token or alert source, and whether it was done
// or refused. A change's entry is written with the change's own transaction; a refusal changed nothing, so it is
// written on its own (or in the transaction that decided it, which commits nothing else).
import type { Clock } from "../clock.js";
import type { DbOrTx } from "../db/client.js";
import { auditEntries, type Incident } from "../db/schema.js";
import type { Refusal } from "../incidents/refusals.js";
import { storedActor } from "../timeline/actors.js";

/** What an entry is about. An incident's entries are also found by incident (`/incident audit #N`). */
export type AuditSubject =
  | { kind: "incident"; id: number; number?: number }
  | { kind: "schedule"; id?: number; name: string }
  | { kind: "cover"; id?: number; scheduleId?: number; name?: string }
  | { kind: "action_item"; id: number }
  | { kind: "escalation_policy"; id?: number; name: string }
  | { kind: "api_token"; id?: number; name: string }
  | { kind: "alert_source"; id?: number; name: string }
  | { kind: "playbook"; id?: number; name: string }
  /** A door that was knocked on without a valid key: the REST API or an alert webhook, by path. */
  | { kind: "endpoint"; name: string }
  /** A slash command that is not about one incident (`/incident audit`). */
  | { kind: "command"; name: string };

export interface AuditEntryInput {
  teamId: string;
  at: Date;
  /** As the timeline stores actors (timeline/actors.ts). */
  actor: string;
  action: string;
  subject: AuditSubject;
  details?: Record<string, unknown>;
}

export interface RefusalInput extends AuditEntryInput {
  /** Why, as a code a surface can word (`not_allowed`, `not_admin`, `bad_token`). */
  reason: string;
}

// The timeline keeps what people wrote in full; the audit log says who did what, so long text is cut here and the
// timeline entry it names has the rest.
const DETAIL_TEXT_MAX = 280;

/** Cut to `max` UTF-16 units, never between the halves of a surrogate pair: jsonb refuses a lone surrogate. */
function cutWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function shortened(value: unknown): unknown {
  if (typeof value === "string") return cutWhole(value, DETAIL_TEXT_MAX);
  if (Array.isArray(value)) return value.slice(0, 20).map(shortened);
  if (value && typeof value === "object" && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortened(v)]));
  return value;
}

function subjectColumns(subject: AuditSubject) {
  switch (subject.kind) {
    case "incident":
      return { subjectKind: subject.kind, subjectId: subject.id, subjectName: null, incidentId: subject.id, incidentNumber: subject.number ?? null };
    case "cover":
      return { subjectKind: subject.kind, subjectId: subject.id ?? null, subjectName: subject.name ?? null, incidentId: null, incidentNumber: null };
    case "action_item":
      return { subjectKind: subject.kind, subjectId: subject.id, subjectName: null, incidentId: null, incidentNumber: null };
    case "endpoint":
    case "command":
      return { subjectKind: subject.kind, subjectId: null, subjectName: subject.name, incidentId: null, incidentNumber: null };
    default:
      return { subjectKind: subject.kind, subjectId: subject.id ?? null, subjectName: subject.name, incidentId: null, incidentNumber: null };
  }
}

/** A change, recorded in the caller's transaction: it commits with the change or not at all. */
export async function auditChange(tx: DbOrTx, entry: AuditEntryInput): Promise<void> {
  await tx.insert(auditEntries).values({
    teamId: entry.teamId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    ...subjectColumns(entry.subject),
    result: "done",
    details: shortened(entry.details ?? {}) as Record<string, unknown>,
  });
}

/** A refusal: nothing changed, so there is no change to share a transaction with. */
export async function auditRefusal(db: DbOrTx, entry: RefusalInput): Promise<void> {
  await db.insert(auditEntries).values({
    teamId: entry.teamId,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    ...subjectColumns(entry.subject),
    result: "refused",
    reason: entry.reason,
    details: shortened(entry.details ?? {}) as Record<string, unknown>,
  });
}

export const incidentSubject = (incident: Pick<Incident, "id" | "number">): AuditSubject => ({ kind: "incident", id: incident.id, number: incident.number });

/** What the refused person was trying to do, as far as the refusal tells. */
export function attemptedAction(refusal: Refusal): string {
  switch (refusal.code) {
    case "not_allowed":
      return refusal.action;
    case "transition":
      return refusal.route === "status" ? "change_status" : refusal.route;
    case "already_resolved":
      return "resolve";
    case "missing_text":
      return { note: "note", waive_reason: "waive_postmortem", wont_do_reason: "change_action_item", resolution_summary: "resolve", comms_text: "post_update" }[refusal.what];
    case "still_open":
      return refusal.wanted;
    case "same_severity":
      return "change_severity";
    case "commander_required":
      return "assign_roles";
    case "no_action_item":
      return "change_action_item";
    case "role_taken":
      return "assign_roles";
    case "no_escalation_level":
      return "escalate";
    default:
      return refusal.code.startsWith("postmortem_") ? "postmortem" : "change_incident";
  }
}

/** The refusal's facts, without the incident row it carries (the entry names the incident). */
export function refusalDetails(refusal: Refusal): Record<string, unknown> {
  const { code: _code, ...rest } = refusal as Refusal & { incident?: Incident };
  const details: Record<string, unknown> = { ...rest };
  if ("incident" in details) {
    const incident = details.incident as Incident;
    delete details.incident;
    details.status = incident.status;
  }
  return details;
}

/**
 * A domain refusal about an incident, recorded for whoever was refused; about `asked` (what the request named) when
 * the refusal carries no incident (one that was not found).
 */
export async function auditIncidentRefusal(db: DbOrTx, clock: Clock, teamId: string, actor: string, asked: AuditSubject, refusal: Refusal): Promise<void> {
  const incident = "incident" in refusal ? refusal.incident : undefined;
  await auditRefusal(db, {
    teamId,
    at: clock.now(),
    actor,
    action: attemptedAction(refusal),
    subject: incident ? incidentSubject(incident) : asked,
    reason: refusal.code,
    details: refusalDetails(refusal),
  });
}

/** Who knocked with a token that opens nothing: no integration we know, so id 0 (see timeline/actors.ts). */
export const unknownCaller = (integration: "api_token" | "alert_source"): string => storedActor({ kind: "integration", integration, id: 0, name: "unrecognised" });

/**
 * A request to the REST API or an alert webhook whose token opens nothing (or that sent none). Only the path and
 * whether a token was sent are kept: never the token, which may be a real one sent to the wrong door.
 */
export async function auditUnknownCaller(
  db: DbOrTx,
  clock: Clock,
  knock: { teamId: string; integration: "api_token" | "alert_source"; method: string; path: string; tokenSent: boolean },
): Promise<void> {
  await auditRefusal(db, {
    teamId: knock.teamId,
    at: clock.now(),
    actor: unknownCaller(knock.integration),
    action: knock.integration === "api_token" ? "api_request" : "alert_webhook",
    subject: { kind: "endpoint", name: knock.path.slice(0, 200) },
    reason: knock.tokenSent ? "bad_token" : "no_token",
    details: { method: knock.method },
  });
}
