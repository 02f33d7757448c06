// The alert-source forms: adding a source and rotating its token. Either way the form turns into the one view
// that shows the new token (stored only as a hash, never shown again).
import { z } from "zod";
import { alertsConfigurable } from "../../../alerts/permissions.js";
import { addSource, parseSeverityMap, rotateToken } from "../../../alerts/sources.js";
import { alertFormAnswer, tokenIssuedView } from "../../blocks/alert-sources.js";
import { notAllowedAlerts } from "../alert-sources.js";
import { AlertSourceBlocks, AUTO_RESOLVE_OPTION } from "../../ids.js";
import { checked, chosen, safeJson, typed, valuesOf } from "../forms.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

const settingBlocks: Record<string, string> = {
  name: AlertSourceBlocks.name,
  kind: AlertSourceBlocks.kind,
  autoResolve: AlertSourceBlocks.autoResolve,
  refireMinutes: AlertSourceBlocks.refire,
  defaultSeverity: AlertSourceBlocks.defaultSeverity,
  severityMap: AlertSourceBlocks.severityMap,
};

export const alertSourceSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  if (!(await alertsConfigurable(deps, { teamId: teamOf(body), userId: body.user.id }, "alert_source_add"))) return showErrors(args, { [AlertSourceBlocks.name]: notAllowedAlerts });
  const v = valuesOf(view);
  const severityMap = parseSeverityMap(typed(v, AlertSourceBlocks.severityMap));
  if (!severityMap.ok) return showErrors(args, { [AlertSourceBlocks.severityMap]: severityMap.problem });
  const refire = typed(v, AlertSourceBlocks.refire).trim();
  const saved = await addSource(deps.db, deps.clock, teamOf(body), body.user.id, {
    name: typed(v, AlertSourceBlocks.name),
    kind: chosen(v, AlertSourceBlocks.kind) as never,
    autoResolve: checked(v, AlertSourceBlocks.autoResolve, AUTO_RESOLVE_OPTION),
    refireMinutes: refire === "" ? 60 : Number(refire),
    defaultSeverity: (chosen(v, AlertSourceBlocks.defaultSeverity) ?? "sev3") as never,
    severityMap: severityMap.map,
  });
  if (!saved.ok) {
    const errors: Record<string, string> = {};
    for (const [name, message] of Object.entries(saved.problems)) errors[settingBlocks[name] ?? AlertSourceBlocks.name] ??= message;
    return showErrors(args, errors);
  }
  deps.logger.info({ team: saved.source.teamId, source: saved.source.id, by: body.user.id }, "alert source added");
  await args.ack({ response_action: "update", view: tokenIssuedView(saved.source, saved.token, deps.publicUrl, false) });
};

export const rotateTokenSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  // The form has no field to show a problem beside: the answer replaces it.
  if (!(await alertsConfigurable(deps, { teamId: teamOf(body), userId: body.user.id }, "alert_source_rotate_token"))) return args.ack({ response_action: "update", view: alertFormAnswer(notAllowedAlerts) });
  const meta = z.object({ sourceId: z.number().int().positive() }).safeParse(safeJson(view.private_metadata));
  const rotated = meta.success ? await rotateToken(deps.db, deps.clock, teamOf(body), body.user.id, meta.data.sourceId) : undefined;
  if (!rotated) return args.ack({ response_action: "update", view: alertFormAnswer("That alert source no longer exists; `/incident alerts` lists them.") });
  deps.logger.info({ team: rotated.source.teamId, source: rotated.source.id, by: body.user.id }, "alert source token rotated");
  await args.ack({ response_action: "update", view: tokenIssuedView(rotated.source, rotated.token, deps.publicUrl, true) });
};
