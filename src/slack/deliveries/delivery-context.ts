// What every Slack delivery shares: the incident it is about, the gateway, and the two habits that make a
// retry safe (post once, treat "already so" as done).
import type { Clock } from "../../clock.js";
import type { Db } from "../../db/client.js";
import type { Incident, OutboxItem } from "../../db/schema.js";
import type { Severity } from "../../incidents/lifecycle.js";
import { incidentById } from "../../incidents/queries.js";
import type { Logger } from "../../log.js";
import { PermanentDeliveryError, uncertaintyResolved } from "../../outbox/outbox.js";
import { SlackCallError, type PostedAs, type SlackGateway, type SlackMessage } from "../gateway.js";
import { markedIfDrill } from "../blocks/drill.js";

export interface SlackDeliveryContext {
  db: Db;
  clock: Clock;
  gateway: SlackGateway;
  logger: Logger;
  botUserId: () => string | undefined;
  /** Where incidents of each severity are announced (INCIDENTS_CHANNEL, or INCIDENTS_CHANNEL_SEVn). */
  announcementChannels: Readonly<Record<Severity, string>>;
  /** EXEC_CHANNEL: where executive summaries go; unset, the announcement channel of the incident's severity. */
  execChannel?: string;
  /** Card and topic refreshes of one incident run at most once per this many ms; changes in between wait and coalesce. */
  refreshSettleMs?: number;
  /** Alert lines in one war room at most once per this many ms (default 3 s); alerts in between are told together. */
  alertLinesSettleMs?: number;
  /** A person's App Home is published at most once per this many ms (default 3 s); changes in between coalesce. */
  homeSettleMs?: number;
  /** The last 30 days in brief for the App Home (src/metrics/), one mrkdwn line each. */
  homeMetricsBrief?: (teamId: string, now: Date) => Promise<string[] | undefined>;
  /** Where the weekly report goes (INCIDENTS_CHANNEL). */
  reportChannel?: string;
  /** BUSINESS_TIMEZONE: the weekly report's days. */
  businessTimeZone?: string;
}

export async function incidentOf(ctx: SlackDeliveryContext, item: OutboxItem): Promise<Incident> {
  const incident = item.incidentId ? await incidentById(ctx.db, item.teamId, item.incidentId) : undefined;
  if (!incident) throw new PermanentDeliveryError(`incident ${item.incidentId} not found`);
  return incident;
}

export function requireChannel(incident: Incident): string {
  if (!incident.channelId) throw new PermanentDeliveryError(`incident #${incident.number} has no war-room channel`);
  return incident.channelId;
}

/**
 * Posts once: when an earlier attempt may have posted without learning it (a lost answer, a call cut off, a crash),
 * this one first looks for that message by its delivery key. The outbox holds such a retry back until a call
 * nobody heard back from has had time to land, so the look finds it. A message about a drill is marked DRILL here,
 * for every delivery at once.
 */
export async function postOnce(
  ctx: SlackDeliveryContext,
  item: Pick<OutboxItem, "uncertainSince" | "idempotencyKey"> & Partial<Pick<OutboxItem, "teamId" | "incidentId">>,
  channel: string,
  unmarked: SlackMessage,
  as?: PostedAs,
) {
  const message = item.incidentId && item.teamId ? markedIfDrill({ isDrill: await isDrill(ctx, item.teamId, item.incidentId) }, unmarked) : unmarked;
  if (item.uncertainSince) {
    const ts = await ctx.gateway.findDeliveredMessage(channel, item.idempotencyKey, item.uncertainSince);
    if (ts) return { ts, channel };
    // Not there: if this post is rate-limited next, its retry need not look again.
    uncertaintyResolved();
  }
  return ctx.gateway.postMessage(channel, message, item.idempotencyKey, as);
}

// Whether an incident is a drill never changes once declared, so it is remembered (per database) after one read.
const drillness = new WeakMap<Db, Map<number, boolean>>();
const DRILLNESS_REMEMBERED = 10_000;

export async function isDrill(ctx: Pick<SlackDeliveryContext, "db">, teamId: string, incidentId: number): Promise<boolean> {
  let known = drillness.get(ctx.db);
  if (!known) drillness.set(ctx.db, (known = new Map()));
  const remembered = known.get(incidentId);
  if (remembered !== undefined) return remembered;
  const incident = await incidentById(ctx.db, teamId, incidentId);
  if (!incident) return false;
  if (known.size >= DRILLNESS_REMEMBERED) known.clear();
  known.set(incidentId, incident.isDrill);
  return incident.isDrill;
}

/** Slack answers that mean the step is already in the state we want, or can never be: either way, done. */
export async function unlessSettled(ctx: SlackDeliveryContext, incident: Pick<Incident, "number">, step: string, work: () => Promise<unknown>, settled: string[]): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    if (error instanceof SlackCallError && !error.retryable && settled.includes(error.code)) {
      ctx.logger.info({ incident: incident.number, step, answer: error.code }, "war-room step already settled");
      return false;
    }
    throw error;
  }
}

/** Reading history to avoid a duplicate needs membership; posting alone does not (chat:write.public). */
export async function joinQuietly(ctx: SlackDeliveryContext, channel: string): Promise<void> {
  try {
    await ctx.gateway.joinChannel(channel);
  } catch (error) {
    if (error instanceof SlackCallError && error.retryable) throw error;
  }
}
