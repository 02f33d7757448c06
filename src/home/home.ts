// What one person's App Home shows, read for that person: their open incidents and the roles they hold in them,
// who is on call now and next on each schedule, and their open action items; each list bounded, with its full count.
import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { incidents, oncallSchedules, type Incident, type OncallSchedule } from "../db/schema.js";
import { openStatuses } from "../incidents/lifecycle.js";
import { roleHolder, roles, type Role } from "../incidents/roles.js";
import { onCallForEach } from "../oncall/directory.js";
import type { OnCallShift } from "../oncall/rotation.js";
import { listActionItemsCounted, type ListedActionItem } from "../postmortems/action-items.js";

/** How much of each list one Home holds; the renderer fits them in Block Kit's 100 blocks and says how many more. */
export const HomeLimits = { incidents: 10, schedules: 10, actionItems: 25 } as const;

export interface MyIncident {
  incident: Incident;
  /** The roles this person holds in it, commander first. */
  roles: Role[];
}

export interface OnCallRow {
  schedule: OncallSchedule;
  now?: OnCallShift;
  next?: OnCallShift;
}

export interface PersonalHome {
  userId: string;
  incidents: MyIncident[];
  incidentsTotal: number;
  onCall: OnCallRow[];
  schedulesTotal: number;
  actionItems: ListedActionItem[];
  actionItemsTotal: number;
}

/** Open incidents in which the person holds any role (one index per role column, see schema.ts). */
function holdsARole(userId: string) {
  return or(eq(incidents.commanderId, userId), eq(incidents.techLeadId, userId), eq(incidents.commsLeadId, userId), eq(incidents.scribeId, userId));
}

// Each list is one query: its first rows and, by a window count, how many there are in all.
const total = sql<number>`(count(*) over ())::int`;

async function myOpenIncidents(db: DbOrTx, teamId: string, userId: string): Promise<{ rows: MyIncident[]; total: number }> {
  const found = await db
    .select({ incident: incidents, total })
    .from(incidents)
    .where(and(eq(incidents.teamId, teamId), inArray(incidents.status, [...openStatuses]), holdsARole(userId)))
    // Most severe first, then the newest: what needs the person most comes first.
    .orderBy(asc(incidents.severity), desc(incidents.declaredAt))
    .limit(HomeLimits.incidents);
  const rows = found.map(({ incident }) => ({ incident, roles: roles.filter((role) => roleHolder(incident, role) === userId) }));
  return { rows, total: found[0]?.total ?? 0 };
}

async function onCallNow(db: DbOrTx, teamId: string, now: Date): Promise<{ rows: OnCallRow[]; total: number }> {
  const found = await db
    .select({ schedule: oncallSchedules, total })
    .from(oncallSchedules)
    .where(eq(oncallSchedules.teamId, teamId))
    .orderBy(asc(oncallSchedules.name))
    .limit(HomeLimits.schedules);
  const rows = await onCallForEach(db, teamId, found.map((f) => f.schedule), now);
  return { rows, total: found[0]?.total ?? 0 };
}

/** Everything one person's Home shows, as it is at `now`. */
export async function personalHome(db: DbOrTx, teamId: string, userId: string, now: Date): Promise<PersonalHome> {
  const [incidentList, onCall, items] = await Promise.all([
    myOpenIncidents(db, teamId, userId),
    onCallNow(db, teamId, now),
    listActionItemsCounted(db, teamId, { ownerId: userId, openOnly: true }, HomeLimits.actionItems),
  ]);
  return {
    userId,
    incidents: incidentList.rows,
    incidentsTotal: incidentList.total,
    onCall: onCall.rows,
    schedulesTotal: onCall.total,
    actionItems: items.items,
    actionItemsTotal: items.total,
  };
}
