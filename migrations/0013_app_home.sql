CREATE TABLE "home_viewers" (
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"first_opened_at" timestamp with time zone NOT NULL,
	"last_opened_at" timestamp with time zone NOT NULL,
	CONSTRAINT "home_viewers_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "subject" text;--> statement-breakpoint
CREATE INDEX "incidents_open_commander_idx" ON "incidents" USING btree ("team_id","commander_id") WHERE status in ('investigating', 'identified', 'monitoring');--> statement-breakpoint
CREATE INDEX "incidents_open_tech_lead_idx" ON "incidents" USING btree ("team_id","tech_lead_id") WHERE status in ('investigating', 'identified', 'monitoring');--> statement-breakpoint
CREATE INDEX "incidents_open_comms_lead_idx" ON "incidents" USING btree ("team_id","comms_lead_id") WHERE status in ('investigating', 'identified', 'monitoring');--> statement-breakpoint
CREATE INDEX "incidents_open_scribe_idx" ON "incidents" USING btree ("team_id","scribe_id") WHERE status in ('investigating', 'identified', 'monitoring');--> statement-breakpoint
CREATE INDEX "outbox_subject_order_idx" ON "outbox_items" USING btree ("team_id","subject","id") WHERE status = 'pending' and subject is not null;