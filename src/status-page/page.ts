// The public status page's data: what people explicitly published there (and nothing else), written with the
// incident's comms_posted fact, and read back as the page, its JSON and its feed. No Slack, no internal text.
import { and, desc, eq, gte, max, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx, Tx } from "../db/client.js";
import { statusPageIncidents, statusPageUpdates } from "../db/schema.js";
import { statusLabels, type Status } from "../incidents/lifecycle.js";

/** What customers are told an incident is doing: the incident's own statuses, short of closing it. */
export const publicStates = ["investigating", "identified", "monitoring", "resolved"] as const satisfies readonly Status[];
export const publicStateSchema = z.enum(publicStates);
export type PublicState = z.infer<typeof publicStateSchema>;
export const publicStateLabels = Object.fromEntries(publicStates.map((state) => [state, statusLabels[state]])) as Record<PublicState, string>;

/** How far back the page's history reaches, and how many past incidents it lists at most. */
export const HISTORY_DAYS = 90;
export const HISTORY_MAX_INCIDENTS = 200;
export const PUBLIC_TITLE_MAX = 150;
export const PUBLIC_TEXT_MAX = 2000;
export const PUBLIC_SERVICES_MAX = 20;
export const SERVICE_NAME_MAX = 80;

export interface Publication {
  teamId: string;
  incidentId: number;
  incidentNumber: number;
  title: string;
  state: PublicState;
  text: string;
  services: string[];
  at: Date;
  by: string;
  entryId: number;
}

/** Records a publication in the caller's transaction (the one that records its fact). */
export async function publishOnStatusPage(tx: Tx, p: Publication): Promise<void> {
  await tx.insert(statusPageUpdates).values({ teamId: p.teamId, incidentId: p.incidentId, state: p.state, text: p.text, publishedAt: p.at, publishedBy: p.by, entryId: p.entryId });
  await tx
    .insert(statusPageIncidents)
    .values({ teamId: p.teamId, incidentId: p.incidentId, incidentNumber: p.incidentNumber, title: p.title, state: p.state, services: p.services, firstPublishedAt: p.at, lastPublishedAt: p.at })
    .onConflictDoUpdate({
      target: [statusPageIncidents.teamId, statusPageIncidents.incidentId],
      set: { title: p.title, state: p.state, services: p.services, lastPublishedAt: p.at },
    });
}

/** What the page says about an incident now (its public title, state and services), or undefined when it is not public. */
export async function publicFace(db: DbOrTx, teamId: string, incidentId: number): Promise<{ title: string; state: PublicState; services: string[] } | undefined> {
  const [row] = await db
    .select({ title: statusPageIncidents.title, state: statusPageIncidents.state, services: statusPageIncidents.services })
    .from(statusPageIncidents)
    .where(and(eq(statusPageIncidents.teamId, teamId), eq(statusPageIncidents.incidentId, incidentId)));
  return row ? { ...row, state: publicStateSchema.catch("investigating").parse(row.state) } : undefined;
}

// The page as JSON (GET /status.json): this schema builds it and documents it (README "Status page").
const isoTime = z.string().meta({ description: "ISO 8601 time, UTC" });
export const statusPageUpdateSchema = z.object({
  id: z.number().int(),
  state: publicStateSchema,
  text: z.string(),
  publishedAt: isoTime,
});
export const statusPageIncidentSchema = z.object({
  number: z.number().int().meta({ description: "The incident's number (stable; used in the page's anchors #incident-N)" }),
  title: z.string().meta({ description: "The title as published to the status page (not the internal one)" }),
  state: publicStateSchema,
  services: z.array(z.string()),
  startedAt: isoTime.meta({ description: "When it was first published" }),
  updatedAt: isoTime,
  resolvedAt: isoTime.nullable(),
  updates: z.array(statusPageUpdateSchema).meta({ description: "Newest first" }),
});
export const statusPageSchema = z.object({
  title: z.string(),
  status: z.enum(["operational", "disrupted"]).meta({ description: "disrupted while any public incident is open" }),
  updatedAt: isoTime.nullable().meta({ description: "The latest publication, or null when nothing was ever published" }),
  services: z.array(z.object({ name: z.string(), status: z.enum(["operational", "disrupted"]) })),
  incidents: z.array(statusPageIncidentSchema).meta({ description: "Open public incidents, newest first" }),
  history: z.array(statusPageIncidentSchema).meta({ description: `Public incidents resolved within ${HISTORY_DAYS} days, newest first` }),
});
export type StatusPage = z.infer<typeof statusPageSchema>;
export type StatusPageIncidentView = z.infer<typeof statusPageIncidentSchema>;

