// /incident postmortem [review|publish|waive|export] and /incident action(s): the learning part of an incident.
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Incident } from "../../../db/schema.js";
import { listActionItems } from "../../../postmortems/action-items.js";
import { isKeyEvent } from "../../../postmortems/markdown.js";
import {
  actionItemsOf,
  changeActionItem,
  postmortemOf,
  publishPostmortem,
  startPostmortem,
  submitForReview,
  waivePostmortem,
  type ActionItemChange,
} from "../../../postmortems/postmortems.js";
import { timelineOf } from "../../../timeline/append.js";
import { actionItemList } from "../../blocks/action-items.js";
import { actionItemModal, actionsStep, causeStep, reflectionStep, summaryStep, timelineStep } from "../../blocks/postmortem-modals.js";
import { markdownSnippet } from "../../blocks/postmortem-messages.js";
import { Views } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { namesOf } from "../slack-profile.js";
import { incidentFor } from "../incident-ref.js";
import { todayIn } from "./oncall-commands.js";
import type { SubcommandRequest, SubcommandResult } from "./war-room-commands.js";

const say = (text: string): SubcommandResult => ({ answer: { text } });

/** The postmortem step to show: the requested one, else the first with nothing written yet. */
export async function postmortemStepView(deps: ListenerDeps, incident: Incident, callbackId?: string): Promise<View> {
  const pm = await postmortemOf(deps.db, incident);
  const c = pm.content;
  const next =
    callbackId ??
    (!c.summary ? Views.pmSummary : !(c.whys ?? []).some(Boolean) ? Views.pmCause : !c.lessons && !c.wentWell ? Views.pmReflection : Views.pmSummary);
  switch (next) {
    case Views.pmCause:
      return causeStep(incident, c);
    case Views.pmReflection:
      return reflectionStep(incident, c);
    case Views.pmTimeline:
      return timelineStep(incident, c, (await timelineOf(deps.db, incident.teamId, incident.id)).filter(isKeyEvent));
    case Views.pmActions:
      return actionsStep(incident, (await actionItemsOf(deps.db, incident.teamId, incident.id)).length, todayIn(deps.businessTimeZone ?? "UTC", deps.clock.now()));
    default:
      return summaryStep(incident, c);
  }
}

const verbs = new Set(["review", "publish", "waive", "export"]);

export async function postmortem(deps: ListenerDeps, request: SubcommandRequest, client: WebClient): Promise<SubcommandResult> {
  const words = request.args.trim().split(/\s+/).filter(Boolean);
  const verb = verbs.has(words[0]?.toLowerCase() ?? "") ? words.shift()!.toLowerCase() : "";
  const found = await incidentFor(deps, request.teamId, request.channelId, words.join(" "), `/incident postmortem ${verb ? `${verb} ` : ""}#12`);
  if (!found.ok) return say(found.reason);
  const { incident, rest } = found;
  const ref = { teamId: request.teamId, incidentId: incident.id };
  const answer = (outcome: { ok: true; reply?: string } | { ok: false; reason: string }) => {
    if (outcome.ok) deps.deliverNow();
    return say(outcome.ok ? (outcome.reply ?? "Done.") : outcome.reason);
  };
  switch (verb) {
    case "review":
      return answer(await submitForReview(deps, ref, request.userId));
    case "waive":
      return answer(await waivePostmortem(deps, ref, request.userId, rest));
    case "publish": {
      const timeline = await timelineOf(deps.db, incident.teamId, incident.id);
      const items = await actionItemsOf(deps.db, incident.teamId, incident.id);
      const pm = await postmortemOf(deps.db, incident);
      const mentioned = timeline.flatMap((e) => [e.actor, ...[...e.text.matchAll(/<@([UW][A-Z0-9_]+)/g)].map((m) => m[1]!)]);
      const names = await namesOf(client, [...mentioned, ...items.map((i) => i.ownerId), incident.commanderId, pm.authorId ?? ""]);
      return answer(await publishPostmortem(deps, ref, request.userId, names));
    }
    case "export": {
      const pm = await postmortemOf(deps.db, incident);
      if (!pm.markdown) return say(`The postmortem of incident #${incident.number} is ${pm.status.replace("_", " ")}; it can be exported once published.`);
      return { answer: markdownSnippet(incident.number, pm.markdown) };
    }
    default: {
      const started = await startPostmortem(deps, ref, request.userId);
      if (!started.ok) return say(started.reason);
      return { modal: await postmortemStepView(deps, started.incident) };
    }
  }
}

const itemChanges: Record<string, (reason: string) => ActionItemChange> = {
  done: () => ({ kind: "status", status: "done" }),
  start: () => ({ kind: "status", status: "in_progress" }),
  reopen: () => ({ kind: "status", status: "open" }),
  wontdo: (reason) => ({ kind: "wont_do", reason }),
  snooze: () => ({ kind: "snooze", days: 7 }),
};

export async function action(deps: ListenerDeps, request: SubcommandRequest): Promise<SubcommandResult> {
  const words = request.args.trim().split(/\s+/).filter(Boolean);
  const verb = words.shift()?.toLowerCase() ?? "";
  const change = itemChanges[verb.replace(/[^a-z]/g, "")];
  if (change) {
    const id = Number(words.shift()?.replace(/^#/, ""));
    if (!Number.isSafeInteger(id) || id <= 0) return say(`Name the item by its number: \`/incident action ${verb} 7\` (\`/incident actions mine\` shows the numbers).`);
    const outcome = await changeActionItem(deps, request.teamId, id, request.userId, change(words.join(" ")));
    if (outcome.ok) deps.deliverNow();
    return say(outcome.ok ? outcome.reply : outcome.reason);
  }
  if (verb !== "add") {
    return say("`/incident action add [#12] <what>` adds an action item; `/incident action done|start|snooze|wontdo <number> [reason]` changes one.");
  }
  const found = await incidentFor(deps, request.teamId, request.channelId, words.join(" "), "/incident action add #12 <what>");
  if (!found.ok) return say(found.reason);
  return { modal: actionItemModal(found.incident, found.rest, request.userId, todayIn(deps.businessTimeZone ?? "UTC", deps.clock.now())) };
}

export async function actions(deps: ListenerDeps, request: SubcommandRequest): Promise<SubcommandResult> {
  const arg = request.args.trim().toLowerCase();
  const today = todayIn(deps.businessTimeZone ?? "UTC", deps.clock.now());
  if (arg === "" || arg === "mine") {
    return { answer: actionItemList("Your open action items", await listActionItems(deps.db, request.teamId, { ownerId: request.userId, openOnly: true }), today) };
  }
  if (arg === "overdue") {
    return { answer: actionItemList("Overdue action items", await listActionItems(deps.db, request.teamId, { overdueOn: today }), today) };
  }
  const found = await incidentFor(deps, request.teamId, request.channelId, request.args, "/incident actions #12");
  if (!found.ok) return say(found.reason);
  return { answer: actionItemList(`Action items of incident #${found.incident.number}`, await listActionItems(deps.db, request.teamId, { incidentId: found.incident.id }), today) };
}
