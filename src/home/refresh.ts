// When a person's App Home must be shown again, and to whom: on opening it, and when something on it changes for
// them (an incident they hold a role in, an action item of theirs, an on-call schedule they are on). Only people who
// have opened the Home at least once (per workspace) are refreshed. The refresh is named in the outbox, in the
// transaction of the change, and coalesces per person; the surface renders it from the state at delivery time.
import { and, eq, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { actionItems, homeViewers, type Incident, type OncallSchedule } from "../db/schema.js";
import { roleHolder, roles } from "../incidents/roles.js";
import { enqueue, type NewOutboxItem } from "../outbox/outbox.js";

export const HomeDeliveries = {
  /** Show one person's Home again, as it is when delivered. */
  refresh: "person.refresh_home",
} as const;

// Below every incident's own deliveries (1–5): a Home waits while war rooms are set up in a storm.
const HOME_PRIORITY = 8;

const subjectOf = (userId: string) => `home:${userId}`;

/** One refresh of one person's Home; `cause` makes the key (the same cause names it once). */
export function homeRefresh(teamId: string, userId: string, cause: string): NewOutboxItem {
  return {
    teamId,
    kind: HomeDeliveries.refresh,
    idempotencyKey: `home:${userId}:${cause}`,
    payload: { userId },
    coalesce: true,
    subject: subjectOf(userId),
    priority: HOME_PRIORITY,
  };
}

/**
 * A person opened the Home: remember that they look at it (so changes refresh it from now on) and show it.
 * `eventId` is Slack's event id: a retried event names the same refresh.
 */
export async function homeOpened(db: Db, clock: Clock, teamId: string, userId: string, eventId: string): Promise<void> {
  const now = clock.now();
  await db.transaction(async (tx) => {
    await tx
      .insert(homeViewers)
      .values({ teamId, userId, firstOpenedAt: now, lastOpenedAt: now })
      .onConflictDoUpdate({ target: [homeViewers.teamId, homeViewers.userId], set: { lastOpenedAt: now } });
    await enqueue(tx, clock, [homeRefresh(teamId, userId, `opened:${eventId}`)]);
  });
}

/** Shows the person's Home again as it is now (a click found it out of date); nothing else changed. */
export async function showHomeAgain(db: Db, clock: Clock, teamId: string, userId: string, cause: string): Promise<void> {
  await db.transaction((tx) => enqueue(tx, clock, [homeRefresh(teamId, userId, cause)]));
}

/** Refreshes the Homes of those of `userIds` who have opened theirs, inside the caller's transaction. */
export async function refreshHomesOf(tx: Tx, clock: Clock, teamId: string, userIds: Iterable<string>, cause: string): Promise<void> {
  const wanted = [...new Set(userIds)].filter((id) => /^[UW][A-Z0-9_]+$/.test(id));
  if (wanted.length === 0) return;
  const viewers = await tx
    .select({ userId: homeViewers.userId })
    .from(homeViewers)
    .where(and(eq(homeViewers.teamId, teamId), inArray(homeViewers.userId, wanted)));
  if (viewers.length) await enqueue(tx, clock, viewers.map((v) => homeRefresh(teamId, v.userId, cause)));
}

/** Facts that change what a Home shows: an incident's place in its people's lists, or an action item's. */
const incidentFacts = new Set(["declared", "channel_created", "war_room_continued", "status_changed", "severity_changed", "role_assigned", "resolved", "closed", "reopened"]);
const actionItemFacts = new Set(["action_item_added", "action_item_changed"]);

const people = (data: Record<string, unknown>, keys: string[]) => keys.map((k) => data[k]).filter((v): v is string => typeof v === "string");

/**
 * Called by recordFact for every fact: an incident fact refreshes its role holders' Homes (and anyone it took a
 * role from); an action-item fact refreshes its owner's (and the previous owner's, on a reassignment).
 */
export async function refreshHomesAfterFact(tx: Tx, clock: Clock, incident: Incident, fact: { type: string; data: Record<string, unknown> }, entryId: number): Promise<void> {
  if (incidentFacts.has(fact.type)) {
    const holders = roles.map((role) => roleHolder(incident, role)).filter((id): id is string => Boolean(id));
    await refreshHomesOf(tx, clock, incident.teamId, [...holders, ...people(fact.data, ["previous", "userId", "commanderId"])], `entry:${entryId}`);
    return;
  }
  if (!actionItemFacts.has(fact.type)) return;
  const concerned = people(fact.data, ["ownerId", "previousOwnerId"]);
  const itemId = Number(fact.data.actionItemId);
  if (Number.isSafeInteger(itemId)) {
    const [item] = await tx.select({ ownerId: actionItems.ownerId }).from(actionItems).where(and(eq(actionItems.teamId, incident.teamId), eq(actionItems.id, itemId)));
    if (item) concerned.push(item.ownerId);
  }
  await refreshHomesOf(tx, clock, incident.teamId, concerned, `entry:${entryId}`);
}

/**
 * An on-call schedule changed (made, edited, covered): who is on call shows on everyone's Home, but it changes for
 * the people on the schedule (before and after the change) and the cover; they are refreshed now, everyone else
 * sees it the next time they open the Home (Slack sends app_home_opened each time, and the Home is published then).
 */
export async function refreshHomesAfterScheduleChange(
  tx: Tx,
  clock: Clock,
  schedule: Pick<OncallSchedule, "teamId" | "id" | "members">,
  also: { previousMembers?: string[]; userIds?: string[] },
  cause: string,
): Promise<void> {
  await refreshHomesOf(tx, clock, schedule.teamId, [...schedule.members, ...(also.previousMembers ?? []), ...(also.userIds ?? [])], `schedule:${schedule.id}:${cause}`);
}
