// Which postmortem step a person sees next: the one asked for, else the first with nothing written yet.
import type { View } from "@slack/types";
import type { Incident } from "../../db/schema.js";
import { localDate } from "../../oncall/zoned-time.js";
import { isKeyEvent } from "../../postmortems/markdown.js";
import { actionItemsOf, postmortemOf } from "../../postmortems/postmortems.js";
import { timelineOf } from "../../timeline/append.js";
import { actionsStep, causeStep, reflectionStep, summaryStep, timelineStep } from "../blocks/postmortem-modals.js";
import { Views } from "../ids.js";
import type { ListenerDeps } from "./deps.js";

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
      return actionsStep(incident, (await actionItemsOf(deps.db, incident.teamId, incident.id)).length, localDate(deps.clock.now(), deps.businessTimeZone ?? "UTC"));
    default:
      return summaryStep(incident, c);
  }
}
