CREATE TABLE "slack_installations" (
	"team_id" text PRIMARY KEY NOT NULL,
	"enterprise_id" text,
	"app_id" text,
	"bot_user_id" text NOT NULL,
	"bot_id" text,
	"bot_token_encrypted" text,
	"refresh_token_encrypted" text,
	"expires_at" timestamp with time zone,
	"scopes" text DEFAULT '' NOT NULL,
	"installed_by" text,
	"installed_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
