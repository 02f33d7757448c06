// Reads the bot scopes from manifest.yml, so the fake Slack grants the bot exactly what a real install would.
import { readFileSync } from "node:fs";

export function manifestBotScopes(path = new URL("../../manifest.yml", import.meta.url)): string[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const start = lines.findIndex((l) => /^\s+bot:\s*$/.test(l));
  if (start < 0) throw new Error("manifest.yml has no oauth_config.scopes.bot list");
  const scopes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+([a-z.:_]+)/.exec(line);
    if (!item) break;
    scopes.push(item[1]!);
  }
  return scopes;
}
