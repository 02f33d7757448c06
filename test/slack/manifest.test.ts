// The app manifest people paste into Slack: what it promises matches what the bot does.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { projectManifest } from "../../src/fake-slack/manifest.js";
import { subcommandHelp } from "../../src/slack/blocks/help.js";
import { subcommands } from "../../src/slack/listeners/commands/index.js";
import { eventsHandled } from "../../src/slack/listeners/events/index.js";

const manifest = parse(readFileSync(projectManifest, "utf8")) as {
  features: { slash_commands: Array<{ command: string; usage_hint: string; should_escape: boolean }>; app_home?: { home_tab_enabled?: boolean } };
  settings: { event_subscriptions: { bot_events: string[] } };
};
const incident = manifest.features.slash_commands.find((c) => c.command === "/incident")!;
/** The first word of each usage (separated by " | ") in the hint Slack shows under the command. */
const hinted = new Set(incident.usage_hint.split(" | ").map((u) => u.trim().split(/\s+/)[0]!));
const firstWord = (usage: string) => usage.split(/\s+/)[0]!;

describe("/incident in manifest.yml", () => {
  it("escapes mentions, so @people and #channels arrive as Slack's references", () => {
    expect(incident.should_escape).toBe(true);
  });

  it("lists every subcommand of the help in its usage hint", () => {
    const missing = subcommandHelp.map(([usage]) => firstWord(usage)).filter((word) => !hinted.has(word));
    expect(missing).toEqual([]);
  });

  it("lists every subcommand the bot answers (by one of its names), and nothing it does not", () => {
    const names = Object.keys(subcommands).filter(Boolean);
    const unlisted = [...new Set(Object.values(subcommands))].filter((run) => !names.some((n) => subcommands[n] === run && hinted.has(n)));
    expect(unlisted.map((run) => names.filter((n) => subcommands[n] === run).join("/"))).toEqual([]);
    expect([...hinted].filter((word) => !Object.hasOwn(subcommands, word))).toEqual([]);
  });
});

describe("the App Home in manifest.yml", () => {
  it("enables the Home tab and subscribes to app_home_opened, which the bot listens to", () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain("app_home_opened");
    expect(eventsHandled).toContain("app_home_opened");
  });

  it("subscribes to every event the bot handles, and to none it ignores", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...eventsHandled].sort());
  });
});
