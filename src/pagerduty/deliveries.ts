// The PagerDuty surface: its alert follows the incident. Declaring (or reopening) triggers, acknowledging (or a
// status change that counts as one) acknowledges, resolving resolves; each action once per alert, through the
// outbox, in a lane of its own.
import { and, eq } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Tx } from "../db/client.js";
import { pagerdutyAlerts, type Incident, type OutboxItem, type PagerDutyAlert } from "../db/schema.js";
import { isOpen } from "../incidents/lifecycle.js";
import type { Logger } from "../log.js";
import { policyById, policyForServices } from "../oncall/directory.js";
import { Deliveries } from "../incidents/deliveries.js";
import { DeliveryDeferred, type Completion, type DeliveryAttempt, type DeliverySurface } from "../outbox/outbox.js";
import { timelineOf } from "../timeline/append.js";
import { toldFact, type OutsideListener, type ToldFact } from "../outside/fan-out.js";
import { classifyPagerDutyFailure, sendEvent } from "./client.js";
import { dedupKeyOf, followUpEvent, triggerEvent, type PagerDutyAction } from "./events.js";

export const PAGERDUTY_EVENT = "pagerduty.event";
const LANE = "pagerduty";

/** The facts that can move PagerDuty's alert. */
const triggering = new Set(["declared", "reopened"]);
const following = new Set(["acknowledged", "status_changed", "resolved", "closed"]);

export interface PagerDutyContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  eventsUrl: string;
  /** PAGERDUTY_ROUTING_KEY: for incidents whose escalation policy names no PagerDuty service of its own. */
  routingKey?: string;
  /** How long a call may take before we stop waiting (default 10 s). */
  timeoutMs?: number;
  /** How long to wait after a 429 (PagerDuty sends no Retry-After; it suggests about 30 s). */
  rateLimitedWaitMs?: number;
  /** How long a trigger may wait for the war room to exist, so the page links it (default 5 s). */
  warRoomWaitMs?: number;
}

const WAR_ROOM_POLL_MS = 200;

type AlertState = PagerDutyAlert["state"];

/** The state PagerDuty's alert should be in for the incident as it is now. */
function wantedState(incident: Incident): AlertState {
  if (!isOpen(incident.status)) return "resolved";
  return incident.acknowledgedAt ? "acknowledged" : "triggered";
}

/** The routing key of the policy that pages this incident (or would, for its services), else PAGERDUTY_ROUTING_KEY. */
async function routingKeyFor(ctx: PagerDutyContext, incident: Incident): Promise<string | undefined> {
  const policy = incident.escalationPolicyId
    ? await policyById(ctx.db, incident.teamId, incident.escalationPolicyId)
    : await policyForServices(ctx.db, incident.teamId, incident.affectedServices);
  return policy?.pagerdutyRoutingKey ?? ctx.routingKey;
}

async function alertOf(db: Db, incident: Incident): Promise<PagerDutyAlert | undefined> {
  const [row] = await db
    .select()
    .from(pagerdutyAlerts)
    .where(and(eq(pagerdutyAlerts.teamId, incident.teamId), eq(pagerdutyAlerts.incidentId, incident.id)));
  return row;
}

/** A plan: the events to send, in order, and what PagerDuty's alert is once they are in. */
interface Plan {
  routingKey: string;
  dedupKey: string;
  actions: PagerDutyAction[];
  state: AlertState;
}

/**
 * From what PagerDuty was last told to what the incident is now. Only a declaration or a reopening opens an alert:
 * an incident PagerDuty never heard of is not paged halfway through its life because a key was added since.
 */
function planFor(fact: ToldFact, alert: PagerDutyAlert | undefined, routingKey: string | undefined): Plan | undefined {
  const { incident, entry } = fact;
  const wanted = wantedState(incident);
  const alertOpen = alert && alert.state !== "resolved";
  if (!alertOpen) {
    if (!triggering.has(entry.type) || wanted === "resolved") return undefined;
    // A reopened incident's alert goes to the service its first alert went to.
    const key = alert?.routingKey ?? routingKey;
    if (!key) return undefined;
    return { routingKey: key, dedupKey: dedupKeyOf(incident), actions: wanted === "acknowledged" ? ["trigger", "acknowledge"] : ["trigger"], state: wanted };
  }
  const actions: PagerDutyAction[] =
    wanted === "resolved" ? ["resolve"] : wanted === "acknowledged" && alert.state === "triggered" ? ["acknowledge"] : [];
  if (actions.length === 0) return undefined;
  return { routingKey: alert.routingKey, dedupKey: alert.dedupKey, actions, state: wanted };
}

