// Pure incident vocabulary: severities with their definitions and the statuses an incident moves through.
import { z } from "zod";

export const severities = ["sev1", "sev2", "sev3", "sev4"] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

export const severityDefinitions: Record<Severity, { label: string; definition: string }> = {
  sev1: { label: "SEV1", definition: "Complete outage, revenue impact or data loss risk" },
  sev2: { label: "SEV2", definition: "Major degradation, significant user impact" },
  sev3: { label: "SEV3", definition: "Minor degradation, a workaround exists" },
  sev4: { label: "SEV4", definition: "No user impact, internal issue" },
};

export const statuses = ["investigating", "identified", "monitoring", "resolved", "closed"] as const;
export const statusSchema = z.enum(statuses);
export type Status = z.infer<typeof statusSchema>;

export const statusLabels: Record<Status, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  closed: "Closed",
};

export const severityLabel = (s: Severity): string => severityDefinitions[s].label;

/** "1", "sev1", "SEV1" → sev1; undefined for anything else. */
export function severityFromWord(word: string): Severity | undefined {
  const m = /^(?:sev)?([1-4])$/i.exec(word.trim());
  return m ? severities[Number(m[1]) - 1] : undefined;
}

/** SEV1 and SEV2 incidents must have a postmortem; lesser ones may waive it. */
export const postmortemRequired = (severity: Severity): boolean => severity === "sev1" || severity === "sev2";

export const openStatuses = ["investigating", "identified", "monitoring"] as const satisfies readonly Status[];
export const isOpen = (s: Status): boolean => (openStatuses as readonly Status[]).includes(s);

/**
 * Why an incident was closed when it was not simply done. "declared_in_error": it should never have been declared
 * (a false alarm, a duplicate, a test); it may be closed from any status, stays on record, and the metrics leave it
 * out (counting it separately).
 */
export const closeReasons = ["declared_in_error"] as const;
export const closeReasonSchema = z.enum(closeReasons);
export type CloseReason = z.infer<typeof closeReasonSchema>;

/** How a status change was asked for: reopening is the only way back from resolved or closed. */
export type TransitionRoute = "status" | "resolve" | "close" | "close_in_error" | "reopen";

/** The statuses an incident may move to from `from` by the given route. */
export function allowedTransitions(from: Status, route: TransitionRoute = "status"): Status[] {
  switch (route) {
    case "reopen":
      return isOpen(from) ? [] : ["investigating"];
    case "close":
      return from === "resolved" ? ["closed"] : [];
    case "close_in_error":
      // A mistake need not be resolved first: that would make up a resolution that never happened.
      return from === "closed" ? [] : ["closed"];
    case "resolve":
      return isOpen(from) ? ["resolved"] : [];
    case "status":
      // Forward skips and steps back among the open statuses; resolving and closing have their own routes.
      return isOpen(from) ? openStatuses.filter((s) => s !== from) : [];
  }
}

/** Why a move is not allowed, and where the incident can go instead (by a status change). */
type TransitionCheck =
  | { ok: true }
  | { ok: false; why: "already" | "reopen_first" | "resolve_route" | "resolve_first" | "elsewhere"; canMoveTo: Status[] };

export function checkTransition(from: Status, to: Status, route: TransitionRoute = "status"): TransitionCheck {
  if (allowedTransitions(from, route).includes(to)) return { ok: true };
  const canMoveTo = allowedTransitions(from, "status");
  if (from === to) return { ok: false, why: "already", canMoveTo };
  if (!isOpen(from) && route !== "reopen") return { ok: false, why: "reopen_first", canMoveTo };
  if (to === "resolved") return { ok: false, why: "resolve_route", canMoveTo };
  if (to === "closed") return { ok: false, why: "resolve_first", canMoveTo };
  return { ok: false, why: "elsewhere", canMoveTo };
}

/** Milliseconds from declaration to each milestone, once reached. */
export function incidentDurations(times: {
  declaredAt: Date;
  acknowledgedAt?: Date | null;
  mitigatedAt?: Date | null;
  resolvedAt?: Date | null;
}): { toAcknowledge?: number; toMitigate?: number; toResolve?: number } {
  const since = (at?: Date | null) => (at ? at.getTime() - times.declaredAt.getTime() : undefined);
  return { toAcknowledge: since(times.acknowledgedAt), toMitigate: since(times.mitigatedAt), toResolve: since(times.resolvedAt) };
}

/** "1h 05m", "12m", "45s": how long something took, for people. */
export function humanDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  if (days) return `${days}d ${hours}h`;
  if (hours) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes) return `${minutes}m`;
  return `${totalSeconds}s`;
}
