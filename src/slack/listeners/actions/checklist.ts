// A click on a checklist checkbox: Slack sends what the element's boxes are now; what the person changed is that
// against what the message showed them, applied to the checklist as it is stored (so a stale message or a repeated
// request changes nothing twice). And the playbook list's Add and Edit buttons.
import { z } from "zod";
import { incidentByAnyChannel } from "../../../incidents/queries.js";
import { tickTasks, type Tick } from "../../../playbooks/checklist.js";
import { playbookById } from "../../../playbooks/library.js";
import { refusalText } from "../../blocks/answers.js";
import { playbookModal } from "../../blocks/checklist.js";
import { idFromValue } from "../forms.js";
import { openForm } from "../open-form.js";
import { notAllowedPlaybooks, playbooksEditable } from "../playbooks/permissions.js";
import { teamOf, tell, valueOf, type ActionHandler } from "./action-kit.js";

const optionSchema = z.object({ value: z.string() });
const elementSchema = z.object({ action_id: z.string(), options: z.array(optionSchema).default([]), initial_options: z.array(optionSchema).default([]) });
const blockSchema = z.object({ block_id: z.string().optional(), elements: z.array(z.unknown()).optional() });
const clickSchema = z.object({ action_id: z.string(), block_id: z.string(), selected_options: z.array(optionSchema).default([]) });

/** The element as the message showed it (its options and which were ticked), from the message Slack sent back. */
function shownElement(blocks: unknown, blockId: string, actionId: string): z.infer<typeof elementSchema> | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const raw of blocks) {
    const block = blockSchema.safeParse(raw);
    if (!block.success || block.data.block_id !== blockId) continue;
    for (const el of block.data.elements ?? []) {
      const parsed = elementSchema.safeParse(el);
      if (parsed.success && parsed.data.action_id === actionId) return parsed.data;
    }
  }
  return undefined;
}

const taskId = (value: string): number | undefined => (/^\d{1,15}$/.test(value) ? Number(value) : undefined);

export const tickChecklist: ActionHandler = async (deps, args) => {
  await args.ack();
  const teamId = teamOf(args.body);
  const click = clickSchema.safeParse(args.action);
  const channelId = args.body.channel?.id ?? args.body.container?.channel_id;
  const shown = click.success ? shownElement((args.body as { message?: { blocks?: unknown } }).message?.blocks, click.data.block_id, click.data.action_id) : undefined;
  if (!click.success || !shown || !channelId) return tell(args, "I couldn't read that click. Please try again.");
  const incident = await incidentByAnyChannel(deps.db, teamId, channelId);
  if (!incident) return tell(args, "I can't find this checklist's incident any more.");
  const before = new Set(shown.initial_options.map((o) => o.value));
  const after = new Set(click.data.selected_options.map((o) => o.value));
  const ticks: Tick[] = [];
  for (const { value } of shown.options) {
    const id = taskId(value);
    if (id === undefined || before.has(value) === after.has(value)) continue;
    ticks.push({ taskId: id, done: after.has(value) });
  }
  if (ticks.length === 0) return;
  const outcome = await tickTasks(deps, { teamId, incidentId: incident.id }, args.body.user.id, ticks);
  if (!outcome.ok) return tell(args, refusalText(outcome.refusal, deps.clock.now()));
  deps.deliverNow();
};

export const addPlaybook: ActionHandler = async (deps, args) => {
  await args.ack();
  if (!(await playbooksEditable(deps, { teamId: teamOf(args.body), userId: args.body.user.id }, "playbook_add"))) return tell(args, notAllowedPlaybooks);
  await openForm(deps, args.client, args.body.trigger_id, playbookModal(), (text) => tell(args, text), "click again");
};

export const editPlaybook: ActionHandler = async (deps, args) => {
  await args.ack();
  const teamId = teamOf(args.body);
  if (!(await playbooksEditable(deps, { teamId, userId: args.body.user.id }, "playbook_edit"))) return tell(args, notAllowedPlaybooks);
  const id = idFromValue(valueOf(args.action));
  const found = id ? await playbookById(deps.db, teamId, id) : undefined;
  if (!found) return tell(args, "That playbook no longer exists. `/incident playbook` lists them.");
  await openForm(deps, args.client, args.body.trigger_id, playbookModal(found), (text) => tell(args, text), "click again");
};
