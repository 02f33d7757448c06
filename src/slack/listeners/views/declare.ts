// Submission of the "Declare an incident" form: validate, record the incident, close the form.
import { declareIncident, declareInputSchema, parseServiceList } from "../../../incidents/declare.js";
import { DeclareBlocks } from "../../ids.js";
import { decodeDeclareOrigin, field, typed, valuesOf } from "../forms.js";
import { whoCannotServe } from "../people.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

// zod reports problems by field; the form shows them under the matching input.
const blockOfField: Record<string, string> = {
  title: DeclareBlocks.title,
  severity: DeclareBlocks.severity,
  description: DeclareBlocks.description,
  affectedServices: DeclareBlocks.services,
  commanderId: DeclareBlocks.commander,
};

const friendlyFieldErrors: Record<string, string> = {
  severity: "Pick a severity.",
  commanderId: "Pick the Incident Commander.",
};

export const declareSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const values = valuesOf(view);
  const origin = decodeDeclareOrigin(view.private_metadata);
  const input = {
    teamId: teamOf(body),
    declaredBy: body.user.id,
    title: typed(values, DeclareBlocks.title),
    severity: field(values, DeclareBlocks.severity)?.selected_option?.value,
    description: typed(values, DeclareBlocks.description),
    affectedServices: parseServiceList(typed(values, DeclareBlocks.services)),
    commanderId: field(values, DeclareBlocks.commander)?.selected_user ?? body.user.id,
    originChannelId: origin.channelId,
    originMessage: origin.channelId && origin.threadTs ? { channelId: origin.channelId, ts: origin.threadTs } : undefined,
    responseUrl: origin.responseUrl,
    declareKey: `view:${view.id}`,
    ...(origin.drill ? { drill: {} } : {}),
  };
  const parsed = declareInputSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const block = blockOfField[name];
      if (block && !errors[block]) errors[block] = friendlyFieldErrors[name] ?? issue.message;
    }
    if (Object.keys(errors).length === 0) errors[DeclareBlocks.title] = "Something in this form is off; please check it and submit again.";
    return showErrors(args, errors);
  }
  const cannot = await whoCannotServe(deps, [parsed.data.commanderId]);
  if (cannot.size) return showErrors(args, { [DeclareBlocks.commander]: cannot.get(parsed.data.commanderId)! });
  try {
    const { incident, created } = await declareIncident(deps.db, deps.clock, parsed.data, { onDeclared: deps.onDeclared });
    deps.logger.info({ team: incident.teamId, incident: incident.number, created }, created ? "incident declared" : "repeated declare ignored");
  } catch (error) {
    deps.logger.error({ err: error }, "could not record a declared incident");
    return showErrors(args, { [DeclareBlocks.title]: "I could not record the incident just now. Please press Declare again." });
  }
  await args.ack();
  deps.deliverNow();
};
