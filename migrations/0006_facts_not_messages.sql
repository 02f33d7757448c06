ALTER TABLE "incidents" ADD COLUMN "previous_channel_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "coalesce" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "postmortems" DROP COLUMN "markdown";--> statement-breakpoint
-- Entries written before facts carried their own words hold ready-made Slack text: keep showing it as it was.
UPDATE "timeline_entries" SET "data" = "data" || '{"legacyMrkdwn": true}'::jsonb;--> statement-breakpoint
-- Card and topic refreshes queued by the earlier version coalesce like new ones.
UPDATE "outbox_items" SET "coalesce" = true WHERE "kind" IN ('war_room.refresh_card', 'war_room.refresh_topic') AND "status" = 'pending';
