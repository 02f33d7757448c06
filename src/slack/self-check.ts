// The bot's self-check: manifest.yml against what the code listens to and calls (a developer's mistake), and the
// scopes the installed app was granted against what the code needs (an installer's: reinstall). One line per
// mismatch, each saying what to do; used at start-up, by /healthz and by `npm run doctor`. It refuses nothing.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WebClient } from "@slack/web-api";
import { parse } from "yaml";
import { z } from "zod";
import { commandsHandled } from "./listeners/commands/index.js";
import { eventsHandled } from "./listeners/events/index.js";
import { shortcutsHandled } from "./listeners/shortcuts/index.js";
import { reinstallAdvice, scopesNeeded } from "./scopes.js";

/** What the code registers and needs, derived from the listeners' tables and the scope table. */
export interface CodeFeatures {
  commands: readonly string[];
  /** Message shortcuts' callback_ids. */
  shortcuts: readonly string[];
  events: readonly string[];
  /** Every scope the code needs, with the features that need it. */
  scopes: Map<string, string[]>;
}

export function codeFeatures(): CodeFeatures {
  return { commands: commandsHandled, shortcuts: shortcutsHandled, events: eventsHandled, scopes: scopesNeeded(eventsHandled) };
}

const manifestSchema = z.object({
  features: z
    .object({
      slash_commands: z.array(z.object({ command: z.string() })).default([]),
      shortcuts: z.array(z.object({ callback_id: z.string(), type: z.string() })).default([]),
      app_home: z.object({ home_tab_enabled: z.boolean().default(false) }).optional(),
    })
    .default({ slash_commands: [], shortcuts: [] }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()).default([]) }).default({ bot: [] }) }).default({ scopes: { bot: [] } }),
  settings: z
    .object({
      event_subscriptions: z.object({ bot_events: z.array(z.string()).default([]) }).optional(),
      interactivity: z.object({ is_enabled: z.boolean().default(false) }).optional(),
    })
    .default({}),
});

/** The parts of an app manifest the self-check compares. */
export interface AppManifest {
  scopes: string[];
  commands: string[];
  shortcuts: Array<{ callbackId: string; type: string }>;
  events: string[];
  interactivity: boolean;
  homeTab: boolean;
}

// From src/slack/ (npm start, the doctor) or dist/src/slack/ (the compiled bot): the checkout's manifest.yml.
const manifestCandidates = ["../../manifest.yml", "../../../manifest.yml"].map((p) => fileURLToPath(new URL(p, import.meta.url)));

/** The project's manifest.yml, or undefined where there is none (the Docker image carries no manifest). */
export function findManifest(): string | undefined {
  return manifestCandidates.find((p) => existsSync(p));
}

export function readManifest(path: string): AppManifest {
  const m = manifestSchema.parse(parse(readFileSync(path, "utf8")));
  return {
    scopes: m.oauth_config.scopes.bot,
    commands: m.features.slash_commands.map((c) => c.command),
    shortcuts: m.features.shortcuts.map((s) => ({ callbackId: s.callback_id, type: s.type })),
    events: m.settings.event_subscriptions?.bot_events ?? [],
    interactivity: m.settings.interactivity?.is_enabled ?? false,
    homeTab: m.features.app_home?.home_tab_enabled ?? false,
  };
}

const missingFrom = (wanted: readonly string[], have: readonly string[]) => wanted.filter((x) => !have.includes(x));
const needs = (purposes: string[]) => `${purposes.join(", ")} ${purposes.length === 1 ? "needs" : "need"} it`;

