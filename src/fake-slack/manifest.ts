// The app manifest the fake Slack installs: the scopes it grants, how each slash command's text is sent, the
// shortcuts and events it knows, whether it has a Home tab. Read from manifest.yml, so the fake behaves like the app a real workspace gets.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

const manifestSchema = z.object({
  features: z
    .object({
      slash_commands: z.array(z.object({ command: z.string(), should_escape: z.boolean().optional() })).default([]),
      shortcuts: z.array(z.object({ callback_id: z.string(), type: z.string() })).default([]),
      app_home: z.object({ home_tab_enabled: z.boolean().default(false), messages_tab_enabled: z.boolean().default(true) }).optional(),
    })
    .default({ slash_commands: [], shortcuts: [] }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()).default([]) }) }),
  settings: z.object({ event_subscriptions: z.object({ bot_events: z.array(z.string()).default([]) }).optional() }).default({}),
});

export interface InstalledApp {
  scopes: string[];
  /** Per slash command: whether Slack escapes users, channels and links in its text (should_escape). */
  commands: Record<string, { shouldEscape: boolean }>;
  shortcuts: string[];
  botEvents: string[];
  /** features.app_home.home_tab_enabled: without it Slack shows no Home tab and views.publish answers not_enabled. */
  homeTabEnabled: boolean;
}

export const projectManifest = fileURLToPath(new URL("../../manifest.yml", import.meta.url));

export function loadManifest(path: string = projectManifest): InstalledApp {
  const m = manifestSchema.parse(parse(readFileSync(path, "utf8")));
  return {
    scopes: m.oauth_config.scopes.bot,
    commands: Object.fromEntries(m.features.slash_commands.map((c) => [c.command, { shouldEscape: c.should_escape ?? false }])),
    shortcuts: m.features.shortcuts.map((s) => s.callback_id),
    botEvents: m.settings.event_subscriptions?.bot_events ?? [],
    homeTabEnabled: m.features.app_home?.home_tab_enabled ?? false,
  };
}
