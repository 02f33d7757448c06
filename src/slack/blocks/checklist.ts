// The incident's checklist in its war room (a checkbox per item, grouped by phase), its progress on the card, the
// playbook list and form, and what is said about checklist facts. Drawn from the checklist as it is now.
import type { Incident, IncidentTask } from "../../db/schema.js";
import { roleDefinitions, type Role } from "../../incidents/roles.js";
import { capitalized, itemLines, severityList, type Playbook } from "../../playbooks/definitions.js";
import { checklistPhases, checklistProgress, type PhaseProgress } from "../../playbooks/checklist.js";
import type { View } from "@slack/types";
import type { SlackMessage } from "../gateway.js";
import { modal } from "./modal.js";
import { ChecklistActions, PlaybookActions, PlaybookBlocks, Views } from "../ids.js";
import { actions, button, context, fallback, input, Limits, mrkdwn, plainText, section } from "./kit.js";
import { escaped } from "./text.js";

/** Slack's checkboxes element takes at most 10 options (Block Kit reference, checkboxes element). */
const OPTIONS_PER_ELEMENT = 10;

const roleLabel = (role: string | null): string | undefined => (role && role in roleDefinitions ? roleDefinitions[role as Role].label : undefined);

/** One option per item: the item's words (mrkdwn, cut to Slack's 75), its owner role below them. */
function taskOption(task: IncidentTask) {
  const owner = roleLabel(task.ownerRole);
  return {
    text: mrkdwn(escaped(task.text, Limits.option), Limits.option),
    value: String(task.id),
    ...(owner ? { description: plainText(`Owner: ${owner}`, Limits.option) } : {}),
  };
}

/** "Detection 2/3 · Triage 0/5" */
export const progressWords = (progress: PhaseProgress[]): string => progress.map((p) => `${capitalized(p.phase)} ${p.done}/${p.total}`).join(" · ");

/** The card's line about the checklist; undefined when the incident has none. */
export function checklistProgressLine(tasks: Pick<IncidentTask, "phase" | "doneAt">[] | undefined): string | undefined {
  if (!tasks?.length) return undefined;
  const done = tasks.filter((t) => t.doneAt).length;
  return `:ballot_box_with_check: Checklist ${done}/${tasks.length}: ${escaped(progressWords(checklistProgress(tasks)), 2000)}`;
}

/** Links of a phase's items, as many as fit in one context text. */
function phaseLinks(tasks: IncidentTask[]): string | undefined {
  const links: string[] = [];
  let length = 0;
  for (const t of tasks.filter((t) => t.link)) {
    const link = `<${t.link}|${escaped(t.text, 60).replace(/\|/g, "¦")}>`;
    if (length + link.length + 3 > Limits.context - 20) break;
    links.push(link);
    length += link.length + 3;
  }
  return links.length ? `:link: ${links.join(" · ")}` : undefined;
}

/**
 * The checklist message: a heading, then per phase its progress, its items as checkboxes (ticked when done; at
 * most ten to an element, so a long phase has several side by side) and its items' links.
 */
export function checklistMessage(incident: Pick<Incident, "number" | "status">, tasks: IncidentTask[]): SlackMessage {
  const done = tasks.filter((t) => t.doneAt).length;
  const blocks: unknown[] = [section(`:ballot_box_with_check: *Checklist for incident #${incident.number}* · ${done} of ${tasks.length} done`)];
  checklistPhases(tasks).forEach(({ phase, tasks: items }, p) => {
    const phaseDone = items.filter((t) => t.doneAt).length;
    blocks.push(section(`*${escaped(capitalized(phase), 100)}* ${phaseDone}/${items.length}`));
    const elements = [];
    for (let i = 0; i < items.length; i += OPTIONS_PER_ELEMENT) {
      const chunk = items.slice(i, i + OPTIONS_PER_ELEMENT);
      const options = chunk.map(taskOption);
      const ticked = options.filter((_, k) => chunk[k]!.doneAt);
      elements.push({
        type: "checkboxes",
        action_id: `${ChecklistActions.tickPrefix}${elements.length}`,
        options,
        // Slack wants each initial option exactly as it is among the options: the very same objects.
        ...(ticked.length ? { initial_options: ticked } : {}),
      });
    }
    blocks.push(actions(elements, `checklist_phase_${p}`));
    const links = phaseLinks(items);
    if (links) blocks.push(context(links));
  });
  const closing = incident.status === "closed" ? "This incident is closed; its checklist is kept on the timeline." : "Tick an item when it is done · `/incident task <phase>: <what>` adds one";
  blocks.push(context(closing));
  return { text: fallback(`Checklist for incident #${incident.number}: ${done} of ${tasks.length} done`), blocks };
}

/** "3 checklist items still open: Triage: Roles assigned; …" (said when the incident resolves); undefined when none. */
export function openItemsLine(tasks: Pick<IncidentTask, "phase" | "text" | "doneAt">[]): string | undefined {
  const open = tasks.filter((t) => !t.doneAt);
  if (open.length === 0) return undefined;
  const shown = open.slice(0, 10).map((t) => `${escaped(capitalized(t.phase), 40)}: ${escaped(t.text, 120)}`);
  const more = open.length > shown.length ? `; and ${open.length - shown.length} more` : "";
  return `:ballot_box_with_check: ${open.length} checklist item${open.length === 1 ? "" : "s"} still open: ${shown.join("; ")}${more}`;
}

