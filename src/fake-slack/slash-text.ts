// How Slack sends what a person typed after a slash command: &, < and > always as entities (like all message
// text), and, when the command has should_escape: true, @people, #channels, @here/@channel/@everyone and links
// as Slack's escaped references. With should_escape: false a typed @bob arrives as the plain text "@bob".
// (Slack's docs, "Implementing slash commands": "Escape channels, users, and links sent to your app".)
import type { FakeWorkspace } from "./workspace.js";

const specialMentions = new Set(["here", "channel", "everyone"]);

export function slashCommandText(typed: string, ws: FakeWorkspace, shouldEscape: boolean): string {
  const entities = typed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (!shouldEscape) return entities;
  return entities
    .replace(/(^|[\s(,])(https?:\/\/[^\s<>()]+)/g, (_m, before: string, url: string) => `${before}<${url}>`)
    .replace(/(^|[\s(,])([@#])([\w.-]+)/g, (match, before: string, sigil: string, name: string) => {
      if (sigil === "@" && specialMentions.has(name)) return `${before}<!${name}>`;
      if (sigil === "@") {
        const user = [...ws.users.values()].find((u) => !u.deleted && u.name === name);
        return user ? `${before}<@${user.id}|${user.name}>` : match;
      }
      const channel = ws.channelByName(name);
      return channel ? `${before}<#${channel.id}|${channel.name}>` : match;
    });
}
