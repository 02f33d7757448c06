// How Slack sends what a person typed after a slash command: &, < and > always as entities (like all message
// text), and, when the command has should_escape: true, @people, #channels, @here/@channel/@everyone and links
// as Slack's escaped references. With should_escape: false a typed @bob arrives as the plain text "@bob".
// (Slack's docs: "Implementing slash commands", "Escape channels, users, and links sent to your app"; "Formatting
// text for app surfaces": <@U…|name>, <#C…|name>, <!here>, <http://…>, <http://www.foo.com|www.foo.com>,
// <mailto:…|…>.) A name that matches nobody is left as typed, as Slack's client does.
import type { FakeWorkspace } from "./workspace.js";

const specialMentions = new Set(["here", "channel", "everyone"]);
const before = String.raw`(^|[\s(,])`;

export function slashCommandText(typed: string, ws: FakeWorkspace, shouldEscape: boolean): string {
  const entities = typed.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (!shouldEscape) return entities;
  return entities
    .replace(new RegExp(`${before}(https?://[^\\s<>()]+)`, "g"), (_m, lead: string, url: string) => `${lead}<${url}>`)
    .replace(new RegExp(`${before}(www\\.[a-z0-9-]+\\.[^\\s<>()]+)`, "gi"), (_m, lead: string, host: string) => `${lead}<http://${host}|${host}>`)
    .replace(new RegExp(`${before}([\\w.+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)+)`, "gi"), (_m, lead: string, email: string) => `${lead}<mailto:${email}|${email}>`)
    .replace(new RegExp(`${before}([@#])([\\w-]+(?:\\.[\\w-]+)*)`, "g"), (match, lead: string, sigil: string, name: string) => {
      if (sigil === "@" && specialMentions.has(name)) return `${lead}<!${name}>`;
      if (sigil === "@") {
        const user = [...ws.users.values()].find((u) => !u.deleted && u.name === name);
        return user ? `${lead}<@${user.id}|${user.name}>` : match;
      }
      const channel = ws.channelByName(name);
      return channel ? `${lead}<#${channel.id}|${channel.name}>` : match;
    });
}
