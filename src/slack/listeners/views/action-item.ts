// The action-item forms: the postmortem's last step (add one, perhaps another, then finish), /incident action
// add, and Reassign from an item's DM.
import type { View } from "@slack/types";
import { z } from "zod";
import { actionItemsOf, addActionItem, changeActionItem } from "../../../postmortems/postmortems.js";
import { refusalText } from "../../blocks/answers.js";
import { section } from "../../blocks/kit.js";
import { modal } from "../../blocks/modal.js";
import { ActionBlocks, ANOTHER_OPTION, Views } from "../../ids.js";
import type { PersonLookup } from "../../gateway.js";
import type { ListenerDeps } from "../deps.js";
import { checked, field, incidentIdOf, plainForModal, safeJson, typed, valuesOf, type Values } from "../forms.js";
import { incidentFromValue } from "../incident-ref.js";
import { postmortemStepView } from "../postmortem-flow.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

// Where the Reassign form came from; anything else (JSON null included) is a form we no longer know.
const reassignMetadataSchema = z.object({ itemId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const outdated = { [ActionBlocks.description]: "This form is out of date; run the command again." };

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

const unknownOwner = { [ActionBlocks.owner]: "Slack does not know this person. Pick someone from the list." };
const unknownToSlack = (person: PersonLookup | undefined) => person?.status === "unknown" && person.reason === "user_not_found";

/**
 * The item as the form holds it; the owner's time zone comes from Slack (unknown when Slack cannot say). An owner
 * Slack does not know at all (an id no list offered) is a problem to show; one who has left is not (see reassign).
 */
async function readActionItem(deps: ListenerDeps, values: Values) {
  const ownerId = field(values, ActionBlocks.owner)?.selected_user ?? "";
  const owner = ownerId ? await deps.gateway.lookupPerson(ownerId) : undefined;
  return {
    description: typed(values, ActionBlocks.description).trim(),
    ownerId,
    dueDate: field(values, ActionBlocks.due)?.selected_date ?? null,
    priority: field(values, ActionBlocks.priority)?.selected_option?.value ?? "medium",
    ownerTimeZone: owner?.status === "active" ? owner.timeZone : undefined,
    ownerUnknown: unknownToSlack(owner),
  };
}

const blockOf: Record<string, string> = { description: ActionBlocks.description, ownerId: ActionBlocks.owner, dueDate: ActionBlocks.due, priority: ActionBlocks.priority };
const errorsOf = (problems: Record<string, string>) => Object.fromEntries(Object.entries(problems).map(([k, v]) => [blockOf[k] ?? ActionBlocks.description, v]));

export const postmortemActionsSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const teamId = teamOf(body);
  const incidentId = incidentIdOf(view.private_metadata);
  if (!incidentId) return showErrors(args, outdated);
  const values = valuesOf(view);
  const item = await readActionItem(deps, values);
  if (item.ownerUnknown) return showErrors(args, unknownOwner);
  if (item.description || item.ownerId) {
    const added = await addActionItem(deps, { teamId, incidentId }, body.user.id, item, `view:${view.id}:${view.hash}`);
    if (!added.ok) return showErrors(args, errorsOf(added.problems));
    deps.deliverNow();
  }
  const incident = await incidentFromValue(deps, teamId, incidentId);
  if (!incident) return void (await args.ack());
  if (checked(values, ActionBlocks.another, ANOTHER_OPTION)) return void (await args.ack({ response_action: "update", view: await postmortemStepView(deps, incident, Views.pmActions) }));
  await args.ack({ response_action: "update", view: finishedView(incident.number, (await actionItemsOf(deps.db, teamId, incident.id)).length) });
};

export const actionItemSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const incidentId = incidentIdOf(view.private_metadata);
  if (!incidentId) return showErrors(args, outdated);
  const item = await readActionItem(deps, valuesOf(view));
  if (item.ownerUnknown) return showErrors(args, unknownOwner);
  const added = await addActionItem(deps, { teamId: teamOf(body), incidentId }, body.user.id, item, `view:${view.id}`);
  if (!added.ok) return showErrors(args, errorsOf(added.problems));
  deps.deliverNow();
  await args.ack();
};

export const reassignSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const meta = reassignMetadataSchema.safeParse(safeJson(view.private_metadata));
  const itemId = meta.success ? meta.data.itemId : undefined;
  if (!itemId) return showErrors(args, { [ActionBlocks.owner]: "This form is out of date; click Reassign again." });
  const ownerId = field(valuesOf(view), ActionBlocks.owner)?.selected_user;
  if (!ownerId) return showErrors(args, { [ActionBlocks.owner]: "Pick the new owner." });
  const person = await deps.gateway.lookupPerson(ownerId);
  if (unknownToSlack(person)) return showErrors(args, unknownOwner);
  // Only Slack saying "deleted" means the person has left; a lookup that failed is not a departure.
  const outcome = await changeActionItem(deps, teamOf(body), itemId, body.user.id, {
    kind: "reassign",
    ownerId,
    ownerTimeZone: person.status === "active" ? person.timeZone : undefined,
    ownerActive: person.status !== "deleted",
  });
  if (!outcome.ok) return showErrors(args, { [ActionBlocks.owner]: await plainForModal(deps.gateway, refusalText(outcome.refusal, deps.clock.now())) });
  deps.deliverNow();
  await args.ack();
};
