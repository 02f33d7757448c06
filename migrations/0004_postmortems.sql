CREATE TABLE "action_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"description" text NOT NULL,
	"owner_id" text NOT NULL,
	"due_date" text,
	"priority" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"wont_do_reason" text,
	"created_by" text NOT NULL,
	"source_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmortems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"author_id" text,
	"content" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"waived_reason" text,
	"started_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"published_by" text,
	"markdown" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_items_incident_idx" ON "action_items" USING btree ("team_id","incident_id");--> statement-breakpoint
CREATE INDEX "action_items_owner_idx" ON "action_items" USING btree ("team_id","owner_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "action_items_source_key" ON "action_items" USING btree ("team_id","source_key");--> statement-breakpoint
CREATE UNIQUE INDEX "postmortems_team_incident" ON "postmortems" USING btree ("team_id","incident_id");