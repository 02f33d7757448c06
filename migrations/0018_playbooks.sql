CREATE TABLE "checklist_messages" (
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text NOT NULL,
	CONSTRAINT "checklist_messages_team_id_incident_id_pk" PRIMARY KEY("team_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "incident_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"incident_id" bigint NOT NULL,
	"phase" text NOT NULL,
	"text" text NOT NULL,
	"owner_role" text,
	"link" text,
	"position" integer NOT NULL,
	"source_playbook" text,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" text
);
--> statement-breakpoint
CREATE TABLE "playbooks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"severities" text[] DEFAULT '{}'::text[] NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"items" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_tasks" ADD CONSTRAINT "incident_tasks_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_tasks_incident_idx" ON "incident_tasks" USING btree ("team_id","incident_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "playbooks_team_name" ON "playbooks" USING btree ("team_id",lower("name"));