// /incident playbook [add | edit <name>]: the playbooks (from PLAYBOOKS_FILE, read-only, and those kept in the
// database); admins add or edit one from a form.
import { playbooksOf } from "../../../playbooks/library.js";
import { playbookList, playbookModal } from "../../blocks/checklist.js";
import { echoTyped } from "../../blocks/text.js";
import { notAllowedPlaybooks, playbooksEditable } from "../playbooks/permissions.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const playbook: Subcommand = async (deps, request) => {
  const [what = "", ...rest] = asTyped(request.args).split(/\s+/);
  const name = rest.join(" ").trim();
  switch (what.toLowerCase()) {
    case "":
    case "list": {
      const stored = await playbooksOf(deps.db, request.teamId);
      const isAdmin = deps.admins.size === 0 || deps.admins.has(request.userId);
      return { answer: playbookList(deps.playbookFile, stored, isAdmin) };
    }
    case "add":
      if (!(await playbooksEditable(deps, request, "playbook_add"))) return say(notAllowedPlaybooks);
      return { modal: playbookModal() };
    case "edit": {
      if (!(await playbooksEditable(deps, request, "playbook_edit"))) return say(notAllowedPlaybooks);
      if (!name) return say("Name the playbook: `/incident playbook edit Major incident`.");
      if (deps.playbookFile?.playbooks.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
        return say(`“${echoTyped(name)}” comes from ${echoTyped(deps.playbookFile.path, 200)}: edit it in that file and restart the bot.`);
      }
      const found = (await playbooksOf(deps.db, request.teamId)).find((p) => p.name.toLowerCase() === name.toLowerCase());
      if (!found) return say(`There is no playbook called “${echoTyped(name)}”. \`/incident playbook\` lists them.`);
      return { modal: playbookModal(found) };
    }
    default:
      return say("`/incident playbook` lists the playbooks; `/incident playbook add` adds one; `/incident playbook edit <name>` changes one.");
  }
};
