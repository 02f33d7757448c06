// The self-check's comparisons: manifest.yml matches what the code listens to and calls (this protects developers),
// the scope table covers every Web API call the code makes, and each mismatch is one line saying what to do.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { projectManifest } from "../../src/fake-slack/manifest.js";
import { methods as fakeMethods } from "../../src/fake-slack/web-api.js";
import { eventsHandled } from "../../src/slack/listeners/events/index.js";
import { eventScopeUses, missingScopeAdvice, webApiScopeUses } from "../../src/slack/scopes.js";
import { codeFeatures, findManifest, grantProblems, manifestProblems, readManifest, selfCheck, type AppManifest } from "../../src/slack/self-check.js";

const manifest = readManifest(projectManifest);
const src = fileURLToPath(new URL("../../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every Web API method the bot's code calls: the gateway's `this.call("…")` and a WebClient's `client.x.y(…)`. */
function methodsCalled(): Set<string> {
  const found = new Set<string>();
  const files = [...sourceFiles(join(src, "slack")), join(src, "warroom.ts")];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/this\.call\b[^(]*?\(\s*"([a-z]+\.[a-zA-Z.]+)"/g)) found.add(m[1]!);
    for (const m of text.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)) found.add(`${m[1]}.${m[2]}`);
  }
  return found;
}

describe("manifest.yml and the code", () => {
  it("finds the project's manifest.yml", () => {
    expect(findManifest()).toBe(projectManifest);
  });

  it("match: every scope, slash command, shortcut and event the code needs is declared, and nothing more", () => {
    expect(manifestProblems(manifest)).toEqual([]);
  });

  it("asks for exactly the scopes the code's calls, events and commands need", () => {
    expect([...manifest.scopes].sort()).toEqual([...codeFeatures().scopes.keys()].sort());
  });

  it("names what to fix in manifest.yml, one line per mismatch", () => {
    const broken: AppManifest = {
      ...manifest,
      scopes: [...manifest.scopes.filter((s) => s !== "pins:write"), "files:write"],
      events: manifest.events.filter((e) => e !== "reaction_added"),
      shortcuts: [...manifest.shortcuts, { callbackId: "nobody_answers_me", type: "message" }],
      commands: ["/incident", "/oncall"],
      interactivity: false,
    };
    expect(manifestProblems(broken)).toEqual([
      "manifest.yml: add pins:write to oauth_config.scopes.bot: pinning the card needs it.",
      "manifest.yml: remove files:write from oauth_config.scopes.bot: nothing in the bot uses it, and Slack asks whoever installs the app for every scope listed.",
      "manifest.yml: remove /oncall from features.slash_commands: the bot never answers it.",
      "manifest.yml: remove the shortcut nobody_answers_me from features.shortcuts: the bot never answers it.",
      "manifest.yml: add reaction_added to settings.event_subscriptions.bot_events: the bot listens to it.",
      "manifest.yml: set settings.interactivity.is_enabled to true: the card's buttons, the forms and the shortcuts need it.",
    ]);
  });

  it("names a missing command, shortcut or event the code registers", () => {
    const bare: AppManifest = { ...manifest, commands: [], shortcuts: [{ callbackId: "add_to_incident_timeline", type: "global" }], events: [] };
    const lines = manifestProblems(bare);
    expect(lines).toContain("manifest.yml: add /incident to features.slash_commands: the bot answers it.");
    expect(lines).toContain("manifest.yml: add a message shortcut with callback_id declare_incident_from_message to features.shortcuts: the bot answers it.");
    expect(lines).toContain("manifest.yml: make the shortcut add_to_incident_timeline a message shortcut (type: message): the bot reads the message it is used on.");
    expect(lines).toContain("manifest.yml: add app_home_opened to settings.event_subscriptions.bot_events: the bot listens to it.");
  });
});

describe("the scope table", () => {
  it("covers every Web API method the code calls (the scanner finds them)", () => {
    const called = methodsCalled();
    expect(called).toContain("pins.add");
    expect(called).toContain("conversations.list");
    expect(called).toContain("views.open");
    expect(called).toContain("auth.test");
    expect([...called].filter((m) => !Object.hasOwn(webApiScopeUses, m))).toEqual([]);
  });

  it("names only methods the fake Slack answers, with a scope Slack accepts for each", () => {
    for (const [method, uses] of Object.entries(webApiScopeUses)) {
      const spec = fakeMethods[method];
      expect(spec, method).toBeDefined();
      if (spec!.scopes.length) expect(uses.some((u) => spec!.scopes.includes(u.scope)), method).toBe(true);
      else expect(uses, method).toEqual([]);
    }
  });

  it("knows the scope of every event the bot listens to", () => {
    expect(eventsHandled.filter((e) => !Object.hasOwn(eventScopeUses, e))).toEqual([]);
  });
});

describe("the installed app's scopes", () => {
  it("are fine when every scope the code needs was granted, more or less in any order", () => {
    expect(grantProblems([...manifest.scopes].reverse().concat("files:read"))).toEqual([]);
  });

  it("say to reinstall, naming each missing scope and what needs it", () => {
    const lines = grantProblems(manifest.scopes.filter((s) => s !== "pins:write" && s !== "channels:manage"));
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes("pins:write"))).toContain("reinstall the app: it lacks pins:write, which pinning the card needs");
    expect(lines.find((l) => l.includes("channels:manage"))).toContain(
      "reinstall the app: it lacks channels:manage, which creating the war-room channel, inviting responders to the war room, setting the war room's topic and archiving the war room need",
    );
  });

  it("turn Slack's missing_scope answer into the same advice, naming only scopes the bot asks for", () => {
    expect(missingScopeAdvice("pins:write")).toBe("reinstall the app: it lacks pins:write, which pinning the card needs");
    expect(missingScopeAdvice("channels:history,groups:history")).toMatch(/^reinstall the app: it lacks channels:history, which /);
    expect(missingScopeAdvice("files:write")).toBe("reinstall the app: it lacks files:write");
  });
});

describe("the check at start-up", () => {
  it("turns a manifest.yml it cannot read into one more line, never an error", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = join(mkdtempSync(join(tmpdir(), "warroom-manifest-")), "manifest.yml");
    writeFileSync(path, "features: [not, a, map\n");
    const lines = selfCheck({ granted: manifest.scopes, manifestPath: path });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^manifest\.yml: could not be read \(.+\); fix it from the copy in the repository\.$/);
    expect(selfCheck({ granted: manifest.scopes.filter((s) => s !== "pins:write"), manifestPath: projectManifest })).toEqual([expect.stringContaining("reinstall the app: it lacks pins:write")]);
  });
});
