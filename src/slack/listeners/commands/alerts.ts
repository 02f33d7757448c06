// /incident alerts [add | rotate <name>]: the alert sources with their webhook URLs and last alert; admins add a
// source or rotate a source's token from a form.
import { alertsConfigurable } from "../../../alerts/permissions.js";
import { sourceNamed } from "../../../alerts/sources.js";
import { addAlertSourceModal, rotateTokenModal } from "../../blocks/alert-sources.js";
import { echoTyped } from "../../blocks/text.js";
import { alertSourcesAnswer, notAllowedAlerts } from "../alert-sources.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const alerts: Subcommand = async (deps, request) => {
  const [what = "", ...rest] = asTyped(request.args).split(/\s+/);
  const name = rest.join(" ").trim();
  switch (what.toLowerCase()) {
    case "":
    case "list":
      return { answer: await alertSourcesAnswer(deps, request.teamId, request.userId) };
    case "add":
      if (!(await alertsConfigurable(deps, request, "alert_source_add"))) return say(notAllowedAlerts);
      return { modal: addAlertSourceModal() };
    case "rotate": {
      if (!(await alertsConfigurable(deps, request, "alert_source_rotate_token"))) return say(notAllowedAlerts);
      if (!name) return say("Name the source: `/incident alerts rotate Prometheus prod`.");
      const source = await sourceNamed(deps.db, request.teamId, name);
      if (!source) return say(`There is no alert source called “${echoTyped(name)}”. \`/incident alerts\` lists them.`);
      if (source.fromEnv) return say("That source's token is ALERTS_TOKEN: change it where the bot's environment is set, and restart the bot.");
      return { modal: rotateTokenModal(source) };
    }
    default:
      return say("`/incident alerts` lists the alert sources; `/incident alerts add` adds one; `/incident alerts rotate <name>` gives a source a new token.");
  }
};
