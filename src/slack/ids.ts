// Every callback_id, action_id and block_id the bot uses, defined once.
export const Views = {
  declare: "declare_incident",
  status: "incident_status",
  roles: "incident_roles",
  update: "incident_update",
  execSummary: "incident_exec_summary",
  customerUpdate: "incident_customer_update",
  resolve: "incident_resolve",
  severity: "incident_severity",
  schedule: "oncall_schedule",
  override: "oncall_override",
  policy: "escalation_policy",
  pmSummary: "postmortem_summary",
  pmCause: "postmortem_cause",
  pmReflection: "postmortem_reflection",
  pmTimeline: "postmortem_timeline",
  pmActions: "postmortem_actions",
  actionItem: "action_item",
  reassignActionItem: "action_item_reassign",
  addAlertSource: "alert_source_add",
  rotateAlertToken: "alert_source_rotate",
  alertTokenIssued: "alert_source_token",
  playbook: "playbook_form",
  playbookSaved: "playbook_saved",
} as const;

export const PmBlocks = {
  summary: "summary",
  usersAffected: "users_affected",
  revenue: "revenue",
  services: "services",
  wentWell: "went_well",
  couldImprove: "could_improve",
  lucky: "lucky",
  lessons: "lessons",
  dropped: "dropped",
  notes: "notes",
} as const;
export const whyBlock = (n: number): string => `why_${n}`;
export const ActionBlocks = { description: "description", owner: "owner", due: "due", priority: "priority", another: "another" } as const;
export const ANOTHER_OPTION = "another";

export const ScheduleBlocks = {
  name: "name",
  members: "members",
  timeZone: "time_zone",
  handoff: "handoff",
  length: "length",
  customHours: "custom_hours",
  startDate: "start_date",
} as const;
export const OverrideBlocks = { user: "user", startDate: "start_date", startTime: "start_time", endDate: "end_date", endTime: "end_time" } as const;
export const PolicyBlocks = { name: "name", services: "services", repeat: "repeat", isDefault: "is_default", pagerDuty: "pagerduty" } as const;
/** Escalation levels in the policy form: level_1_users, level_1_schedule, level_1_delay, … */
export const policyLevelBlock = (level: number, part: "users" | "schedule" | "group" | "delay"): string => `level_${level}_${part}`;
export const POLICY_FORM_LEVELS = 3;
export const DEFAULT_OPTION = "default";

export const AlertSourceBlocks = {
  name: "name",
  kind: "kind",
  autoResolve: "auto_resolve",
  refire: "refire_minutes",
  defaultSeverity: "default_severity",
  severityMap: "severity_map",
} as const;
export const AUTO_RESOLVE_OPTION = "auto_resolve";
export const AlertSourceActions = { add: "alert_source_add", rotate: "alert_source_rotate" } as const;

export const StatusBlocks = { status: "status", message: "message", share: "share" } as const;
/** One users_select per role, block_id = the role name (commander, tech_lead, comms_lead, scribe). */
export const RoleBlocks = { commander: "commander", tech_lead: "tech_lead", comms_lead: "comms_lead", scribe: "scribe" } as const;
export const UpdateBlocks = { impact: "impact", currentAction: "current_action", nextUpdate: "next_update", share: "share" } as const;
/** The comms templates beyond the internal update (src/incidents/comms.ts). */
export const ExecBlocks = { impact: "exec_impact", eta: "exec_eta", asks: "exec_asks" } as const;
export const CustomerBlocks = { title: "public_title", state: "public_state", text: "public_text", services: "public_services" } as const;
export const ResolveBlocks = { summary: "summary", rootCause: "root_cause" } as const;
export const SeverityBlocks = { severity: "severity", reason: "reason" } as const;
/** The value of the single checkbox option in a "share in the announcement channel" input. */
export const SHARE_OPTION = "share";

export const DeclareBlocks = {
  title: "title",
  severity: "severity",
  description: "description",
  services: "services",
  commander: "commander",
} as const;

/** Each input block holds one element; its action_id is the block_id with "_input". */
export const inputAction = (blockId: string): string => `${blockId}_input`;

export const WarRoomActions = {
  acknowledge: "incident_acknowledge",
  updateStatus: "incident_update_status",
  assignRoles: "incident_assign_roles",
  postUpdate: "incident_post_update",
  resolve: "incident_resolve",
  /** The card's overflow menu; its options' values are CardMenu entries. */
  menu: "incident_card_menu",
} as const;

/** The war room's nudges: "I'll take …" per role it asks for, Escalate, and a Snooze per nudge (values: the incident id). */
export const NudgeActions = {
  claimCommsLead: "nudge_claim_comms_lead",
  claimScribe: "nudge_claim_scribe",
  escalate: "nudge_escalate",
  snoozeUnclaimedRoles: "nudge_snooze_unclaimed_roles",
  snoozeNoProgress: "nudge_snooze_no_progress",
} as const;

export const CardMenu = { changeSeverity: "change_severity", showTimeline: "show_timeline", execSummary: "comms_executive", customerUpdate: "comms_customer" } as const;

/** The comms picker's buttons (/incident comms) and the all-clear offered when a public incident resolves; value: the incident id. */
export const CommsActions = { internal: "comms_internal", executive: "comms_executive", customer: "comms_customer" } as const;

export const OncallActions = { removeCover: "oncall_remove_cover" } as const;
export const PostmortemActions = { start: "postmortem_start" } as const;
export const ActionItemActions = { done: "action_item_done", snooze: "action_item_snooze", reassign: "action_item_reassign" } as const;

/** The App Home: its buttons (Mark done and Snooze are the action-item buttons of the DMs) and its views. */
export const HomeActions = { declare: "home_declare" } as const;
export const HomeViews = { home: "warroom_home", refusal: "home_refusal" } as const;

export const Shortcuts = { addToTimeline: "add_to_incident_timeline", declareFromMessage: "declare_incident_from_message" } as const;


/**
 * The checklist message: one checkboxes element per ten items, action_id `checklist_tick_<n>` (unique in its block);
 * each option's value is the item's id. The playbook form's blocks, and the list's Add / Edit buttons.
 */
export const ChecklistActions = { tickPrefix: "checklist_tick_" } as const;
export const isChecklistTick = (actionId: string): boolean => /^checklist_tick_\d{1,3}$/.test(actionId);
export const PlaybookBlocks = { name: "name", severities: "severities", services: "services", items: "items" } as const;
export const PlaybookActions = { add: "playbook_add", edit: "playbook_edit" } as const;
