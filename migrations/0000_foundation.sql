CREATE TABLE "incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"affected_services" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"commander_id" text NOT NULL,
	"declared_by" text NOT NULL,
	"declared_at" timestamp with time zone NOT NULL,
	"origin_channel_id" text,
	"declarer_response_url" text,
	"declare_key" text NOT NULL,
	"channel_id" text,
	"channel_name" text,
	"summary_ts" text,
	"announcement_channel_id" text,
	"announcement_ts" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"leased_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "timeline_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"text" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"team_id" text PRIMARY KEY NOT NULL,
	"last_incident_number" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_team_id_workspaces_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."workspaces"("team_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD CONSTRAINT "outbox_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_entries" ADD CONSTRAINT "timeline_entries_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_team_number_key" ON "incidents" USING btree ("team_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_team_declare_key" ON "incidents" USING btree ("team_id","declare_key");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_team_channel_key" ON "incidents" USING btree ("team_id","channel_id");--> statement-breakpoint
CREATE INDEX "incidents_team_status_idx" ON "incidents" USING btree ("team_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_team_key" ON "outbox_items" USING btree ("team_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_pending_due_idx" ON "outbox_items" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_incident_order_idx" ON "outbox_items" USING btree ("incident_id","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "timeline_incident_time_idx" ON "timeline_entries" USING btree ("team_id","incident_id","occurred_at","id");