// Submissions of the war-room forms: status, roles, update (and the exec and customer comms templates), resolve, severity. Valid input is handed to the
// domain before the form closes; a refusal shows under the form's first field, in words a person can act on.
import { z } from "zod";
import { assignRoles } from "../../../incidents/assign-roles.js";
import type { Outcome } from "../../../incidents/change.js";
import { changeSeverity, SEVERITY_REASON_MAX } from "../../../incidents/change-severity.js";
import { changeStatus, STATUS_MESSAGE_MAX } from "../../../incidents/change-status.js";
import { severitySchema, statusSchema } from "../../../incidents/lifecycle.js";
import { NEXT_UPDATE_MAX, postUpdate, UPDATE_FIELD_MAX } from "../../../incidents/post-update.js";
import { resolve, RESOLUTION_MAX } from "../../../incidents/resolve.js";
import { ETA_MAX, EXEC_FIELD_MAX, postExecutiveSummary, publishCustomerUpdate } from "../../../incidents/comms.js";
import { publicStateSchema, PUBLIC_SERVICES_MAX, PUBLIC_TEXT_MAX, PUBLIC_TITLE_MAX, SERVICE_NAME_MAX, type PublicState } from "../../../status-page/page.js";
import { roles, type Role } from "../../../incidents/roles.js";
import { refusalText } from "../../blocks/answers.js";
import { CustomerBlocks, ExecBlocks, ResolveBlocks, RoleBlocks, SeverityBlocks, SHARE_OPTION, StatusBlocks, UpdateBlocks, Views } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { checked, chosen, field, incidentIdOf, plainForModal, typed, valuesOf, type Values } from "../forms.js";
import { whoCannotServe } from "../people.js";
import { showErrors, teamOf, type ViewHandler } from "./view-kit.js";

const required = (what: string, max: number) =>
  z.string().trim().min(1, { error: `Please add ${what}.` }).max(max, { error: `Please keep this under ${max} characters.` });

interface Form<T> {
  /** Where refusals are shown. */
  firstBlock: string;
  schema: z.ZodType<T>;
  read: (values: Values) => Record<string, unknown>;
  blockOf: Record<string, string>;
  /** Problems only Slack can tell (someone picked has left the workspace, or is unknown to it), by block; none when all is well. */
  check?: (deps: ListenerDeps, input: T) => Promise<Record<string, string>>;
  /** viewId: a double-submitted form changes the incident once. */
  submit: (deps: ListenerDeps, ref: { teamId: string; incidentId: number }, userId: string, input: T, viewId: string) => Promise<Outcome>;
}

const statusForm: Form<{ to: z.infer<typeof statusSchema>; message: string; share: boolean }> = {
  firstBlock: StatusBlocks.status,
  schema: z.object({ to: statusSchema, message: z.string().max(STATUS_MESSAGE_MAX, { error: `Please keep this under ${STATUS_MESSAGE_MAX} characters.` }), share: z.boolean() }),
  read: (v) => ({ to: chosen(v, StatusBlocks.status), message: typed(v, StatusBlocks.message), share: checked(v, StatusBlocks.share, SHARE_OPTION) }),
  blockOf: { to: StatusBlocks.status, message: StatusBlocks.message },
  submit: (deps, ref, userId, input) => changeStatus(deps, ref, userId, input),
};

const severityForm: Form<{ to: z.infer<typeof severitySchema>; reason: string }> = {
  firstBlock: SeverityBlocks.severity,
  schema: z.object({ to: severitySchema, reason: required("the reason for the change", SEVERITY_REASON_MAX) }),
  read: (v) => ({ to: chosen(v, SeverityBlocks.severity), reason: typed(v, SeverityBlocks.reason) }),
  blockOf: { to: SeverityBlocks.severity, reason: SeverityBlocks.reason },
  submit: (deps, ref, userId, input) => changeSeverity(deps, ref, userId, input),
};

const updateForm: Form<{ impact: string; currentAction: string; nextUpdate: string; share: boolean }> = {
  firstBlock: UpdateBlocks.impact,
  schema: z.object({
    impact: required("the impact", UPDATE_FIELD_MAX),
    currentAction: required("what is being done now", UPDATE_FIELD_MAX),
    nextUpdate: z.string().trim().max(NEXT_UPDATE_MAX),
    share: z.boolean(),
  }),
  read: (v) => ({
    impact: typed(v, UpdateBlocks.impact),
    currentAction: typed(v, UpdateBlocks.currentAction),
    nextUpdate: typed(v, UpdateBlocks.nextUpdate),
    share: checked(v, UpdateBlocks.share, SHARE_OPTION),
  }),
  blockOf: { impact: UpdateBlocks.impact, currentAction: UpdateBlocks.currentAction, nextUpdate: UpdateBlocks.nextUpdate },
  submit: (deps, ref, userId, input, viewId) => postUpdate(deps, ref, userId, { ...input, submissionKey: `view:${viewId}` }),
};

const execSummaryForm: Form<{ impact: string; eta: string; asks: string }> = {
  firstBlock: ExecBlocks.impact,
  schema: z.object({ impact: required("the business impact", EXEC_FIELD_MAX), eta: z.string().trim().max(ETA_MAX), asks: z.string().trim().max(EXEC_FIELD_MAX) }),
  read: (v) => ({ impact: typed(v, ExecBlocks.impact), eta: typed(v, ExecBlocks.eta), asks: typed(v, ExecBlocks.asks) }),
  blockOf: { impact: ExecBlocks.impact, eta: ExecBlocks.eta, asks: ExecBlocks.asks },
  submit: (deps, ref, userId, input, viewId) => postExecutiveSummary(deps, ref, userId, { ...input, submissionKey: `view:${viewId}` }),
};

