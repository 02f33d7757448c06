// Finding past incidents: full-text search over titles, descriptions, services, resolutions and updates
// (PostgreSQL text search, weighted, ranked), with filters sev:1, service:checkout, status:resolved, and drill:yes or
// drill:only (drills are left out unless asked for).
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { incidents } from "../db/schema.js";
import { openStatuses, severities, statuses, type Severity, type Status } from "./lifecycle.js";

interface SearchQuery {
  words: string;
  severity?: Severity;
  service?: string;
  statuses?: readonly Status[];
  /** Drills: left out (the default), included (drill:yes) or the only ones (drill:only). */
  drills?: DrillFilter;
}

export const drillFilters = ["no", "yes", "only"] as const;
export type DrillFilter = (typeof drillFilters)[number];
const drillWords: Record<string, DrillFilter> = { no: "no", yes: "yes", only: "only", include: "yes", all: "yes" };

/** What was wrong with a search, for the surface to say: an unknown severity or status filter, or nothing to look for. */
type SearchProblem = { kind: "severity"; token: string } | { kind: "drill"; token: string } | { kind: "status"; token: string; known: readonly string[] } | { kind: "empty" };

type ParsedSearch = { ok: true; query: SearchQuery } | { ok: false; problem: SearchProblem };

const statusFilters: Record<string, readonly Status[]> = {
  open: openStatuses,
  resolved: ["resolved", "closed"],
  ...Object.fromEntries(statuses.map((s) => [s, [s]])),
};

/** "checkout 502 sev:1 status:resolved" → words and filters; unknown filters are named back to the person. */
export function parseSearch(text: string): ParsedSearch {
  const words: string[] = [];
  const query: SearchQuery = { words: "" };
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const filter = /^(sev|severity|service|status|drills?):(.+)$/i.exec(token);
    if (!filter) {
      words.push(token);
      continue;
    }
    const [, key, value] = filter as unknown as [string, string, string];
    if (key.toLowerCase().startsWith("sev")) {
      const sev = severities[Number(value.replace(/^sev/i, "")) - 1];
      if (!sev) return { ok: false, problem: { kind: "severity", token } };
      query.severity = sev;
    } else if (key.toLowerCase().startsWith("drill")) {
      const wanted = drillWords[value.toLowerCase()];
      if (!wanted) return { ok: false, problem: { kind: "drill", token } };
      query.drills = wanted;
    } else if (key.toLowerCase() === "service") {
      query.service = value.toLowerCase();
    } else {
      const wanted = statusFilters[value.toLowerCase()];
      if (!wanted) return { ok: false, problem: { kind: "status", token, known: statuses } };
      query.statuses = wanted;
    }
  }
  query.words = words.join(" ").slice(0, 500);
  if (!query.words && !query.severity && !query.service && !query.statuses && query.drills !== "only") {
    return { ok: false, problem: { kind: "empty" } };
  }
  return { ok: true, query };
}

export interface SearchHit {
  id: number;
  number: number;
  title: string;
  severity: Severity;
  status: Status;
  declaredAt: Date;
  channelId: string | null;
  isDrill: boolean;
  rank: number;
}

/** Best matches first (ties: newest first); with filters only, newest first. */
export async function searchIncidents(db: DbOrTx, teamId: string, query: SearchQuery, limit = 20): Promise<SearchHit[]> {
  const tsquery = sql`websearch_to_tsquery('english', ${query.words})`;
  const conditions: (SQL | undefined)[] = [
    eq(incidents.teamId, teamId),
    query.words ? sql`${incidents.searchVector} @@ ${tsquery}` : undefined,
    query.severity ? eq(incidents.severity, query.severity) : undefined,
    query.service ? sql`${incidents.affectedServices} @> ${JSON.stringify([query.service])}::jsonb` : undefined,
    query.statuses ? inArray(incidents.status, [...query.statuses]) : undefined,
    drillsWhere(query.drills),
  ];
  const rank = query.words ? sql<number>`ts_rank_cd(${incidents.searchVector}, ${tsquery})` : sql<number>`0::real`;
  return db
    .select({
      id: incidents.id,
      number: incidents.number,
      title: incidents.title,
      severity: incidents.severity,
      status: incidents.status,
      declaredAt: incidents.declaredAt,
      channelId: incidents.channelId,
      isDrill: incidents.isDrill,
      rank: rank.mapWith(Number),
    })
    .from(incidents)
    .where(and(...conditions))
    .orderBy(...(query.words ? [desc(rank)] : []), desc(incidents.number))
    .limit(limit);
}

/** Adds text (an update, a status message) to what search looks at, in the caller's transaction. */
export const appendToSearch = (text: string): SQL => sql`right(${incidents.searchExtra} || ' ' || ${text}, 200000)`;

/** Drills are practice: left out unless asked for (`yes` with the rest, `only` alone). */
export function drillsWhere(drills: DrillFilter | undefined): SQL | undefined {
  return drills === "yes" ? undefined : eq(incidents.isDrill, drills === "only");
}
