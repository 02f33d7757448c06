ALTER TABLE "incidents" ADD COLUMN "tech_lead_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "comms_lead_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "scribe_id" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "identified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "mitigated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "resolution_summary" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "root_cause" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "last_update_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "timeline_entries" ADD COLUMN "source_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "timeline_incident_source_key" ON "timeline_entries" USING btree ("team_id","incident_id","source_key");