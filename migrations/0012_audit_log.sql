CREATE TABLE "audit_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" bigint,
	"subject_name" text,
	"incident_id" bigint,
	"incident_number" integer,
	"result" text NOT NULL,
	"reason" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_entries_team_newest_idx" ON "audit_entries" USING btree ("team_id","at","id");--> statement-breakpoint
CREATE INDEX "audit_entries_incident_newest_idx" ON "audit_entries" USING btree ("team_id","incident_id","at","id") WHERE incident_id is not null;--> statement-breakpoint
CREATE INDEX "audit_entries_at_idx" ON "audit_entries" USING btree ("at");