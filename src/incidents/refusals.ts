// Why the domain said no, as facts a surface can word in its own language (Slack sentences, HTTP errors).
import type { Incident } from "../db/schema.js";
import type { Severity, Status, TransitionRoute } from "./lifecycle.js";
import type { Permission } from "./permissions.js";
import type { Role } from "./roles.js";

/** Everything a person can ask of an incident or its postmortem, for "only … can <action>". */
export type IncidentAction =
  | "change_status"
  | "change_severity"
  | "assign_roles"
  | "post_update"
  | "resolve"
  | "close"
  | "reopen"
  | "edit_postmortem"
  | "publish_postmortem"
  | "waive_postmortem"
  | "change_action_item";

/** The text a person left out that the action needs. */
export type MissingText = "note" | "waive_reason" | "wont_do_reason" | "resolution_summary" | "comms_text";

export type Refusal =
  | { code: "not_found" }
  | { code: "not_allowed"; action: IncidentAction; incident: Incident; permission: Permission }
  /** The lifecycle does not allow this move (see lifecycle.ts for what it does allow). */
  | { code: "transition"; incident: Incident; to: Status; route: TransitionRoute }
  | { code: "closed"; incident: Incident }
  | { code: "already_resolved"; incident: Incident }
  | { code: "still_open"; incident: Incident; wanted: "reopen" | "postmortem" }
  | { code: "same_severity"; incident: Incident; severity: Severity }
  | { code: "commander_required" }
  /** Someone claimed a role that somebody else holds already. */
  | { code: "role_taken"; incident: Incident; role: Role; holder: string }
  /** Escalating by hand: no escalation policy covers the incident, or its last level is paged already. */
  | { code: "no_escalation_level"; incident: Incident; why: "no_policy" | "last_level"; level: number }
  | { code: "missing_text"; what: MissingText }
  | { code: "too_long"; what: string; max: number }
  // Postmortems.
  | { code: "postmortem_published"; incident: Incident }
  | { code: "postmortem_waived"; incident: Incident; reason: string }
  | { code: "postmortem_locked"; incident: Incident; status: string }
  | { code: "postmortem_not_written"; incident: Incident }
  | { code: "postmortem_needs_summary"; incident: Incident; wanted: "review" | "publish" }
  | { code: "postmortem_required"; incident: Incident }
  | { code: "postmortem_in_state"; incident: Incident; status: string }
  // Action items.
  | { code: "no_action_item"; itemId: number };

export type Refused = { ok: false; refusal: Refusal };

export const refuse = (refusal: Refusal): Refused => ({ ok: false, refusal });
