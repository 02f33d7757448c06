// The buttons on the war room's nudges: "I'll take Comms Lead / Scribe" (the clicker claims the open role),
// Escalate (pages the next level of the escalation policy, as the clicker) and Snooze. Each acts at once and
// answers only the clicker; a nudge clicked after the incident was resolved is politely refused.
import { z } from "zod";
import { assignRoles } from "../../../incidents/assign-roles.js";
import { escalateByHand, snoozeNudge } from "../../../incidents/nudges.js";
import { roleDefinitions, type Role } from "../../../incidents/roles.js";
import type { NudgeKind } from "../../../incidents/timers.js";
import { refusalText } from "../../blocks/answers.js";
import { mentionGroup, mentionUser } from "../../blocks/text.js";
import type { ListenerDeps } from "../deps.js";
import { idFromValue } from "../forms.js";
import { teamOf, tell, valueOf, type ActionArgs, type ActionHandler } from "./action-kit.js";

const incidentIdSchema = z.string().transform((v, ctx) => idFromValue(v) ?? (ctx.addIssue({ code: "custom", message: "not an incident id" }), z.NEVER));

/** The incident the nudge's button names, or undefined after telling the clicker it cannot tell. */
async function incidentOfClick(args: ActionArgs): Promise<{ teamId: string; incidentId: number } | undefined> {
  const parsed = incidentIdSchema.safeParse(valueOf(args.action));
  if (!parsed.success) {
    await tell(args, "I can't tell which incident this button is for.");
    return undefined;
  }
  return { teamId: teamOf(args.body), incidentId: parsed.data };
}

const claim =
  (role: Role): ActionHandler =>
  async (deps, args) => {
    await args.ack();
    const ref = await incidentOfClick(args);
    if (!ref) return;
    const userId = args.body.user.id;
    const outcome = await assignRoles(deps, ref, userId, { [role]: userId }, { claim: true });
    if (!outcome.ok) return tell(args, refusalText(outcome.refusal, deps.clock.now()));
    deps.deliverNow();
    const label = roleDefinitions[role].label;
    await tell(args, outcome.changed.length ? `You are now ${label} of incident #${outcome.incident.number}. Thank you!` : `You are already ${label} of incident #${outcome.incident.number}.`);
  };

export const claimCommsLead: ActionHandler = claim("comms_lead");
export const claimScribe: ActionHandler = claim("scribe");

export const escalateFromNudge: ActionHandler = async (deps, args) => {
  await args.ack();
  const ref = await incidentOfClick(args);
  if (!ref) return;
  const outcome = await escalateByHand(deps, ref, args.body.user.id);
  if (!outcome.ok) return tell(args, refusalText(outcome.refusal, deps.clock.now()));
  deps.deliverNow();
  const reach = [...outcome.users.map(mentionUser), ...outcome.groups.map(mentionGroup)].join(", ") || "nobody";
  await tell(args, `You escalated incident #${outcome.incident.number} to level ${outcome.level}: paged ${reach}.`);
};

const snooze =
  (kind: NudgeKind): ActionHandler =>
  async (deps: ListenerDeps, args) => {
    await args.ack();
    const ref = await incidentOfClick(args);
    if (!ref) return;
    const outcome = await snoozeNudge(deps, ref, args.body.user.id, kind);
    if (!outcome.ok) return tell(args, refusalText(outcome.refusal, deps.clock.now()));
    const what = kind === "unclaimed_roles" ? "ask about the open roles" : "suggest escalating";
    await tell(args, `Snoozed: I won't ${what} on incident #${outcome.incident.number} for ${outcome.minutes} minutes.`);
  };

export const snoozeUnclaimedRoles: ActionHandler = snooze("unclaimed_roles");
export const snoozeNoProgress: ActionHandler = snooze("no_progress");
