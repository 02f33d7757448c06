// Submission of the "Declare an incident" modal: validate, record the incident, close the modal.
import type { App, ViewOutput } from "@slack/bolt";
import { z } from "zod";
import { declareIncident, declareInputSchema, parseServiceList } from "../../../incidents/declare.js";
import { DeclareBlocks, Views, inputAction } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";

const originSchema = z.object({ c: z.string().optional(), r: z.url().optional() });

/** Where the declare came from, round-tripped through the modal's private_metadata. */
export function encodeDeclareOrigin(origin: { channelId?: string; responseUrl?: string }): string {
  return JSON.stringify({ c: origin.channelId, r: origin.responseUrl });
}

function decodeDeclareOrigin(metadata: string): { channelId?: string; responseUrl?: string } {
  try {
    const o = originSchema.parse(JSON.parse(metadata || "{}"));
    return { channelId: o.c, responseUrl: o.r };
  } catch {
    return {};
  }
}

type Values = ViewOutput["state"]["values"];
const valueOf = (values: Values, block: string) => values[block]?.[inputAction(block)];

// zod reports problems by field; the modal shows them under the matching input block.
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

export function registerDeclareView(app: App, deps: ListenerDeps): void {
  app.view(Views.declare, async ({ ack, body, view }) => {
    const values = view.state.values;
    const origin = decodeDeclareOrigin(view.private_metadata);
    const input = {
      teamId: body.team?.id ?? body.user.team_id ?? "",
      declaredBy: body.user.id,
      title: valueOf(values, DeclareBlocks.title)?.value ?? "",
      severity: valueOf(values, DeclareBlocks.severity)?.selected_option?.value,
      description: valueOf(values, DeclareBlocks.description)?.value ?? "",
      affectedServices: parseServiceList(valueOf(values, DeclareBlocks.services)?.value),
      commanderId: valueOf(values, DeclareBlocks.commander)?.selected_user ?? body.user.id,
      originChannelId: origin.channelId,
      responseUrl: origin.responseUrl,
      declareKey: `view:${view.id}`,
    };

    const parsed = declareInputSchema.safeParse(input);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        const block = blockOfField[field];
        if (block && !errors[block]) errors[block] = friendlyFieldErrors[field] ?? issue.message;
      }
      if (Object.keys(errors).length === 0) errors[DeclareBlocks.title] = "Something in this form is off; please check it and submit again.";
      await ack({ response_action: "errors", errors });
      return;
    }

    try {
      const { incident, created } = await declareIncident(deps.db, deps.clock, parsed.data, { onDeclared: deps.onDeclared });
      deps.logger.info({ team: incident.teamId, incident: incident.number, created }, created ? "incident declared" : "repeated declare ignored");
    } catch (error) {
      deps.logger.error({ err: error }, "could not record a declared incident");
      await ack({
        response_action: "errors",
        errors: { [DeclareBlocks.title]: "I could not record the incident just now. Please press Declare again." },
      });
      return;
    }
    await ack();
    deps.deliverNow();
  });
}
