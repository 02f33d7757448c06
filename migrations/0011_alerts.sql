CREATE TABLE "alert_groups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"source_id" bigint NOT NULL,
	"group_key" text NOT NULL,
	"incident_id" bigint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_sources" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"token_hash" text,
	"token_hint" text,
	"token_issued_at" timestamp with time zone,
	"severity_map" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"default_severity" text DEFAULT 'sev3' NOT NULL,
	"auto_resolve" boolean DEFAULT false NOT NULL,
	"refire_minutes" integer DEFAULT 60 NOT NULL,
	"owner_id" text,
	"from_env" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"source_id" bigint NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"group_key" text NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"annotations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"generator_url" text,
	"raw" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"incident_id" bigint
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "alert_lines_through" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "priority" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_groups" ADD CONSTRAINT "alert_groups_source_id_alert_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."alert_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_groups" ADD CONSTRAINT "alert_groups_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_source_id_alert_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."alert_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_groups_key" ON "alert_groups" USING btree ("team_id","source_id","group_key");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_sources_team_name" ON "alert_sources" USING btree ("team_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_sources_token_key" ON "alert_sources" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_delivery_key" ON "alerts" USING btree ("team_id","source_id","fingerprint","status","starts_at");--> statement-breakpoint
CREATE INDEX "alerts_unprocessed_idx" ON "alerts" USING btree ("id") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "alerts_incident_idx" ON "alerts" USING btree ("team_id","incident_id");--> statement-breakpoint
CREATE INDEX "alerts_source_received_idx" ON "alerts" USING btree ("source_id","received_at");