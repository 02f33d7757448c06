// Words about a fact that any surface can show: plain text as typed, people and channels as references, and
// text that came from Slack kept as Slack wrote it. Each surface renders a phrase its own way (and escapes it).
import { actorName, actorOf, isPerson } from "./actors.js";

type PhrasePart =
  | string
  /** Someone who acted: a Slack user id, or an integration (see actors.ts), which is named rather than mentioned. */
  | { user: string }
  | { channel: string }
  | { group: string }
  /** A Slack message or slash-command text, as Slack sent it (mrkdwn with its own escaping and mentions). */
  | { mrkdwn: string };

export type Phrase = PhrasePart[];

/** Display names by Slack id; an unknown id is shown as itself. */
export type Names = ReadonlyMap<string, string>;

const slackReference = /<(@|#|!subteam\^)([A-Z0-9_]+)(?:\|([^>]*))?>/g;

/** Slack's mrkdwn read as plain words: entities decoded, mentions as @name / #name, links as their label. */
export function plainFromMrkdwn(mrkdwn: string, names: Names = new Map()): string {
  return mrkdwn
    .replace(slackReference, (_m, sigil: string, id: string, label: string | undefined) => {
      if (sigil === "#") return `#${label || names.get(id) || id}`;
      if (sigil === "@") return `@${names.get(id) ?? label ?? id}`;
      return label ? (label.startsWith("@") ? label : `@${label}`) : "@group";
    })
    .replace(/<!(channel|here|everyone)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, "$1")
    // A link Slack detected in typed text (www.foo.com, bob@example.com) reads as typed; a labelled one shows both.
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (url.replace(/^(?:https?:\/\/|mailto:)/, "") === label ? label : `${label} (${url})`))
    .replace(/<((?:https?|mailto):[^>]+)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** A phrase as plain text: people by name (or id), channels as #id. */
export function phraseToPlain(phrase: Phrase, names: Names = new Map()): string {
  return phrase
    .map((part) => {
      if (typeof part === "string") return part;
      if ("user" in part) return isPerson(part.user) ? `@${names.get(part.user) ?? part.user}` : actorName(actorOf(part.user));
      if ("channel" in part) return `#${names.get(part.channel) ?? part.channel}`;
      if ("group" in part) return `@${names.get(part.group) ?? part.group}`;
      return plainFromMrkdwn(part.mrkdwn, names);
    })
    .join("");
}

/** Every person a phrase names, so a surface can look their names up once. */
export function peopleIn(phrase: Phrase): string[] {
  const ids: string[] = [];
  for (const part of phrase) {
    if (typeof part === "string") continue;
    if ("user" in part) {
      if (isPerson(part.user)) ids.push(part.user);
    }
    else if ("mrkdwn" in part) for (const m of part.mrkdwn.matchAll(/<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>/g)) ids.push(m[1]!);
  }
  return [...new Set(ids)];
}

/** "a, b and c" */
export function listed(parts: Phrase[], empty: string): Phrase {
  if (parts.length === 0) return [empty];
  const out: Phrase = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(i === parts.length - 1 ? " and " : ", ");
    out.push(...p);
  });
  return out;
}

/**
 * Cuts Slack text to `max` UTF-16 units (Slack's unit), marking the cut with an ellipsis, without leaving half a
 * surrogate pair, half a <@mention> or half an &entity; (Slack would pair a dangling < with a later >).
 */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const open = cut.lastIndexOf("<");
  if (open > cut.lastIndexOf(">")) cut = cut.slice(0, open);
  return `${cut.replace(/&[a-zA-Z0-9#]*$/, "")}…`;
}
