// The playbook form (admins): name, severities, services and items as lines; a problem is shown beside its field,
// naming the line it is on.
import { z } from "zod";
import { parseServiceList } from "../../../incidents/declare.js";
import { severitySchema } from "../../../incidents/lifecycle.js";
import { parseItemLines } from "../../../playbooks/definitions.js";
import { savePlaybook } from "../../../playbooks/library.js";
import { playbookFormAnswer, playbookSavedText } from "../../blocks/checklist.js";
import { PlaybookBlocks, inputAction } from "../../ids.js";
import { safeJson, typed, valuesOf } from "../forms.js";
import { notAllowedPlaybooks, playbooksEditable } from "../playbooks/permissions.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

const metaSchema = z.object({ id: z.number().int().positive().nullable() });

export const playbookSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const teamId = teamOf(body);
  if (!(await playbooksEditable(deps, { teamId, userId: body.user.id }, "playbook_save"))) return showErrors(args, { [PlaybookBlocks.name]: notAllowedPlaybooks });
  const v = valuesOf(view);
  const name = typed(v, PlaybookBlocks.name).trim();
  if (!name) return showErrors(args, { [PlaybookBlocks.name]: "Give the playbook a name, e.g. “Major incident”." });
  const items = parseItemLines(typed(v, PlaybookBlocks.items));
  if (!items.ok) return showErrors(args, { [PlaybookBlocks.items]: `Line ${items.line}: ${items.problem}.` });
  const picked = v[PlaybookBlocks.severities]?.[inputAction(PlaybookBlocks.severities)]?.selected_options ?? [];
  const severities = z.array(severitySchema).safeParse(picked.map((o) => o.value));
  if (!severities.success) return showErrors(args, { [PlaybookBlocks.severities]: "Pick severities from the list." });
  const services = parseServiceList(typed(v, PlaybookBlocks.services));
  if (services.some((s) => s.length > 80)) return showErrors(args, { [PlaybookBlocks.services]: "Keep each service name under 80 characters." });
  const meta = metaSchema.safeParse(safeJson(view.private_metadata));
  const saved = await savePlaybook(
    deps.db,
    deps.clock,
    teamId,
    body.user.id,
    { id: meta.success ? (meta.data.id ?? undefined) : undefined, name, severities: severities.data, services, items: items.items },
    deps.playbookFile?.playbooks.map((p) => p.name) ?? [],
  );
  if (!saved.ok) {
    if (saved.problem === "not_found") return args.ack({ response_action: "update", view: playbookFormAnswer("That playbook no longer exists; `/incident playbook` lists them.") });
    return showErrors(args, { [PlaybookBlocks.name]: saved.problem === "name_taken" ? "Another playbook has that name; pick another." : "Keep the name under 80 characters." });
  }
  deps.logger.info({ team: teamId, playbook: saved.playbook.id, by: body.user.id }, saved.created ? "playbook added" : "playbook changed");
  await args.ack({ response_action: "update", view: playbookFormAnswer(playbookSavedText(saved.playbook, saved.created)) });
};
