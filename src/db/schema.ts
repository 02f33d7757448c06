// Drizzle tables and indexes: workspaces, incidents, their timeline, the outbox of side effects (Slack, PagerDuty,
// webhooks), and the alerts that open incidents.
import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  index,
  bigint,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { CloseReason, Severity, Status } from "../incidents/lifecycle.js";
import type { NudgeState } from "../incidents/timers.js";
import type { MetricsKind } from "../metrics/kinds.js";
import type { AlertSourceKind, AlertStatus } from "../alerts/vocabulary.js";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const workspaces = pgTable("workspaces", {
  teamId: text("team_id").primaryKey(),
  // Incremented under the row lock by each declare: numbers are per workspace and never reused.
  lastIncidentNumber: integer("last_incident_number").notNull().default(0),
  createdAt: at("created_at").notNull(),
});

/**
 * A workspace that installed the app through OAuth (multi-workspace mode): its bot token and, with token rotation,
 * its refresh token, both encrypted (AES-256-GCM, ENCRYPTION_KEY). An uninstall clears the tokens and sets
 * revoked_at; the workspace's incidents stay until an admin purges them.
 */
export const slackInstallations = pgTable("slack_installations", {
  teamId: text("team_id").primaryKey(),
  enterpriseId: text("enterprise_id"),
  appId: text("app_id"),
  botUserId: text("bot_user_id").notNull(),
  botId: text("bot_id"),
  botTokenEncrypted: text("bot_token_encrypted"),
  refreshTokenEncrypted: text("refresh_token_encrypted"),
  expiresAt: at("expires_at"),
  scopes: text("scopes").notNull().default(""),
  installedBy: text("installed_by"),
  installedAt: at("installed_at").notNull(),
  revokedAt: at("revoked_at"),
});

export type SlackInstallation = typeof slackInstallations.$inferSelect;

