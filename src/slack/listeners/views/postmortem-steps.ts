// The postmortem's first four steps (summary, root cause, reflections, timeline): each submission saves its
// sections, then shows the next step.
import type { PostmortemContent } from "../../../db/schema.js";
import { isKeyEvent } from "../../../postmortems/markdown.js";
import { savePostmortemSections } from "../../../postmortems/postmortems.js";
import { timelineOf } from "../../../timeline/append.js";
import { refusalText } from "../../blocks/answers.js";
import { PmBlocks, Views, whyBlock } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { field, incidentIdOf, plainForModal, typed, valuesOf, type Values } from "../forms.js";
import { postmortemStepView } from "../postmortem-flow.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

const clean = (values: Values, block: string) => typed(values, block).trim();

/** What each step saves, read from its fields. */
async function sectionsOf(deps: ListenerDeps, callbackId: string, values: Values, teamId: string, incidentId: number): Promise<{ patch: PostmortemContent; step: string }> {
  switch (callbackId) {
    case Views.pmSummary:
      return {
        step: "summary and impact",
        patch: { summary: clean(values, PmBlocks.summary), usersAffected: clean(values, PmBlocks.usersAffected), revenueImpact: clean(values, PmBlocks.revenue), servicesImpacted: clean(values, PmBlocks.services) },
      };
    case Views.pmCause:
      return { step: "root cause", patch: { whys: [1, 2, 3, 4, 5].map((n) => clean(values, whyBlock(n))) } };
    case Views.pmReflection:
      return {
        step: "reflections",
        patch: { wentWell: clean(values, PmBlocks.wentWell), couldImprove: clean(values, PmBlocks.couldImprove), lucky: clean(values, PmBlocks.lucky), lessons: clean(values, PmBlocks.lessons) },
      };
    default: {
      // Notes refer to entries by the number shown in the step, i.e. their place among the key events.
      const events = (await timelineOf(deps.db, teamId, incidentId)).filter(isKeyEvent).slice(0, 100);
      const entryNotes: Record<string, string> = {};
      for (const line of clean(values, PmBlocks.notes).split("\n")) {
        const m = /^\s*(\d+)[.):]?\s+(.+)$/.exec(line);
        const entry = m ? events[Number(m[1]) - 1] : undefined;
        if (entry) entryNotes[String(entry.id)] = m![2]!.trim();
      }
      const droppedEntries = (field(values, PmBlocks.dropped)?.selected_options ?? []).map((o) => Number(o.value)).filter((n) => Number.isSafeInteger(n));
      return { step: "timeline", patch: { droppedEntries, entryNotes } };
    }
  }
}

const nextStep: Record<string, string> = {
  [Views.pmSummary]: Views.pmCause,
  [Views.pmCause]: Views.pmReflection,
  [Views.pmReflection]: Views.pmTimeline,
  [Views.pmTimeline]: Views.pmActions,
};

const firstBlockOf: Record<string, string> = {
  [Views.pmSummary]: PmBlocks.summary,
  [Views.pmCause]: whyBlock(1),
  [Views.pmReflection]: PmBlocks.wentWell,
  [Views.pmTimeline]: PmBlocks.notes,
};

export const postmortemStepSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const callbackId = view.callback_id;
  const teamId = teamOf(body);
  const incidentId = incidentIdOf(view.private_metadata);
  const firstBlock = firstBlockOf[callbackId] ?? PmBlocks.summary;
  if (!incidentId) return showErrors(args, { [firstBlock]: "This form is out of date; run /incident postmortem again." });
  const { patch, step } = await sectionsOf(deps, callbackId, valuesOf(view), teamId, incidentId);
  if (callbackId === Views.pmSummary && (patch.summary?.split(/(?<=[.!?])\s+/).filter(Boolean).length ?? 0) > 5) {
    return showErrors(args, { [PmBlocks.summary]: "Keep the summary to 5 sentences; the details go in the next steps." });
  }
  const saved = await savePostmortemSections(deps, { teamId, incidentId }, body.user.id, patch, step);
  if (!saved.ok) return showErrors(args, { [firstBlock]: await plainForModal(deps.gateway, refusalText(saved.refusal, deps.clock.now())) });
  await args.ack({ response_action: "update", view: await postmortemStepView(deps, saved.incident, nextStep[callbackId]) });
};
