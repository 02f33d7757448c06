ALTER TABLE "incidents" ADD COLUMN "is_drill" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "drill_replay_of" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "drill_replay_speed" integer;--> statement-breakpoint
DROP INDEX IF EXISTS "incidents_metrics_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "incidents_metrics_resolved_idx";--> statement-breakpoint
ALTER TABLE "incidents" DROP COLUMN "metrics_kind";--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "metrics_kind" text GENERATED ALWAYS AS (case when is_drill then 'drill' when close_reason = 'declared_in_error' then 'in_error' else 'counted' end) STORED;--> statement-breakpoint
CREATE INDEX "incidents_metrics_idx" ON "incidents" USING btree ("team_id","declared_at","metrics_kind","severity","acknowledged_at","mitigated_at","resolved_at","ack_sla_breached_at","resolve_sla_breached_at","id");--> statement-breakpoint
CREATE INDEX "incidents_metrics_resolved_idx" ON "incidents" USING btree ("team_id","resolved_at","declared_at","metrics_kind","status","severity");
