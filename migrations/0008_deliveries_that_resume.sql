ALTER TABLE "outbox_items" ADD COLUMN "attempted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "holds_up_ms" integer;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "uncertain_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "progress" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_finished_idx" ON "outbox_items" USING btree ("finished_at") WHERE status <> 'pending';--> statement-breakpoint
CREATE INDEX "scheduled_jobs_finished_idx" ON "scheduled_jobs" USING btree ("finished_at") WHERE status <> 'pending';