/** manifest.yml against the code: a developer's mistake (a test catches it), each line saying how to fix the manifest. */
export function manifestProblems(manifest: AppManifest, code: CodeFeatures = codeFeatures()): string[] {
  const lines: string[] = [];
  const say = (line: string) => lines.push(`manifest.yml: ${line}.`);
  const needed = [...code.scopes.keys()];
  for (const scope of missingFrom(needed, manifest.scopes)) say(`add ${scope} to oauth_config.scopes.bot: ${needs(code.scopes.get(scope)!)}`);
  for (const scope of missingFrom(manifest.scopes, needed)) say(`remove ${scope} from oauth_config.scopes.bot: nothing in the bot uses it, and Slack asks whoever installs the app for every scope listed`);
  for (const command of missingFrom(code.commands, manifest.commands)) say(`add ${command} to features.slash_commands: the bot answers it`);
  for (const command of missingFrom(manifest.commands, code.commands)) say(`remove ${command} from features.slash_commands: the bot never answers it`);
  const shortcutIds = manifest.shortcuts.map((s) => s.callbackId);
  for (const id of missingFrom(code.shortcuts, shortcutIds)) say(`add a message shortcut with callback_id ${id} to features.shortcuts: the bot answers it`);
  for (const id of missingFrom(shortcutIds, code.shortcuts)) say(`remove the shortcut ${id} from features.shortcuts: the bot never answers it`);
  for (const s of manifest.shortcuts.filter((s) => code.shortcuts.includes(s.callbackId) && s.type !== "message")) {
    say(`make the shortcut ${s.callbackId} a message shortcut (type: message): the bot reads the message it is used on`);
  }
  for (const event of missingFrom(code.events, manifest.events)) say(`add ${event} to settings.event_subscriptions.bot_events: the bot listens to it`);
  for (const event of missingFrom(manifest.events, code.events)) say(`remove ${event} from settings.event_subscriptions.bot_events: the bot ignores it`);
  if (!manifest.interactivity) say("set settings.interactivity.is_enabled to true: the card's buttons, the forms and the shortcuts need it");
  if (code.events.includes("app_home_opened") && !manifest.homeTab) say("set features.app_home.home_tab_enabled to true: the bot shows a Home tab");
  return lines;
}

/** The scopes the installed app was granted against what the code needs: an installer's mistake, mended by reinstalling. */
export function grantProblems(granted: readonly string[], code: CodeFeatures = codeFeatures()): string[] {
  return [...code.scopes.keys()]
    .filter((scope) => !granted.includes(scope))
    .map((scope) => `Slack app: ${reinstallAdvice([scope], code.scopes)} (add it to the app's scopes from manifest.yml if need be, then OAuth & Permissions → Reinstall to Workspace).`);
}

/**
 * The bot token's scopes, as Slack names them in the x-oauth-scopes header of every Web API answer (the Web API
 * client reads it into response_metadata.scopes); undefined when the answer carried none.
 */
/** Why auth.test failed, in words for whoever set SLACK_BOT_TOKEN: a token Slack refused, or a Slack we could not reach. */
export function botTokenProblem(code: string): string {
  return ["invalid_auth", "not_authed", "account_inactive", "token_revoked"].includes(code)
    ? `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token again from your app's OAuth & Permissions page.`
    : `Could not reach Slack to check SLACK_BOT_TOKEN (${code}); check the network or SLACK_API_URL.`;
}

export function scopesOf(answer: { response_metadata?: { scopes?: string[] } }): string[] | undefined {
  const scopes = answer.response_metadata?.scopes?.filter(Boolean);
  return scopes && answer.response_metadata?.scopes !== undefined ? scopes : undefined;
}

/** Asks Slack (auth.test) which scopes the bot token was granted. */
export async function grantedScopes(client: WebClient): Promise<string[] | undefined> {
  return scopesOf(await client.auth.test());
}

/** Everything the self-check finds: manifest.yml's mismatches (when there is one to read) and the grant's. */
export function selfCheck({ granted, manifestPath = findManifest() }: { granted: readonly string[] | undefined; manifestPath?: string }): string[] {
  const code = codeFeatures();
  return [...(manifestPath ? manifestLines(manifestPath, code) : []), ...(granted ? grantProblems(granted, code) : [])];
}

/** A manifest.yml that cannot be read is one more line, never a reason not to start. */
function manifestLines(path: string, code: CodeFeatures): string[] {
  let manifest: AppManifest;
  try {
    manifest = readManifest(path);
  } catch (error) {
    const why = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : error instanceof Error ? error.message.split("\n")[0] : String(error);
    return [`manifest.yml: could not be read (${why}); fix it from the copy in the repository.`];
  }
  return manifestProblems(manifest, code);
}
