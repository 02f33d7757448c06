ALTER TABLE "incidents" ADD COLUMN "close_reason" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "metrics_kind" text GENERATED ALWAYS AS (case when close_reason = 'declared_in_error' then 'in_error' else 'counted' end) STORED;--> statement-breakpoint
CREATE INDEX "action_items_open_idx" ON "action_items" USING btree ("team_id","incident_id") WHERE status in ('open', 'in_progress');--> statement-breakpoint
CREATE INDEX "incidents_metrics_idx" ON "incidents" USING btree ("team_id","declared_at","metrics_kind","severity","acknowledged_at","mitigated_at","resolved_at","ack_sla_breached_at","resolve_sla_breached_at","id");--> statement-breakpoint
CREATE INDEX "incidents_metrics_resolved_idx" ON "incidents" USING btree ("team_id","resolved_at");