export function pagerDutyListener(ctx: PagerDutyContext): OutsideListener {
  return {
    name: "pagerduty",
    deliveriesFor: async ({ entry, incident }) => {
      if (!triggering.has(entry.type) && !following.has(entry.type)) return [];
      // No alert and no key: PagerDuty is not in use for this incident. (An alert still being triggered is found by
      // its key: the delivery, in order behind the trigger, decides what is left to send.)
      if (!(await routingKeyFor(ctx, incident)) && !(await alertOf(ctx.db, incident))) return [];
      return [{ kind: PAGERDUTY_EVENT, key: "pagerduty", lane: LANE }];
    },
  };
}

export function pagerDutySurface(ctx: PagerDutyContext): DeliverySurface {
  const timeoutMs = ctx.timeoutMs ?? 10_000;

  /**
   * Sends what the plan still needs. A retry after an answer was lost sends the same event again: PagerDuty
   * de-duplicates by dedup_key (a second trigger of an open alert only adds to its log), so the alert moves once.
   * Events already accepted in an earlier attempt of this delivery are not sent again.
   */
  async function deliver(item: OutboxItem, attempt: DeliveryAttempt): Promise<Completion> {
    const fact = await toldFact(ctx.db, item);
    const alert = await alertOf(ctx.db, fact.incident);
    const plan = planFor(fact, alert, alert ? undefined : await routingKeyFor(ctx, fact.incident));
    if (!plan) return;
    if (plan.actions.includes("trigger") && (await warRoomStillComing(fact))) throw new DeliveryDeferred(WAR_ROOM_POLL_MS);
    const accepted = new Set((item.progress.accepted as PagerDutyAction[] | undefined) ?? []);
    for (const action of plan.actions) {
      if (accepted.has(action)) continue;
      const event = action === "trigger" ? triggerEvent(fact.incident, plan.routingKey, fact.entry.occurredAt) : followUpEvent(action, plan.routingKey, plan.dedupKey);
      await sendEvent(ctx.eventsUrl, event, timeoutMs);
      accepted.add(action);
      if (action !== plan.actions.at(-1)) await attempt.remember({ accepted: [...accepted] });
    }
    ctx.logger.info({ incident: fact.incident.number, actions: plan.actions, fact: fact.entry.type }, "told PagerDuty");
    return (tx: Tx) => recordAlert(tx, ctx.clock, fact.incident, plan);
  }

  /**
   * The page links the war room, which Slack is usually making at this very moment: a trigger waits for it a few
   * seconds at most (warRoomWaitMs after the fact), never longer, and not at all once Slack would not make it.
   */
  async function warRoomStillComing({ incident, entry }: ToldFact): Promise<boolean> {
    if (incident.channelId) return false;
    if (ctx.clock.now().getTime() - entry.occurredAt.getTime() >= (ctx.warRoomWaitMs ?? 5000)) return false;
    const refused = (await timelineOf(ctx.db, incident.teamId, incident.id)).some(
      (e) => e.type === "delivery_failed" && (e.data as { kind?: unknown }).kind === Deliveries.createChannel,
    );
    return !refused;
  }

  return {
    name: "pagerduty",
    deliverers: { [PAGERDUTY_EVENT]: deliver },
    classifyFailure: classifyPagerDutyFailure(ctx.rateLimitedWaitMs ?? 30_000),
  };
}

async function recordAlert(tx: Tx, clock: Clock, incident: Incident, plan: Plan): Promise<void> {
  const values = { routingKey: plan.routingKey, dedupKey: plan.dedupKey, state: plan.state, updatedAt: clock.now() };
  await tx
    .insert(pagerdutyAlerts)
    .values({ teamId: incident.teamId, incidentId: incident.id, ...values })
    .onConflictDoUpdate({ target: [pagerdutyAlerts.teamId, pagerdutyAlerts.incidentId], set: values });
}
