// /incident escalation policy [name]: the form for an escalation policy; alone, the on-call overview.
import { policiesOf, schedulesOf } from "../../../oncall/directory.js";
import { policyModal } from "../../blocks/oncall.js";
import { echoTyped } from "../../blocks/text.js";
import { onCallConfigurable } from "../../../oncall/permissions.js";
import { notAllowedOnCall, onCallAnswer } from "../oncall-overview.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const escalation: Subcommand = async (deps, request) => {
  const [what = "", ...rest] = asTyped(request.args).split(/\s+/);
  if (what.toLowerCase() !== "policy") return onCallAnswer(deps, request.teamId);
  if (!(await onCallConfigurable(deps, request, "escalation_policy_save", { kind: "command", name: "/incident escalation policy" }))) return notAllowedOnCall();
  const name = rest.join(" ").trim();
  const policies = await policiesOf(deps.db, request.teamId);
  const existing = name ? policies.find((p) => p.name === name) : undefined;
  if (name && !existing) return say(`There is no policy called "${echoTyped(name)}". \`/incident escalation policy\` creates one.`);
  return { modal: policyModal(existing, await schedulesOf(deps.db, request.teamId)) };
};
