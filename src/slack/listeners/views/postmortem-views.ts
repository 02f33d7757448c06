// The postmortem's steps and the action-item form: each submission saves, then shows the next step.
import type { App, BlockButtonAction, ViewOutput } from "@slack/bolt";
import type { View } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import type { PostmortemContent } from "../../../db/schema.js";
import { isKeyEvent } from "../../../postmortems/markdown.js";
import { actionItemsOf, addActionItem, savePostmortemSections, startPostmortem, type PostmortemOutcome } from "../../../postmortems/postmortems.js";
import { timelineOf } from "../../../timeline/append.js";
import { section } from "../../blocks/kit.js";
import { modal } from "../../blocks/modal.js";
import { ActionBlocks, ANOTHER_OPTION, PmBlocks, PostmortemActions, Views, inputAction, whyBlock } from "../../ids.js";
import { postmortemStepView } from "../commands/postmortem-commands.js";
import type { ListenerDeps } from "../deps.js";
import { incidentFromValue } from "../incident-ref.js";
import { asPlainText, slackProfile } from "../slack-profile.js";

type Values = ViewOutput["state"]["values"];
const field = (values: Values, block: string) => values[block]?.[inputAction(block)];
const typed = (values: Values, block: string) => (field(values, block)?.value ?? "").trim();
const metadataSchema = z.object({ incidentId: z.number().int().positive() });
/** The incident a postmortem form belongs to, from its private_metadata; undefined when it is unreadable. */
function incidentIdOf(privateMetadata: string): number | undefined {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(privateMetadata || "{}"));
    return parsed.success ? parsed.data.incidentId : undefined;
  } catch {
    return undefined;
  }
}
const outdated = { response_action: "errors" as const, errors: { [ActionBlocks.description]: "This form is out of date; run the command again." } };

function finishedView(incidentNumber: number, items: number): View {
  return modal({
    callbackId: "postmortem_done",
    title: "Postmortem saved",
    close: "Done",
    blocks: [
      section(
        `Everything is saved for incident #${incidentNumber}${items ? `, with ${items} action item${items === 1 ? "" : "s"}` : ""}.\n• Change anything: \`/incident postmortem #${incidentNumber}\`\n• Ask for review: \`/incident postmortem review #${incidentNumber}\`\n• Publish (the commander): \`/incident postmortem publish #${incidentNumber}\``,
      ),
    ],
  });
}

