// The app manifest people paste into Slack: what it promises matches what the bot does.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { projectManifest } from "../../src/fake-slack/manifest.js";
import { subcommandHelp } from "../../src/slack/blocks/help.js";
import { subcommands } from "../../src/slack/listeners/commands/index.js";

const manifest = parse(readFileSync(projectManifest, "utf8")) as { features: { slash_commands: Array<{ command: string; usage_hint: string; should_escape: boolean }> } };
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
