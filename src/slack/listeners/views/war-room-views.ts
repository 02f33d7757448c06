// Submissions of the war-room forms: status, roles, update, resolve, severity. Valid input is handed to the
// domain before the modal closes; a refusal shows under the form's first field, in words a person can act on.
import type { App, ViewOutput } from "@slack/bolt";
import { z } from "zod";
import { severitySchema, statusSchema } from "../../../incidents/lifecycle.js";
import { roles, type Role } from "../../../incidents/roles.js";
import { assignRoles, changeSeverity, changeStatus, postUpdate, resolve, type Outcome } from "../../../incidents/war-room.js";
import { ResolveBlocks, RoleBlocks, SeverityBlocks, SHARE_OPTION, StatusBlocks, UpdateBlocks, Views, inputAction } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { asPlainText } from "../slack-profile.js";

type Values = ViewOutput["state"]["values"];
const field = (values: Values, block: string) => values[block]?.[inputAction(block)];
const typed = (values: Values, block: string) => field(values, block)?.value ?? "";
const chosen = (values: Values, block: string) => field(values, block)?.selected_option?.value;
const checked = (values: Values, block: string) => Boolean(field(values, block)?.selected_options?.some((o) => o.value === SHARE_OPTION));

const metadataSchema = z.object({ incidentId: z.number().int().positive() });
const required = (what: string, max: number) =>
  z.string().trim().min(1, { error: `Please add ${what}.` }).max(max, { error: `Please keep this under ${max} characters.` });

interface Form<T> {
  callbackId: string;
  /** Where refusals are shown. */
  firstBlock: string;
  schema: z.ZodType<T>;
  read: (values: Values) => Record<string, unknown>;
  blockOf: Record<string, string>;
  /** viewId: a double-submitted form changes the incident once. */
  submit: (deps: ListenerDeps, ref: { teamId: string; incidentId: number }, userId: string, input: T, viewId: string) => Promise<Outcome>;
}

const statusForm: Form<{ to: z.infer<typeof statusSchema>; message: string; share: boolean }> = {
  callbackId: Views.status,
  firstBlock: StatusBlocks.status,
  schema: z.object({ to: statusSchema, message: z.string().max(3000), share: z.boolean() }),
  read: (v) => ({ to: chosen(v, StatusBlocks.status), message: typed(v, StatusBlocks.message), share: checked(v, StatusBlocks.share) }),
  blockOf: { to: StatusBlocks.status, message: StatusBlocks.message },
  submit: (deps, ref, userId, input) => changeStatus(deps, ref, userId, input),
};

const severityForm: Form<{ to: z.infer<typeof severitySchema>; reason: string }> = {
  callbackId: Views.severity,
  firstBlock: SeverityBlocks.severity,
  schema: z.object({ to: severitySchema, reason: required("the reason for the change", 1000) }),
  read: (v) => ({ to: chosen(v, SeverityBlocks.severity), reason: typed(v, SeverityBlocks.reason) }),
  blockOf: { to: SeverityBlocks.severity, reason: SeverityBlocks.reason },
  submit: (deps, ref, userId, input) => changeSeverity(deps, ref, userId, input),
};

const updateForm: Form<{ impact: string; currentAction: string; nextUpdate: string; share: boolean }> = {
  callbackId: Views.update,
  firstBlock: UpdateBlocks.impact,
  schema: z.object({
    impact: required("the impact", 1500),
    currentAction: required("what is being done now", 1500),
    nextUpdate: z.string().trim().max(100),
    share: z.boolean(),
  }),
  read: (v) => ({
    impact: typed(v, UpdateBlocks.impact),
    currentAction: typed(v, UpdateBlocks.currentAction),
    nextUpdate: typed(v, UpdateBlocks.nextUpdate),
    share: checked(v, UpdateBlocks.share),
  }),
  blockOf: { impact: UpdateBlocks.impact, currentAction: UpdateBlocks.currentAction, nextUpdate: UpdateBlocks.nextUpdate },
  submit: (deps, ref, userId, input, viewId) => postUpdate(deps, ref, userId, { ...input, submissionKey: `view:${viewId}` }),
};

const resolveForm: Form<{ summary: string; rootCause: string }> = {
  callbackId: Views.resolve,
  firstBlock: ResolveBlocks.summary,
  schema: z.object({ summary: required("a resolution summary", 3000), rootCause: z.string().trim().max(3000) }),
  read: (v) => ({ summary: typed(v, ResolveBlocks.summary), rootCause: typed(v, ResolveBlocks.rootCause) }),
  blockOf: { summary: ResolveBlocks.summary, rootCause: ResolveBlocks.rootCause },
  submit: (deps, ref, userId, input) => resolve(deps, ref, userId, input),
};

const userId = z.string().regex(/^[UW][A-Z0-9_]+$/);
const rolesForm: Form<Partial<Record<Role, string | null>>> = {
  callbackId: Views.roles,
  firstBlock: RoleBlocks.commander,
  schema: z.object({
    commander: userId,
    tech_lead: userId.nullable(),
    comms_lead: userId.nullable(),
    scribe: userId.nullable(),
  }),
  read: (v) => Object.fromEntries(roles.map((r) => [r, field(v, RoleBlocks[r])?.selected_user ?? null])),
  blockOf: { commander: RoleBlocks.commander },
  submit: (deps, ref, userId, input) => assignRoles(deps, ref, userId, input),
};

export function registerWarRoomViews(app: App, deps: ListenerDeps): void {
  for (const form of [statusForm, severityForm, updateForm, resolveForm, rolesForm] as Form<unknown>[]) {
    app.view(form.callbackId, async ({ ack, body, view, client }) => {
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const meta = metadataSchema.safeParse(safeJson(view.private_metadata));
      if (!meta.success) {
        await ack({ response_action: "errors", errors: { [form.firstBlock]: "This form is out of date. Please close it and open it again from the incident." } });
        return;
      }
      const parsed = form.schema.safeParse(form.read(view.state.values));
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) {
          const block = form.blockOf[String(issue.path[0])] ?? form.firstBlock;
          errors[block] ??= issue.message.startsWith("Please") ? issue.message : "Please check this field.";
        }
        await ack({ response_action: "errors", errors });
        return;
      }
      let outcome: Outcome;
      try {
        outcome = await form.submit(deps, { teamId, incidentId: meta.data.incidentId }, body.user.id, parsed.data, view.id);
      } catch (error) {
        deps.logger.error({ err: error, form: form.callbackId }, "a war-room form failed");
        await ack({ response_action: "errors", errors: { [form.firstBlock]: "Something went wrong on my side and nothing was changed. Please submit again." } });
        return;
      }
      if (outcome.ok) {
        await ack();
        deps.deliverNow();
        return;
      }
      deps.logger.info({ team: teamId, user: body.user.id, form: form.callbackId, refused: outcome.refused }, "refused an incident change");
      await ack({ response_action: "errors", errors: { [form.firstBlock]: await asPlainText(client, outcome.reason) } });
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}