/** What each step saves, read from its fields. */
async function sectionsOf(deps: ListenerDeps, callbackId: string, values: Values, teamId: string, incidentId: number): Promise<{ patch: PostmortemContent; step: string }> {
  switch (callbackId) {
    case Views.pmSummary:
      return {
        step: "summary and impact",
        patch: { summary: typed(values, PmBlocks.summary), usersAffected: typed(values, PmBlocks.usersAffected), revenueImpact: typed(values, PmBlocks.revenue), servicesImpacted: typed(values, PmBlocks.services) },
      };
    case Views.pmCause:
      return { step: "root cause", patch: { whys: [1, 2, 3, 4, 5].map((n) => typed(values, whyBlock(n))) } };
    case Views.pmReflection:
      return {
        step: "reflections",
        patch: { wentWell: typed(values, PmBlocks.wentWell), couldImprove: typed(values, PmBlocks.couldImprove), lucky: typed(values, PmBlocks.lucky), lessons: typed(values, PmBlocks.lessons) },
      };
    default: {
      // Notes refer to entries by the number shown in the step, i.e. their place among the key events.
      const events = (await timelineOf(deps.db, teamId, incidentId)).filter(isKeyEvent).slice(0, 100);
      const entryNotes: Record<string, string> = {};
      for (const line of typed(values, PmBlocks.notes).split("\n")) {
        const m = /^\s*(\d+)[.):]?\s+(.+)$/.exec(line);
        const entry = m ? events[Number(m[1]) - 1] : undefined;
        if (entry) entryNotes[String(entry.id)] = m![2]!.trim();
      }
      const droppedEntries = (field(values, PmBlocks.dropped)?.selected_options ?? []).map((o) => Number(o.value));
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

export function registerPostmortemViews(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(PostmortemActions.start, async ({ ack, body, action, client, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const incident = await incidentFromValue(deps, teamId, action.value);
    const started = incident ? await startPostmortem(deps, { teamId, incidentId: incident.id }, body.user.id) : undefined;
    if (!started?.ok) {
      await respond({ response_type: "ephemeral", replace_original: false, text: started?.reason ?? "I can't find this incident any more." });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: await postmortemStepView(deps, started.incident) }).catch(async (error: unknown) => {
      deps.logger.warn({ err: error }, "could not open the postmortem");
      await respond({ response_type: "ephemeral", replace_original: false, text: "Slack did not let me open the postmortem in time. Please click again." });
    });
  });

  for (const callbackId of [Views.pmSummary, Views.pmCause, Views.pmReflection, Views.pmTimeline]) {
    app.view(callbackId, async ({ ack, body, view, client }) => {
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const incidentId = incidentIdOf(view.private_metadata);
      const firstBlock = callbackId === Views.pmSummary ? PmBlocks.summary : callbackId === Views.pmCause ? whyBlock(1) : callbackId === Views.pmReflection ? PmBlocks.wentWell : PmBlocks.notes;
      if (!incidentId) return void (await ack({ response_action: "errors", errors: { [firstBlock]: "This form is out of date; run /incident postmortem again." } }));
      const { patch, step } = await sectionsOf(deps, callbackId, view.state.values, teamId, incidentId);
      if (callbackId === Views.pmSummary && (patch.summary?.split(/(?<=[.!?])\s+/).filter(Boolean).length ?? 0) > 5) {
        return void (await ack({ response_action: "errors", errors: { [PmBlocks.summary]: "Keep the summary to 5 sentences; the details go in the next steps." } }));
      }
      const saved: PostmortemOutcome = await savePostmortemSections(deps, { teamId, incidentId }, body.user.id, patch, step);
      if (!saved.ok) return void (await ack({ response_action: "errors", errors: { [firstBlock]: await asPlainText(client, saved.reason) } }));
      await ack({ response_action: "update", view: await postmortemStepView(deps, saved.incident, nextStep[callbackId]) });
    });
  }

  const readActionItem = async (values: Values, client: WebClient) => {
    const ownerId = field(values, ActionBlocks.owner)?.selected_user ?? "";
    return {
      description: typed(values, ActionBlocks.description),
      ownerId,
      dueDate: field(values, ActionBlocks.due)?.selected_date ?? null,
      priority: field(values, ActionBlocks.priority)?.selected_option?.value ?? "medium",
      ownerTimeZone: ownerId ? (await slackProfile(client, ownerId)).timeZone : undefined,
    };
  };
  const actionErrors = (problems: Record<string, string>) => {
    const blockOf: Record<string, string> = { description: ActionBlocks.description, ownerId: ActionBlocks.owner, dueDate: ActionBlocks.due, priority: ActionBlocks.priority };
    return Object.fromEntries(Object.entries(problems).map(([k, v]) => [blockOf[k] ?? ActionBlocks.description, v]));
  };

  app.view(Views.pmActions, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const incidentId = incidentIdOf(view.private_metadata);
    if (!incidentId) return void (await ack(outdated));
    const item = await readActionItem(view.state.values, client);
    let incidentNumber = 0;
    if (item.description || item.ownerId) {
      const added = await addActionItem(deps, { teamId, incidentId }, body.user.id, item, `view:${view.id}:${view.hash}`);
      if (!added.ok) return void (await ack({ response_action: "errors", errors: actionErrors(added.problems) }));
      incidentNumber = added.incident.number;
      deps.deliverNow();
    }
    const incident = await incidentFromValue(deps, teamId, String(incidentId));
    if (!incident) return void (await ack());
    const another = field(view.state.values, ActionBlocks.another)?.selected_options?.some((o) => o.value === ANOTHER_OPTION);
    if (another) return void (await ack({ response_action: "update", view: await postmortemStepView(deps, incident, Views.pmActions) }));
    await ack({ response_action: "update", view: finishedView(incidentNumber || incident.number, (await actionItemsOf(deps.db, teamId, incident.id)).length) });
  });

  app.view(Views.actionItem, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const incidentId = incidentIdOf(view.private_metadata);
    if (!incidentId) return void (await ack(outdated));
    const added = await addActionItem(deps, { teamId, incidentId }, body.user.id, await readActionItem(view.state.values, client), `view:${view.id}`);
    if (!added.ok) return void (await ack({ response_action: "errors", errors: actionErrors(added.problems) }));
    deps.deliverNow();
    await ack();
  });
}
