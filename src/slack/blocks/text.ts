// Text for Slack: the one place where what people typed is escaped, and where text is cut to Slack's limits,
// counted as Slack counts them (UTF-16 code units, after escaping).
import { actorName, actorOf } from "../../timeline/actors.js";
import { cutMrkdwn, type Phrase } from "../../timeline/phrase.js";

export { cutMrkdwn };

/**
 * Slack treats &, < and > as control characters in message text; escaping them means a
 * typed `<!channel>` shows as text and can never ping a channel.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** What a person typed, made safe for mrkdwn and cut to `max` units of the escaped text. */
export const escaped = (typed: string, max: number): string => cutMrkdwn(escapeText(typed), max);

/** Cuts plain text (plain_text objects, input values) to `max` UTF-16 units, never splitting a character. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * A person as a mention. Anyone else who acts (Warroom, an API token, an alert source) cannot be mentioned and is named in words,
 * so every place that shows who did something handles them without asking what kind of actor it holds.
 */
export function mentionUser(actorId: string): string {
  const actor = actorOf(actorId);
  return actor.kind === "person" ? `<@${actor.userId}>` : escapeText(actorName(actor));
}
export const mentionChannel = (channelId: string): string => `<#${channelId}>`;
export const mentionGroup = (groupId: string): string => `<!subteam^${groupId}>`;

/** Slack's date formatting token: each reader sees the time in their own time zone. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${at.toISOString().replace(/\.\d+Z$/, "Z")}>`;
}

/**
 * Text that came from Slack is already mrkdwn (its mentions are deliberate), but repeating a message's
 * @channel, @here, @everyone or group mention elsewhere would ping everyone again: show them as plain words.
 */
function defuseBroadcasts(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, "@$1")
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, label: string | undefined) => label ?? "@group")
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, "$1");
}

/** Something a person typed, repeated back in an answer ("I don't know `x`"): escaped and kept short. */
export const echoTyped = (typed: string, max = 60): string => escaped(typed.trim(), max);

/** A fact's words as mrkdwn: typed text escaped, people and channels as mentions, Slack text with broadcasts defused. */
export function phraseMrkdwn(phrase: Phrase): string {
  return phrase
    .map((part) => {
      if (typeof part === "string") return escapeText(part);
      if ("user" in part) return mentionUser(part.user);
      if ("channel" in part) return mentionChannel(part.channel);
      if ("group" in part) return mentionGroup(part.group);
      return defuseBroadcasts(part.mrkdwn);
    })
    .join("");
}

/** Quoted text a person wrote, one `>` per line. */
export const quoted = (mrkdwn: string): string => (mrkdwn ? `\n>${mrkdwn.replace(/\n/g, "\n>")}` : "");