const customerUpdateForm: Form<{ title: string; state: PublicState; text: string; services: string[] }> = {
  firstBlock: CustomerBlocks.title,
  schema: z.object({
    title: required("a public title", PUBLIC_TITLE_MAX),
    state: publicStateSchema,
    text: required("the message to customers", PUBLIC_TEXT_MAX),
    services: z
      .string()
      .transform((v) => [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))])
      .pipe(z.array(z.string().max(SERVICE_NAME_MAX, { error: `Please keep each service name under ${SERVICE_NAME_MAX} characters.` })).max(PUBLIC_SERVICES_MAX, { error: `Please name at most ${PUBLIC_SERVICES_MAX} services.` })),
  }),
  read: (v) => ({ title: typed(v, CustomerBlocks.title), state: chosen(v, CustomerBlocks.state), text: typed(v, CustomerBlocks.text), services: typed(v, CustomerBlocks.services) }),
  blockOf: { title: CustomerBlocks.title, state: CustomerBlocks.state, text: CustomerBlocks.text, services: CustomerBlocks.services },
  submit: (deps, ref, userId, input, viewId) => publishCustomerUpdate(deps, ref, userId, { ...input, submissionKey: `view:${viewId}` }),
};

const resolveForm: Form<{ summary: string; rootCause: string }> = {
  firstBlock: ResolveBlocks.summary,
  schema: z.object({ summary: required("a resolution summary", RESOLUTION_MAX), rootCause: z.string().trim().max(RESOLUTION_MAX) }),
  read: (v) => ({ summary: typed(v, ResolveBlocks.summary), rootCause: typed(v, ResolveBlocks.rootCause) }),
  blockOf: { summary: ResolveBlocks.summary, rootCause: ResolveBlocks.rootCause },
  submit: (deps, ref, userId, input) => resolve(deps, ref, userId, input),
};

const userId = z.string().regex(/^[UW][A-Z0-9_]+$/);
const rolesForm: Form<Partial<Record<Role, string | null>>> = {
  firstBlock: RoleBlocks.commander,
  schema: z.object({ commander: userId, tech_lead: userId.nullable(), comms_lead: userId.nullable(), scribe: userId.nullable() }),
  read: (v) => Object.fromEntries(roles.map((r) => [r, field(v, RoleBlocks[r])?.selected_user ?? null])),
  blockOf: { commander: RoleBlocks.commander },
  check: async (deps, input) => {
    const picked = roles.flatMap((r) => (input[r] ? [[r, input[r]] as const] : []));
    const cannot = await whoCannotServe(deps, picked.map(([, id]) => id));
    return Object.fromEntries(picked.filter(([, id]) => cannot.has(id)).map(([r, id]) => [RoleBlocks[r], cannot.get(id)!]));
  },
  submit: (deps, ref, userId, input) => assignRoles(deps, ref, userId, input),
};

const forms: Record<string, Form<unknown>> = {
  [Views.status]: statusForm as Form<unknown>,
  [Views.severity]: severityForm as Form<unknown>,
  [Views.update]: updateForm as Form<unknown>,
  [Views.execSummary]: execSummaryForm as Form<unknown>,
  [Views.customerUpdate]: customerUpdateForm as Form<unknown>,
  [Views.resolve]: resolveForm as Form<unknown>,
  [Views.roles]: rolesForm as Form<unknown>,
};

export const warRoomFormSubmitted: ViewHandler = async (deps, args) => {
  const { body, view } = args;
  const form = forms[view.callback_id];
  if (!form) return void (await args.ack());
  const teamId = teamOf(body);
  const incidentId = incidentIdOf(view.private_metadata);
  if (!incidentId) return showErrors(args, { [form.firstBlock]: "This form is out of date. Please close it and open it again from the incident." });
  const parsed = form.schema.safeParse(form.read(valuesOf(view)));
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const block = form.blockOf[String(issue.path[0])] ?? form.firstBlock;
      errors[block] ??= issue.message.startsWith("Please") ? issue.message : "Please check this field.";
    }
    return showErrors(args, errors);
  }
  const problems = (await form.check?.(deps, parsed.data)) ?? {};
  if (Object.keys(problems).length) return showErrors(args, problems);
  let outcome: Outcome;
  try {
    outcome = await form.submit(deps, { teamId, incidentId }, body.user.id, parsed.data, view.id);
  } catch (error) {
    deps.logger.error({ err: error, form: view.callback_id }, "a war-room form failed");
    return showErrors(args, { [form.firstBlock]: "Something went wrong on my side and nothing was changed. Please submit again." });
  }
  if (outcome.ok) {
    await args.ack();
    deps.deliverNow();
    return;
  }
  deps.logger.info({ team: teamId, user: body.user.id, form: view.callback_id, refused: outcome.refusal.code }, "refused an incident change");
  await showErrors(args, { [form.firstBlock]: await plainForModal(deps.gateway, refusalText(outcome.refusal, deps.clock.now())) });
};
