// What a committed incident fact means to the operator's counters: declared, acknowledged, resolved, by severity
// and by who did it (a person, the REST API, an alert source), with how long it took. Pure.
import type { Incident, TimelineEntry } from "../db/schema.js";
import { severitySchema, type Severity } from "../incidents/lifecycle.js";
import { actorOf } from "../timeline/actors.js";

/** Who a fact came from, as a bounded label. */
export type FactSource = "person" | "api" | "alert" | "warroom" | "integration";

export interface CountedFact {
  declared?: { severity: Severity; source: FactSource };
  acknowledged?: { severity: Severity; source: FactSource; afterSeconds: number };
  resolved?: { severity: Severity; source: FactSource; afterSeconds: number };
}

export function factSource(actor: string): FactSource {
  const who = actorOf(actor);
  if (who.kind !== "integration") return who.kind;
  if (who.integration === "api_token") return "api";
  if (who.integration === "alert_source") return "alert";
  return "integration";
}

// A status change or a resolution by someone who had not acknowledged yet is their acknowledgement too
// (incidents/change.ts acknowledgedBy): the incident's acknowledgedAt is then the fact's own time.
const mayAcknowledge = new Set(["acknowledged", "status_changed", "resolved"]);

/**
 * The counts a fact adds. Severity is the one the declare chose for `declared`; for the others the incident's as it
 * is when the fact is counted (moments after it committed).
 */
export function countedFact(entry: Pick<TimelineEntry, "type" | "actor" | "occurredAt" | "data">, incident: Pick<Incident, "severity" | "declaredAt" | "acknowledgedAt" | "acknowledgedBy">): CountedFact {
  const source = factSource(entry.actor);
  const sinceDeclared = Math.max(0, (entry.occurredAt.getTime() - incident.declaredAt.getTime()) / 1000);
  const counted: CountedFact = {};
  if (entry.type === "declared") {
    const declaredAs = severitySchema.safeParse((entry.data as { severity?: unknown }).severity);
    counted.declared = { severity: declaredAs.success ? declaredAs.data : incident.severity, source };
  }
  const acknowledgedHere =
    entry.type === "acknowledged" ||
    (mayAcknowledge.has(entry.type) && incident.acknowledgedAt?.getTime() === entry.occurredAt.getTime() && incident.acknowledgedBy === entry.actor);
  if (acknowledgedHere) counted.acknowledged = { severity: incident.severity, source, afterSeconds: sinceDeclared };
  if (entry.type === "resolved") counted.resolved = { severity: incident.severity, source, afterSeconds: sinceDeclared };
  return counted;
}
