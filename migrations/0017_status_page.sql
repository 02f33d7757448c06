CREATE TABLE "status_page_incidents" (
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"incident_number" integer NOT NULL,
	"title" text NOT NULL,
	"state" text NOT NULL,
	"services" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"first_published_at" timestamp with time zone NOT NULL,
	"last_published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "status_page_incidents_team_id_incident_id_pk" PRIMARY KEY("team_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "status_page_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"state" text NOT NULL,
	"text" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text NOT NULL,
	"entry_id" bigint
);
--> statement-breakpoint
ALTER TABLE "status_page_incidents" ADD CONSTRAINT "status_page_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_page_updates" ADD CONSTRAINT "status_page_updates_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "status_page_incidents_open_idx" ON "status_page_incidents" USING btree ("team_id","last_published_at") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "status_page_incidents_recent_idx" ON "status_page_incidents" USING btree ("team_id","last_published_at");--> statement-breakpoint
CREATE INDEX "status_page_updates_incident_idx" ON "status_page_updates" USING btree ("team_id","incident_id","published_at","id");--> statement-breakpoint
CREATE INDEX "status_page_updates_team_newest_idx" ON "status_page_updates" USING btree ("team_id","id");