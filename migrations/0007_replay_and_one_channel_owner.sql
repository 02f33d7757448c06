CREATE TABLE "seen_requests" (
	"signature" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "incidents_team_channel_key";--> statement-breakpoint
CREATE INDEX "seen_requests_seen_at_idx" ON "seen_requests" USING btree ("seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_channel_key" ON "incidents" USING btree ("channel_id");