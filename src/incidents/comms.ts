// Comms beyond the internal update (post-update.ts): an executive summary (impact in business terms, ETA, asks),
// told where the executives are, and a customer-facing update, published on the public status page in the same
// transaction as its fact. Each is a comms_posted fact whose data says its audience.
import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { timelineEntries } from "../db/schema.js";
import {
  publicStateSchema,
  publishOnStatusPage,
  PUBLIC_SERVICES_MAX,
  PUBLIC_TEXT_MAX,
  PUBLIC_TITLE_MAX,
  SERVICE_NAME_MAX,
  type PublicState,
} from "../status-page/page.js";
import { changeIncidentIn, type IncidentContext, type Outcome } from "./change.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { appendToSearch } from "./search.js";

/** Who hears a piece of comms: the war room (the internal update), the executives, or customers (the status page). */
export const audiences = ["internal", "executive", "customer"] as const;
export type Audience = (typeof audiences)[number];

export const EXEC_FIELD_MAX = 1500;
export const ETA_MAX = 200;

interface ExecutiveSummary {
  impact: string;
  eta: string;
  asks: string;
  submissionKey?: string;
}

interface CustomerUpdate {
  title: string;
  state: PublicState;
  text: string;
  services: string[];
  submissionKey?: string;
}

/** The last internal update's words (the templates start from them), or undefined when none was posted. */
export async function lastInternalUpdate(db: DbOrTx, teamId: string, incidentId: number): Promise<{ impact: string; currentAction: string; nextUpdate: string | null } | undefined> {
  const [row] = await db
    .select({ data: timelineEntries.data })
    .from(timelineEntries)
    .where(and(eq(timelineEntries.teamId, teamId), eq(timelineEntries.incidentId, incidentId), eq(timelineEntries.type, "update_posted")))
    .orderBy(desc(timelineEntries.occurredAt), desc(timelineEntries.id))
    .limit(1);
  if (!row) return undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return { impact: str(row.data.impact), currentAction: str(row.data.currentAction), nextUpdate: str(row.data.nextUpdate) || null };
}

/** Posted in the exec channel (EXEC_CHANNEL, else the announcement channel) and noted in the war room. */
export function postExecutiveSummary(ctx: IncidentContext, ref: IncidentRef, userId: string, summary: ExecutiveSummary): Promise<Outcome> {
  return ctx.db.transaction((tx) =>
    changeIncidentIn(tx, ctx, ref, userId, (incident, now) => {
      if (!mayDo(incident, userId, ctx.admins, "post_update")) return refuse({ code: "not_allowed", action: "post_update", incident, permission: "post_update" });
      const impact = summary.impact.trim();
      const eta = summary.eta.trim();
      const asks = summary.asks.trim();
      if (!impact) return refuse({ code: "missing_text", what: "comms_text" });
      if (impact.length > EXEC_FIELD_MAX || asks.length > EXEC_FIELD_MAX || eta.length > ETA_MAX) return refuse({ code: "too_long", what: "executive summary", max: EXEC_FIELD_MAX });
      return {
        values: { lastUpdateAt: now, searchExtra: appendToSearch(`${impact} ${asks}`) },
        facts: [{ type: "comms_posted", data: { audience: "executive", impact, eta, asks }, sourceKey: summary.submissionKey, effects: [{ kind: "executive" }, { kind: "war_room" }] }],
        result: {},
      };
    }),
  );
}

/** Published on the status page (the incident becomes public with its first one) and quoted in the war room. */
export function publishCustomerUpdate(ctx: IncidentContext, ref: IncidentRef, userId: string, update: CustomerUpdate): Promise<Outcome> {
  return ctx.db.transaction(async (tx) => {
    const title = update.title.trim();
    const text = update.text.trim();
    const state = publicStateSchema.parse(update.state);
    const services = [...new Set(update.services.map((s) => s.trim()).filter(Boolean))];
    const outcome = await changeIncidentIn(tx, ctx, ref, userId, (incident, now) => {
      if (!mayDo(incident, userId, ctx.admins, "post_update")) return refuse({ code: "not_allowed", action: "post_update", incident, permission: "post_update" });
      if (!title) return refuse({ code: "missing_text", what: "comms_text" });
      if (!text) return refuse({ code: "missing_text", what: "comms_text" });
      if (title.length > PUBLIC_TITLE_MAX) return refuse({ code: "too_long", what: "public title", max: PUBLIC_TITLE_MAX });
      if (text.length > PUBLIC_TEXT_MAX) return refuse({ code: "too_long", what: "customer update", max: PUBLIC_TEXT_MAX });
      if (services.length > PUBLIC_SERVICES_MAX || services.some((s) => s.length > SERVICE_NAME_MAX)) return refuse({ code: "too_long", what: "list of services", max: PUBLIC_SERVICES_MAX });
      return {
        values: { lastUpdateAt: now, searchExtra: appendToSearch(text) },
        facts: [{ type: "comms_posted", data: { audience: "customer", title, state, text, services }, sourceKey: update.submissionKey, effects: [{ kind: "war_room" }] }],
        result: {},
      };
    });
    if (!outcome.ok || outcome.repeated) return outcome;
    const incident = outcome.incident;
    const [entry] = await tx
      .select({ id: timelineEntries.id, at: timelineEntries.occurredAt })
      .from(timelineEntries)
      .where(and(eq(timelineEntries.teamId, incident.teamId), eq(timelineEntries.incidentId, incident.id), eq(timelineEntries.type, "comms_posted")))
      .orderBy(desc(timelineEntries.id))
      .limit(1);
    await publishOnStatusPage(tx, { teamId: incident.teamId, incidentId: incident.id, incidentNumber: incident.number, title, state, text, services, at: entry!.at, by: userId, entryId: entry!.id });
    return outcome;
  });
}
