// The postmortem, written in five short steps (no modal is a wall): each step saves, then shows the next.
import type { View } from "@slack/types";
import type { Incident, PostmortemContent, TimelineEntry } from "../../db/schema.js";
import { ActionBlocks, ANOTHER_OPTION, PmBlocks, Views, inputAction, whyBlock } from "../ids.js";
import { modal } from "./modal.js";
import { describeEntry } from "../../timeline/describe.js";
import { phraseToPlain } from "../../timeline/phrase.js";
import { truncate } from "./text.js";
import { context, plainText as plain } from "./kit.js";


function textInput(blockId: string, label: string, value: string | undefined, opts: { max: number; multiline?: boolean; optional?: boolean; hint?: string; placeholder?: string }) {
  return {
    type: "input",
    block_id: blockId,
    optional: opts.optional ?? true,
    label: plain(label),
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
    element: {
      type: "plain_text_input",
      action_id: inputAction(blockId),
      multiline: opts.multiline ?? true,
      max_length: opts.max,
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder) } : {}),
      ...(value ? { initial_value: truncate(value, opts.max) } : {}),
    },
  };
}


function step(callbackId: string, n: number, incident: Incident, blocks: unknown[], submit = "Save & next"): View {
  return modal({
    callbackId,
    privateMetadata: { incidentId: incident.id },
    title: `Postmortem ${n}/5`,
    submit,
    close: "Close",
    blocks: [context(`*#${incident.number}* · each step is saved when you press the button; \`/incident postmortem\` picks up where you left off. Blameless: describe systems and decisions, not people.`), ...blocks],
  });
}

export function summaryStep(incident: Incident, c: PostmortemContent): View {
  return step(Views.pmSummary, 1, incident, [
    textInput(PmBlocks.summary, "Summary", c.summary, { max: 3000, optional: false, hint: "At most 5 sentences: what happened, who was affected, how it ended." }),
    textInput(PmBlocks.usersAffected, "Users affected", c.usersAffected, { max: 500, multiline: false, placeholder: "e.g. ~12% of EU checkouts" }),
    textInput(PmBlocks.revenue, "Revenue impact", c.revenueImpact, { max: 500, multiline: false, placeholder: "e.g. ~€40k in failed orders" }),
    textInput(PmBlocks.services, "Services impacted", c.servicesImpacted, { max: 500, multiline: false, hint: "The incident's affected services are included already. The duration is computed from its timeline." }),
  ]);
}

export function causeStep(incident: Incident, c: PostmortemContent): View {
  const whys = c.whys ?? [];
  return step(Views.pmCause, 2, incident, [
    context("Root cause, five whys: start from the symptom and ask *why?* until you reach something you can change. Stop when you get there; all five are optional."),
    ...[1, 2, 3, 4, 5].map((n) => textInput(whyBlock(n), `Why? (${n})`, whys[n - 1], { max: 1000, multiline: false })),
  ]);
}

export function reflectionStep(incident: Incident, c: PostmortemContent): View {
  return step(Views.pmReflection, 3, incident, [
    textInput(PmBlocks.wentWell, "What went well", c.wentWell, { max: 3000 }),
    textInput(PmBlocks.couldImprove, "What could be improved", c.couldImprove, { max: 3000 }),
    textInput(PmBlocks.lucky, "Where we got lucky", c.lucky, { max: 3000 }),
    textInput(PmBlocks.lessons, "Lessons learned", c.lessons, { max: 3000 }),
  ]);
}

const clock = (at: Date) => at.toISOString().slice(11, 16);

export function timelineStep(incident: Incident, c: PostmortemContent, keyEvents: TimelineEntry[]): View {
  const shown = keyEvents.slice(0, 100);
  const option = (e: TimelineEntry, i: number) => ({
    text: plain(`${i + 1}. ${clock(e.occurredAt)} ${phraseToPlain(describeEntry(e))}`, 75),
    value: String(e.id),
  });
  const options = shown.map(option);
  const dropped = options.filter((o) => (c.droppedEntries ?? []).includes(Number(o.value)));
  const notes = shown
    .map((e, i) => (c.entryNotes?.[String(e.id)] ? `${i + 1}. ${c.entryNotes[String(e.id)]}` : ""))
    .filter(Boolean)
    .join("\n");
  return step(Views.pmTimeline, 4, incident, [
    context(`The timeline is generated from the incident: ${keyEvents.length} key events, in UTC. Leave out what does not help a reader, and annotate what needs a word.`),
    ...(options.length
      ? [
          {
            type: "input",
            block_id: PmBlocks.dropped,
            optional: true,
            label: plain("Leave these out"),
            element: { type: "multi_static_select", action_id: inputAction(PmBlocks.dropped), options, ...(dropped.length ? { initial_options: dropped } : {}) },
          },
        ]
      : []),
    textInput(PmBlocks.notes, "Notes on entries", notes, { max: 3000, hint: "One per line, by number: 3. this deploy had skipped the canary" }),
  ]);
}

const priorities = [
  { text: plain("High"), value: "high" },
  { text: plain("Medium"), value: "medium" },
  { text: plain("Low"), value: "low" },
];

function actionItemBlocks(defaults: { description?: string; ownerId?: string; today: string }, required: boolean) {
  return [
    textInput(ActionBlocks.description, "Action item", defaults.description, { max: 500, multiline: false, optional: !required, placeholder: "Add a canary stage to the checkout deploy" }),
    { type: "input", block_id: ActionBlocks.owner, optional: !required, label: plain("Owner"), element: { type: "users_select", action_id: inputAction(ActionBlocks.owner), ...(defaults.ownerId ? { initial_user: defaults.ownerId } : {}) } },
    { type: "input", block_id: ActionBlocks.due, optional: true, label: plain("Due"), element: { type: "datepicker", action_id: inputAction(ActionBlocks.due), initial_date: defaults.today } },
    { type: "input", block_id: ActionBlocks.priority, label: plain("Priority"), element: { type: "static_select", action_id: inputAction(ActionBlocks.priority), options: priorities, initial_option: priorities[1] } },
  ];
}

export function actionsStep(incident: Incident, existing: number, today: string): View {
  return step(
    Views.pmActions,
    5,
    incident,
    [
      context(`${existing} action item${existing === 1 ? "" : "s"} so far. Add one here, or leave the fields empty and finish.`),
      ...actionItemBlocks({ today }, false),
      { type: "input", block_id: ActionBlocks.another, optional: true, label: plain("Then"), element: { type: "checkboxes", action_id: inputAction(ActionBlocks.another), options: [{ text: plain("Add another action item"), value: ANOTHER_OPTION }] } },
    ],
    "Save",
  );
}

/** The form behind `/incident action add`. */
export function actionItemModal(incident: Incident, description: string, ownerId: string, today: string): View {
  return modal({
    callbackId: Views.actionItem,
    privateMetadata: { incidentId: incident.id },
    title: "Add an action item",
    submit: "Add",
    blocks: [context(`For incident *#${incident.number}*. The owner gets a DM.`), ...actionItemBlocks({ description, ownerId, today }, true)],
  });
}

/** Reassigning an action item from its DM's Reassign button. */
export function reassignActionItemModal(itemId: number): View {
  return modal({
    callbackId: Views.reassignActionItem,
    privateMetadata: { itemId },
    title: "Reassign action item",
    submit: "Reassign",
    blocks: [{ type: "input", block_id: ActionBlocks.owner, label: plain("New owner"), element: { type: "users_select", action_id: inputAction(ActionBlocks.owner) } }],
  });
}