/** The answer to `/incident task`. */
export const taskAddedReply = (incident: Pick<Incident, "number">, item: { phase: string; text: string }): string =>
  `Added to incident #${incident.number}'s checklist under ${escaped(capitalized(item.phase), 40)}: ${escaped(item.text, 300)}`;

/** `/incident playbook`: every playbook, where it comes from, what it fits; admins get buttons to add and edit. */
export function playbookList(file: { path: string; playbooks: Playbook[] } | undefined, stored: Array<Playbook & { id: number }>, isAdmin: boolean): SlackMessage {
  const describe = (p: Playbook) => {
    const phases = [...new Set(p.items.map((i) => capitalized(i.phase)))].join(", ");
    const services = p.services.length ? ` · services: ${escaped(p.services.join(", "), 200)}` : "";
    return `*${escaped(p.name, 80)}* · ${severityList(p.severities)}${services} · ${p.items.length} item${p.items.length === 1 ? "" : "s"} (${escaped(phases, 300)})`;
  };
  const blocks: unknown[] = [section(":clipboard: *Playbooks*: the checklists attached to incidents that fit them.")];
  if (file?.playbooks.length) blocks.push(section(`*From ${escaped(file.path, 200)}* (read-only; edit the file)\n${file.playbooks.map(describe).join("\n")}`));
  for (const p of stored.slice(0, 40)) {
    blocks.push({ ...section(describe(p)), ...(isAdmin ? { accessory: button("Edit", PlaybookActions.edit, String(p.id)) } : {}) });
  }
  if (!file?.playbooks.length && stored.length === 0) blocks.push(section("_No playbooks yet._"));
  if (isAdmin) blocks.push(actions([button("Add a playbook", PlaybookActions.add, "new", "primary")], "playbook_actions"));
  else blocks.push(context("Incident admins (INCIDENT_ADMINS) can add and edit playbooks."));
  return { text: fallback("Playbooks"), blocks };
}

const severityOptions = ["sev1", "sev2", "sev3", "sev4"].map((s) => ({ text: plainText(s.toUpperCase(), Limits.option), value: s }));

/** The admin's form for a playbook: its name, the severities and services it fits, its items as lines. */
export function playbookModal(existing?: Playbook & { id: number }) {
  const picked = severityOptions.filter((o) => existing?.severities.includes(o.value as never));
  return {
    type: "modal" as const,
    callback_id: Views.playbook,
    private_metadata: JSON.stringify({ id: existing?.id ?? null }),
    title: plainText(existing ? "Edit playbook" : "New playbook", Limits.title),
    submit: plainText("Save", Limits.title),
    close: plainText("Cancel", Limits.title),
    blocks: [
      input(PlaybookBlocks.name, "Name", { type: "plain_text_input", max_length: 80, ...(existing ? { initial_value: existing.name } : {}) }),
      input(
        PlaybookBlocks.severities,
        "Severities it fits",
        { type: "multi_static_select", placeholder: plainText("Any severity", 150), options: severityOptions, ...(picked.length ? { initial_options: picked } : {}) },
        { optional: true, hint: plainText("Leave empty for every severity.") },
      ),
      input(
        PlaybookBlocks.services,
        "Services it fits",
        { type: "plain_text_input", max_length: 1000, ...(existing?.services.length ? { initial_value: existing.services.join(", ") } : {}) },
        { optional: true, hint: plainText("Comma-separated; leave empty for every service.") },
      ),
      input(
        PlaybookBlocks.items,
        "Items, one a line",
        { type: "plain_text_input", multiline: true, max_length: 3000, ...(existing ? { initial_value: itemLines(existing.items).slice(0, 3000) } : {}) },
        { hint: plainText("Phase: item text [role] <link>, e.g. Triage: Check the dashboards [tech_lead] <https://grafana.example.com>. Roles: commander, tech_lead, comms_lead, scribe.") },
      ),
    ],
  };
}

/** What the playbook form turns into once it is saved (or cannot be). */
export function playbookFormAnswer(text: string): View {
  return modal({ callbackId: Views.playbookSaved, title: "Playbooks", close: "Close", blocks: [section(text)] });
}

export const playbookSavedText = (p: Playbook, created: boolean): string =>
  `:white_check_mark: ${created ? "Added" : "Saved"} the playbook *${escaped(p.name, 80)}*: ${p.items.length} item${p.items.length === 1 ? "" : "s"}, for ${severityList(p.severities)}${p.services.length ? ` touching ${escaped(p.services.join(", "), 300)}` : ""}. It attaches to incidents that fit it from now on.`;

/** The resolve form with the checklist's open items under its headline, so nobody resolves without seeing them. */
export function withOpenItems(view: View, tasks: Pick<IncidentTask, "phase" | "text" | "doneAt">[]): View {
  const open = openItemsLine(tasks);
  if (!open) return view;
  const [first, ...rest] = view.blocks;
  return { ...view, blocks: [...(first ? [first] : []), context(open) as View["blocks"][number], ...rest] };
}