export const incidents = pgTable(
  "incidents",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull().references(() => workspaces.teamId),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    severity: text("severity").$type<Severity>().notNull(),
    status: text("status").$type<Status>().notNull(),
    affectedServices: jsonb("affected_services").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    commanderId: text("commander_id").notNull(),
    declaredBy: text("declared_by").notNull(),
    declaredAt: at("declared_at").notNull(),
    originChannelId: text("origin_channel_id"),
    // Where to answer the declarer privately: the slash command's response_url, kept until it is used.
    declarerResponseUrl: text("declarer_response_url"),
    // The modal's view id: a retried or double-submitted modal finds the incident it already made.
    declareKey: text("declare_key").notNull(),
    channelId: text("channel_id"),
    channelName: text("channel_name"),
    // War rooms archived before the incident was reopened, oldest first: the current one continues them.
    previousChannelIds: jsonb("previous_channel_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    summaryTs: text("summary_ts"),
    announcementChannelId: text("announcement_channel_id"),
    announcementTs: text("announcement_ts"),
    techLeadId: text("tech_lead_id"),
    commsLeadId: text("comms_lead_id"),
    scribeId: text("scribe_id"),
    // The first acknowledgement wins; later ones are timeline entries only.
    acknowledgedAt: at("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    identifiedAt: at("identified_at"),
    // Entered monitoring: the fix is in and the impact has stopped.
    mitigatedAt: at("mitigated_at"),
    resolvedAt: at("resolved_at"),
    resolvedBy: text("resolved_by"),
    closedAt: at("closed_at"),
    // Why it was closed, when not simply done: "declared_in_error" (a mistake: kept, but left out of the metrics).
    closeReason: text("close_reason").$type<CloseReason>(),
    // A practice incident (/incident drill): nobody paged, nothing told outside Slack, left out of metrics and
    // search unless asked. Set when declared and never changed: the one source of truth (metrics_kind derives from it).
    isDrill: boolean("is_drill").notNull().default(false),
    // A drill replaying a past incident's timeline: that incident (same workspace) and how many times faster.
    drillReplayOf: bigint("drill_replay_of", { mode: "number" }),
    drillReplaySpeed: integer("drill_replay_speed"),
    // How the metrics treat the incident, derived in the database so it can never disagree with isDrill and
    // closeReason, and so the covering index below can answer the metrics alone.
    metricsKind: text("metrics_kind")
      .$type<MetricsKind>()
      .generatedAlwaysAs(sql`case when is_drill then 'drill' when close_reason = 'declared_in_error' then 'in_error' else 'counted' end`),
    resolutionSummary: text("resolution_summary"),
    rootCause: text("root_cause"),
    lastUpdateAt: at("last_update_at"),
    // The clock: which escalation policy pages for this incident, and how far it has gone.
    escalationPolicyId: bigint("escalation_policy_id", { mode: "number" }),
    escalationLevel: integer("escalation_level").notNull().default(0),
    ackSlaBreachedAt: at("ack_sla_breached_at"),
    resolveSlaBreachedAt: at("resolve_sla_breached_at"),
    // What the war room was last nudged about (unclaimed roles, no progress) and until when a nudge is snoozed.
    nudges: jsonb("nudges").$type<NudgeState>().notNull().default(sql`'{}'::jsonb`),
    // The last alert fact (timeline entry id) the war room has been told about; later ones are told in one line.
    alertLinesThrough: bigint("alert_lines_through", { mode: "number" }).notNull().default(0),
    // Text of updates and status messages, appended as they are posted, so search finds them too.
    searchExtra: text("search_extra").notNull().default(""),
    // Title weighs most, then description, services and resolution, then updates.
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(resolution_summary, '') || ' ' || coalesce(root_cause, '') || ' ' || translate(affected_services::text, '[]",', '    ')), 'B') || setweight(to_tsvector('english', search_extra), 'C')`,
    ),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("incidents_team_number_key").on(t.teamId, t.number),
    uniqueIndex("incidents_team_declare_key").on(t.teamId, t.declareKey),
    // A channel belongs to one incident across every workspace: no war room is ever adopted twice.
    uniqueIndex("incidents_channel_key").on(t.channelId),
    index("incidents_team_status_idx").on(t.teamId, t.status),
    // A person's open incidents, whichever role they hold (the App Home): one small index per role column.
    ...([
      ["commander", t.commanderId],
      ["tech_lead", t.techLeadId],
      ["comms_lead", t.commsLeadId],
      ["scribe", t.scribeId],
    ] as const).map(([role, column]) =>
      index(`incidents_open_${role}_idx`).on(t.teamId, column).where(sql`status in ('investigating', 'identified', 'monitoring')`),
    ),
    index("incidents_search_idx").using("gin", t.searchVector),
    // The metrics' rollup: every column /incident metrics reads about an incident, in declaration order, so a
    // period is one index range read without touching the (wide) rows. PostgreSQL keeps it in the same transaction
    // as every change, so it can never drift from the incidents; see src/metrics/queries.ts for why this shape.
    // (Affected services stay out: a long list could outgrow an index entry; a service filter reads the rows.)
    index("incidents_metrics_idx").on(
      t.teamId,
      t.declaredAt,
      t.metricsKind,
      t.severity,
      t.acknowledgedAt,
      t.mitigatedAt,
      t.resolvedAt,
      t.ackSlaBreachedAt,
      t.resolveSlaBreachedAt,
      t.id,
    ),
    // Which incidents were open at a past moment: unresolved ones, and those resolved after it (read from the index alone).
    index("incidents_metrics_resolved_idx").on(t.teamId, t.resolvedAt, t.declaredAt, t.metricsKind, t.status, t.severity),
  ],
);

export const timelineEntries = pgTable(
  "timeline_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    type: text("type").notNull(),
    // A Slack user id, "warroom" for what the bot did itself, or an integration such as an API token (timeline/actors.ts).
    actor: text("actor").notNull(),
    occurredAt: at("occurred_at").notNull(),
    text: text("text").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    // What the entry was made from (a Slack message), so pinning or retrying adds it only once.
    sourceKey: text("source_key"),
  },
  (t) => [
    index("timeline_incident_time_idx").on(t.teamId, t.incidentId, t.occurredAt, t.id),
    uniqueIndex("timeline_incident_source_key").on(t.teamId, t.incidentId, t.sourceKey),
  ],
);

export const outboxItems = pgTable(
  "outbox_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" }).references(() => incidents.id),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    // Unique per workspace: enqueuing the same side effect twice is a no-op.
    idempotencyKey: text("idempotency_key").notNull(),
    // Lower runs first when more is due than the worker takes at once: an incident's items carry its severity
    // (1 = SEV1), so in an alert storm the most severe war rooms are set up first; items about no incident are 5.
    priority: integer("priority").notNull().default(5),
    // A refresh of the incident's live views: renders current state, so one pending item serves many changes,
    // and it never holds up the items behind it.
    coalesce: boolean("coalesce").notNull().default(false),
    status: text("status").$type<"pending" | "done" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    // A claim is a lease: a worker that dies mid-delivery releases the item when the lease runs out.
    leasedUntil: at("leased_until"),
    lastError: text("last_error"),
    // When the first attempt began: what a crashed worker may have done is looked for from then on.
    attemptedAt: at("attempted_at"),
    // A step nothing else needs (the declarer's link): later items of its incident wait for it only this long
    // after its first attempt, then go ahead of it. Null: they wait until it is done.
    holdsUpMs: integer("holds_up_ms"),
    // Set when an attempt may have changed something in Slack without learning the outcome (an answer lost, a
    // call cut off, a worker gone): the next attempt looks for what it may have done, from this time on.
    uncertainSince: at("uncertain_since"),
    // What the delivery has done or is about to do, written before calls that cannot be checked afterwards,
    // so a retry resumes instead of repeating (see the deliverers).
    progress: jsonb("progress").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    // Items wait for earlier pending items of their incident in the same lane only: null is the main (Slack)
    // lane; PagerDuty and each webhook endpoint have their own, so one surface's trouble holds up no other.
    lane: text("lane"),
    // What a refresh about no incident renders (a person's App Home: "home:U123"): equal refreshes of one subject
    // coalesce and go one after another, as an incident's card refreshes do.
    subject: text("subject"),
    createdAt: at("created_at").notNull(),
    finishedAt: at("finished_at"),
  },
  (t) => [
    uniqueIndex("outbox_team_key").on(t.teamId, t.idempotencyKey),
    index("outbox_pending_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("outbox_incident_order_idx").on(t.incidentId, t.id).where(sql`status = 'pending'`),
    index("outbox_subject_order_idx").on(t.teamId, t.subject, t.id).where(sql`status = 'pending' and subject is not null`),
    // Pruning finds finished items by age.
    index("outbox_finished_idx").on(t.finishedAt).where(sql`status <> 'pending'`),
  ],
);

/**
 * Time-driven work (escalations, reminders, SLA checks), due at a time kept here, never only in memory.
 * A tick claims due rows with FOR UPDATE SKIP LOCKED and handles each in the transaction that marks it done.
 */
export const scheduledJobs = pgTable(
  "scheduled_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" }).references(() => incidents.id),
    kind: text("kind").notNull(),
    // One live job per key: rescheduling moves it instead of adding another.
    jobKey: text("job_key").notNull(),
    dueAt: at("due_at").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    status: text("status").$type<"pending" | "done" | "cancelled" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: at("created_at").notNull(),
    finishedAt: at("finished_at"),
  },
  (t) => [
    uniqueIndex("scheduled_jobs_team_key").on(t.teamId, t.jobKey),
    index("scheduled_jobs_due_idx").on(t.dueAt).where(sql`status = 'pending'`),
    index("scheduled_jobs_incident_idx").on(t.incidentId).where(sql`status = 'pending'`),
    // Pruning finds finished jobs by age.
    index("scheduled_jobs_finished_idx").on(t.finishedAt).where(sql`status <> 'pending'`),
  ],
);

export const oncallSchedules = pgTable(
  "oncall_schedules",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    handoffTime: text("handoff_time").notNull(),
    lengthHours: integer("length_hours").notNull(),
    startDate: text("start_date").notNull(),
    members: jsonb("members").$type<string[]>().notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("oncall_schedules_team_name").on(t.teamId, t.name)],
);

export const oncallOverrides = pgTable(
  "oncall_overrides",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    scheduleId: bigint("schedule_id", { mode: "number" })
      .notNull()
      .references(() => oncallSchedules.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("oncall_overrides_schedule_idx").on(t.teamId, t.scheduleId, t.endsAt)],
);

export type EscalationTarget = { type: "user"; userId: string } | { type: "schedule"; scheduleId: number } | { type: "usergroup"; groupId: string };
export interface EscalationLevel {
  targets: EscalationTarget[];
  /** Minutes before moving on to the next level; null: the severity's default. */
  delayMinutes: number | null;
}

export const escalationPolicies = pgTable(
  "escalation_policies",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    name: text("name").notNull(),
    levels: jsonb("levels").$type<EscalationLevel[]>().notNull(),
    // How many more times the whole policy runs after its last level.
    repeat: integer("repeat").notNull().default(0),
    isDefault: integer("is_default").notNull().default(0),
    services: jsonb("services").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    // The Events API v2 integration key of the PagerDuty service that also hears about this policy's incidents.
    pagerdutyRoutingKey: text("pagerduty_routing_key"),
    createdBy: text("created_by").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("escalation_policies_team_name").on(t.teamId, t.name)],
);

export interface PostmortemContent {
  summary?: string;
  usersAffected?: string;
  revenueImpact?: string;
  servicesImpacted?: string;
  /** The 5-whys helper: up to five answers, in order. */
  whys?: string[];
  wentWell?: string;
  couldImprove?: string;
  lucky?: string;
  lessons?: string;
  /** Timeline entries the author dropped, and notes on the others, by entry id. */
  droppedEntries?: number[];
  entryNotes?: Record<string, string>;
}

export const postmortems = pgTable(
  "postmortems",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    status: text("status").$type<"not_started" | "draft" | "in_review" | "published" | "waived">().notNull().default("not_started"),
    authorId: text("author_id"),
    content: jsonb("content").$type<PostmortemContent>().notNull().default(sql`'{}'::jsonb`),
    waivedReason: text("waived_reason"),
    startedAt: at("started_at"),
    publishedAt: at("published_at"),
    publishedBy: text("published_by"),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("postmortems_team_incident").on(t.teamId, t.incidentId)],
);

export const actionItems = pgTable(
  "action_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    description: text("description").notNull(),
    ownerId: text("owner_id").notNull(),
    dueDate: text("due_date"),
    priority: text("priority").$type<"high" | "medium" | "low">().notNull().default("medium"),
    status: text("status").$type<"open" | "in_progress" | "done" | "wont_do">().notNull().default("open"),
    wontDoReason: text("wont_do_reason"),
    // The owner's time zone (from Slack when assigned): overdue reminders arrive in their morning.
    ownerTimeZone: text("owner_time_zone").notNull().default("UTC"),
    createdBy: text("created_by").notNull(),
    // A double-submitted form adds the item once.
    sourceKey: text("source_key"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    index("action_items_incident_idx").on(t.teamId, t.incidentId),
    index("action_items_owner_idx").on(t.teamId, t.ownerId, t.status),
    uniqueIndex("action_items_source_key").on(t.teamId, t.sourceKey),
    // The open ones only (most items end done): the metrics count a period's open items without reading the rest.
    index("action_items_open_idx").on(t.teamId, t.incidentId).where(sql`status in ('open', 'in_progress')`),
  ],
);

/**
 * Signed requests already handled, by their signature, for as long as Slack's signature window (5 minutes) makes a
 * replay possible: a repeat is treated as already handled, on whichever replica it arrives.
 */
export const seenRequests = pgTable(
  "seen_requests",
  {
    signature: text("signature").primaryKey(),
    seenAt: at("seen_at").notNull(),
  },
  (t) => [index("seen_requests_seen_at_idx").on(t.seenAt)],
);

/**
 * What PagerDuty was last told about an incident's alert (the PagerDuty surface's own record): the routing key its
 * trigger went to, so acknowledge and resolve go to the same service even if the configuration changes, and the
 * state PagerDuty has, so each action is sent once per alert. A reopened incident triggers a new alert.
 */
export const pagerdutyAlerts = pgTable(
  "pagerduty_alerts",
  {
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    routingKey: text("routing_key").notNull(),
    dedupKey: text("dedup_key").notNull(),
    state: text("state").$type<"triggered" | "acknowledged" | "resolved">().notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pagerduty_alerts_team_incident").on(t.teamId, t.incidentId)],
);

/**
 * Bearer tokens of the REST API, one workspace each, created by incident admins. Only a SHA-256 of the token is kept;
 * a revoked token stays (its name is on timeline entries) but opens nothing.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: at("created_at").notNull(),
    // Written at most once a minute per token, so a busy integration does not write on every request.
    lastUsedAt: at("last_used_at"),
    revokedAt: at("revoked_at"),
    revokedBy: text("revoked_by"),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_key").on(t.tokenHash),
    // A name is reusable once its token is revoked.
    uniqueIndex("api_tokens_team_live_name").on(t.teamId, t.name).where(sql`revoked_at is null`),
  ],
);

/**
 * Requests sent with an `Idempotency-Key`, per token: a retry with the same key gets the first answer again instead
 * of acting twice. `status` is null while the first request is still being handled (leased until `lockedUntil`).
 */
export const apiIdempotencyKeys = pgTable(
  "api_idempotency_keys",
  {
    teamId: text("team_id").notNull(),
    tokenId: bigint("token_id", { mode: "number" })
      .notNull()
      .references(() => apiTokens.id),
    key: text("key").notNull(),
    // Method, path and body of the first request: the same key with another request is refused, not replayed.
    fingerprint: text("fingerprint").notNull(),
    status: integer("status"),
    // The answer's body and headers, replayed as they were.
    answer: jsonb("answer").$type<{ body?: unknown; headers?: Record<string, string> }>(),
    lockedUntil: at("locked_until"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.tokenId, t.key] }), index("api_idempotency_keys_created_idx").on(t.createdAt)],
);

/**
 * Where alerts come from: one row per sender (an Alertmanager, a Grafana, a script), each with its own bearer
 * token (only its SHA-256 is kept) and its own rules for turning alerts into incidents.
 */
export const alertSources = pgTable(
  "alert_sources",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").$type<AlertSourceKind>().notNull(),
    // SHA-256 (hex) of the bearer token; the token is shown once when issued and never stored. Null: no token works.
    tokenHash: text("token_hash"),
    // The token's last characters, so people can tell which token a sender holds.
    tokenHint: text("token_hint"),
    tokenIssuedAt: at("token_issued_at"),
    // Alert severity label (lowercase) → incident severity, on top of the built-in mapping.
    severityMap: jsonb("severity_map").$type<Record<string, Severity>>().notNull().default(sql`'{}'::jsonb`),
    // For alerts whose severity label is missing or unknown.
    defaultSeverity: text("default_severity").$type<Severity>().notNull().default("sev3"),
    // Resolve the incident when every one of its alerts has resolved (otherwise people do).
    autoResolve: boolean("auto_resolve").notNull().default(false),
    // An alert of a group whose incident was resolved at most this long ago reopens it instead of declaring anew.
    refireMinutes: integer("refire_minutes").notNull().default(60),
    // Who added the source (and commands its incidents when nobody is on call); null for the one from ALERTS_TOKEN.
    ownerId: text("owner_id"),
    fromEnv: boolean("from_env").notNull().default(false),
    createdAt: at("created_at").notNull(),
  },
  (t) => [uniqueIndex("alert_sources_team_name").on(t.teamId, t.name), uniqueIndex("alert_sources_token_key").on(t.tokenHash)],
);

/**
 * Every alert delivered, one row per state an alert reached (firing, resolved): a delivery that repeats one
 * (same fingerprint, status and start) inserts nothing. Rows are recorded before the sender is answered and
 * turned into incidents just after (processedAt), group by group.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    sourceId: bigint("source_id", { mode: "number" })
      .notNull()
      .references(() => alertSources.id),
    fingerprint: text("fingerprint").notNull(),
    status: text("status").$type<AlertStatus>().notNull(),
    startsAt: at("starts_at").notNull(),
    endsAt: at("ends_at"),
    // Alerts of one group (Alertmanager's groupKey, Grafana's group labels, the generic `group`) share an incident.
    groupKey: text("group_key").notNull(),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    annotations: jsonb("annotations").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    generatorUrl: text("generator_url"),
    // The alert as the sender wrote it, with its notification's own fields (receiver, groupKey, externalURL, …).
    raw: jsonb("raw").$type<Record<string, unknown>>().notNull(),
    receivedAt: at("received_at").notNull(),
    processedAt: at("processed_at"),
    incidentId: bigint("incident_id", { mode: "number" }).references(() => incidents.id),
  },
  (t) => [
    uniqueIndex("alerts_delivery_key").on(t.teamId, t.sourceId, t.fingerprint, t.status, t.startsAt),
    index("alerts_unprocessed_idx").on(t.id).where(sql`processed_at is null`),
    index("alerts_incident_idx").on(t.teamId, t.incidentId),
    index("alerts_source_received_idx").on(t.sourceId, t.receivedAt),
  ],
);

/** One row per alert group: locked while its alerts are turned into an incident, so concurrent deliveries never declare twice. */
export const alertGroups = pgTable(
  "alert_groups",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    sourceId: bigint("source_id", { mode: "number" })
      .notNull()
      .references(() => alertSources.id),
    groupKey: text("group_key").notNull(),
    // The incident the group's alerts go to (open, or resolved within the source's re-fire window).
    incidentId: bigint("incident_id", { mode: "number" }).references(() => incidents.id),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("alert_groups_key").on(t.teamId, t.sourceId, t.groupKey)],
);

/**
 * People who have opened the bot's App Home at least once, per workspace: only their Home is re-published when
 * something on it changes (Slack shows nothing to anyone else, and a publish for them would only cost rate budget).
 */
export const homeViewers = pgTable(
  "home_viewers",
  {
    teamId: text("team_id").notNull(),
    userId: text("user_id").notNull(),
    firstOpenedAt: at("first_opened_at").notNull(),
    lastOpenedAt: at("last_opened_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

export type Incident = typeof incidents.$inferSelect;
export type Postmortem = typeof postmortems.$inferSelect;
export type ActionItem = typeof actionItems.$inferSelect;
export type ScheduledJob = typeof scheduledJobs.$inferSelect;
export type OncallSchedule = typeof oncallSchedules.$inferSelect;
export type EscalationPolicy = typeof escalationPolicies.$inferSelect;
export type TimelineEntry = typeof timelineEntries.$inferSelect;
export type OutboxItem = typeof outboxItems.$inferSelect;
export type AlertSource = typeof alertSources.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type PagerDutyAlert = typeof pagerdutyAlerts.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;

/**
 * The audit log: every change a person or an integration made, and every refusal, with who, what, on what and when.
 * Written in the transaction of the change it records (src/audit/), so a change that rolled back left no entry.
 */
export const auditEntries = pgTable(
  "audit_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    at: at("at").notNull(),
    // As the timeline stores actors (timeline/actors.ts): a Slack user id, or an integration such as an API token.
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    // What it was about: an incident, a schedule, a cover, an escalation policy, an API token or an alert source.
    subjectKind: text("subject_kind").notNull(),
    subjectId: bigint("subject_id", { mode: "number" }),
    subjectName: text("subject_name"),
    // Set when the subject is an incident (or belongs to one), for "this incident's audit log, newest first".
    incidentId: bigint("incident_id", { mode: "number" }),
    incidentNumber: integer("incident_number"),
    result: text("result").$type<"done" | "refused">().notNull(),
    reason: text("reason"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    // Ascending, read backwards: ORDER BY at DESC, id DESC (nulls first) matches a backward scan, not a DESC NULLS LAST index.
    index("audit_entries_team_newest_idx").on(t.teamId, t.at, t.id),
    index("audit_entries_incident_newest_idx").on(t.teamId, t.incidentId, t.at, t.id).where(sql`incident_id is not null`),
    // Retention deletes the oldest first, across workspaces.
    index("audit_entries_at_idx").on(t.at),
  ],
);

export type AuditEntry = typeof auditEntries.$inferSelect;

// The public status page (src/status-page/): only what a person explicitly published there, written in the same
// transaction as the incident's comms_posted fact. Everything the page shows comes from these two tables, never
// from the incident's internal fields (its title, description or updates may say more than customers should read).
export const statusPageIncidents = pgTable(
  "status_page_incidents",
  {
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    // The incident's number (it never changes), so the page never reads the incidents table.
    incidentNumber: integer("incident_number").notNull(),
    // As last published: the public title, state and affected services.
    title: text("title").notNull(),
    state: text("state").notNull(),
    services: jsonb("services").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    firstPublishedAt: at("first_published_at").notNull(),
    lastPublishedAt: at("last_published_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.incidentId] }),
    // The page: open public incidents, and those published within the history window (newest first).
    index("status_page_incidents_open_idx").on(t.teamId, t.lastPublishedAt).where(sql`state <> 'resolved'`),
    index("status_page_incidents_recent_idx").on(t.teamId, t.lastPublishedAt),
  ],
);

export const statusPageUpdates = pgTable(
  "status_page_updates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    state: text("state").notNull(),
    text: text("text").notNull(),
    publishedAt: at("published_at").notNull(),
    publishedBy: text("published_by").notNull(),
    // The timeline entry (comms_posted) it was published with.
    entryId: bigint("entry_id", { mode: "number" }),
  },
  (t) => [
    index("status_page_updates_incident_idx").on(t.teamId, t.incidentId, t.publishedAt, t.id),
    // The page's version (its newest publication), read on every request to serve the rendered page from memory.
    index("status_page_updates_team_newest_idx").on(t.teamId, t.id),
  ],
);

export type StatusPageIncident = typeof statusPageIncidents.$inferSelect;
export type StatusPageUpdate = typeof statusPageUpdates.$inferSelect;

/**
 * Playbooks written in Slack by an admin (those of PLAYBOOKS_FILE are read from the file at start): which incidents
 * each fits (severities, services; empty: any) and its checklist items, in order, by phase (src/playbooks/).
 */
export const playbooks = pgTable(
  "playbooks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    name: text("name").notNull(),
    severities: text("severities").array().$type<Severity[]>().notNull().default(sql`'{}'::text[]`),
    services: text("services").array().notNull().default(sql`'{}'::text[]`),
    items: jsonb("items").$type<Array<{ phase: string; text: string; role?: string; link?: string }>>().notNull(),
    createdBy: text("created_by").notNull(),
    updatedBy: text("updated_by").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("playbooks_team_name").on(t.teamId, sql`lower(${t.name})`)],
);

/** An incident's checklist: the items its playbooks brought and those added by hand, each done (by whom, when) or open. */
export const incidentTasks = pgTable(
  "incident_tasks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" })
      .notNull()
      .references(() => incidents.id),
    phase: text("phase").notNull(),
    text: text("text").notNull(),
    ownerRole: text("owner_role"),
    link: text("link"),
    position: integer("position").notNull(),
    // "file:<name>" or "db:<id>" for a playbook's item; null for one added by hand.
    sourcePlaybook: text("source_playbook"),
    addedBy: text("added_by").notNull(),
    createdAt: at("created_at").notNull(),
    doneAt: at("done_at"),
    doneBy: text("done_by"),
  },
  (t) => [index("incident_tasks_incident_idx").on(t.teamId, t.incidentId, t.position)],
);

/** Where an incident's checklist message is in Slack (one per war room), so a refresh edits it in place. */
export const checklistMessages = pgTable(
  "checklist_messages",
  {
    teamId: text("team_id").notNull(),
    incidentId: bigint("incident_id", { mode: "number" }).notNull(),
    channelId: text("channel_id").notNull(),
    ts: text("ts").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.incidentId] })],
);

export type PlaybookRow = typeof playbooks.$inferSelect;
export type IncidentTask = typeof incidentTasks.$inferSelect;
