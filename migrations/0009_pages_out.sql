CREATE TABLE "pagerduty_alerts" (
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"routing_key" text NOT NULL,
	"dedup_key" text NOT NULL,
	"state" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalation_policies" ADD COLUMN "pagerduty_routing_key" text;--> statement-breakpoint
ALTER TABLE "outbox_items" ADD COLUMN "lane" text;--> statement-breakpoint
ALTER TABLE "pagerduty_alerts" ADD CONSTRAINT "pagerduty_alerts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pagerduty_alerts_team_incident" ON "pagerduty_alerts" USING btree ("team_id","incident_id");