export interface StatusPageQuery {
  teamId: string;
  title: string;
  /** STATUS_PAGE_SERVICES: always listed, operational unless an open public incident names them. */
  services: readonly string[];
  now: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the page depends on: its newest publication (every change to the page is one) and the day, since the
 * history window moves a day at a time. Equal versions mean equal pages, so a rendered page can be served again.
 */
export async function statusPageVersion(db: DbOrTx, teamId: string, now: Date): Promise<string> {
  const [row] = await db.select({ id: max(statusPageUpdates.id) }).from(statusPageUpdates).where(eq(statusPageUpdates.teamId, teamId));
  return `${row?.id ?? 0}:${Math.floor(now.getTime() / DAY_MS)}`;
}

export async function statusPageOf(db: DbOrTx, q: StatusPageQuery): Promise<StatusPage> {
  // From the start of the day HISTORY_DAYS ago (UTC), so the page changes with the day, not with every request.
  const since = new Date((Math.floor(q.now.getTime() / DAY_MS) - HISTORY_DAYS) * DAY_MS);
  const columns = {
    incidentId: statusPageIncidents.incidentId,
    number: statusPageIncidents.incidentNumber,
    title: statusPageIncidents.title,
    state: statusPageIncidents.state,
    services: statusPageIncidents.services,
    firstPublishedAt: statusPageIncidents.firstPublishedAt,
    lastPublishedAt: statusPageIncidents.lastPublishedAt,
  };
  const joined = () => db.select(columns).from(statusPageIncidents);
  const [open, past] = await Promise.all([
    joined()
      .where(and(eq(statusPageIncidents.teamId, q.teamId), ne(statusPageIncidents.state, "resolved")))
      .orderBy(desc(statusPageIncidents.lastPublishedAt)),
    joined()
      .where(and(eq(statusPageIncidents.teamId, q.teamId), gte(statusPageIncidents.lastPublishedAt, since), eq(statusPageIncidents.state, "resolved")))
      .orderBy(desc(statusPageIncidents.lastPublishedAt))
      .limit(HISTORY_MAX_INCIDENTS),
  ]);
  const ids = [...open, ...past].map((r) => r.incidentId);
  // As one array parameter: a list of hundreds of parameters costs more to plan than to run.
  const updates = ids.length
    ? await db
        .select({ id: statusPageUpdates.id, incidentId: statusPageUpdates.incidentId, state: statusPageUpdates.state, text: statusPageUpdates.text, publishedAt: statusPageUpdates.publishedAt })
        .from(statusPageUpdates)
        .where(and(eq(statusPageUpdates.teamId, q.teamId), sql`${statusPageUpdates.incidentId} = any(${`{${ids.join(",")}}`}::bigint[])`))
        .orderBy(desc(statusPageUpdates.publishedAt), desc(statusPageUpdates.id))
    : [];
  const byIncident = new Map<number, StatusPage["incidents"][number]["updates"]>();
  for (const u of updates) {
    const list = byIncident.get(u.incidentId) ?? [];
    list.push({ id: u.id, state: stateOf(u.state), text: u.text, publishedAt: u.publishedAt.toISOString() });
    byIncident.set(u.incidentId, list);
  }
  const view = (r: (typeof open)[number]): StatusPageIncidentView => {
    const state = stateOf(r.state);
    return {
      number: r.number,
      title: r.title,
      state,
      services: r.services,
      startedAt: r.firstPublishedAt.toISOString(),
      updatedAt: r.lastPublishedAt.toISOString(),
      resolvedAt: state === "resolved" ? r.lastPublishedAt.toISOString() : null,
      updates: byIncident.get(r.incidentId) ?? [],
    };
  };
  const openViews = open.map(view);
  const disrupted = new Set(openViews.flatMap((i) => i.services));
  const names = [...new Set([...q.services, ...disrupted])];
  const latest = [...open, ...past].reduce<Date | undefined>((a, r) => (!a || r.lastPublishedAt > a ? r.lastPublishedAt : a), undefined);
  return statusPageSchema.parse({
    title: q.title,
    status: openViews.length ? "disrupted" : "operational",
    updatedAt: latest?.toISOString() ?? null,
    services: names.map((name) => ({ name, status: disrupted.has(name) ? "disrupted" : "operational" })),
    incidents: openViews,
    history: past.map(view),
  });
}

const stateOf = (s: string): PublicState => publicStateSchema.catch("investigating").parse(s);
