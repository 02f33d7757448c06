// Escaping of user-typed text for Slack: the only way text a person typed reaches a message.
/**
 * Slack treats &, < and > as control characters in message text; escaping them means a
 * typed `<!channel>` shows as text and can never ping a channel.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to a length, on a character boundary, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

export const mentionUser = (userId: string): string => `<@${userId}>`;
export const mentionChannel = (channelId: string): string => `<#${channelId}>`;

/** Slack's date formatting token: each reader sees the time in their own time zone. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${at.toISOString().replace(/\.\d+Z$/, "Z")}>`;
}

/**
 * Text that came from Slack is already mrkdwn (its mentions are deliberate), but repeating a message's
 * @channel, @here, @everyone or group mention elsewhere would ping everyone again: show them as plain words.
 */
export function defuseBroadcasts(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, "@$1")
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, label: string | undefined) => label ?? "@group")
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, "$1");
}

/** Something a person typed, repeated back in an answer ("I don't know `x`"): escaped and kept short. */
export const echoTyped = (typed: string, max = 60): string => escapeText(truncate(typed.trim(), max));
