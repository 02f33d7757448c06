// The bot scopes the bot's own use of Slack needs, and what each is needed for: per Web API method it calls, per
// event it listens to, and for its slash command and shortcuts. The self-check (npm run doctor, start-up, /healthz)
// and the words of a missing_scope failure are derived from here; a test keeps it in step with the gateway's calls.

/** One scope the bot needs, and the feature that needs it, as a person would name it ("pinning the card"). */
export interface ScopeUse {
  scope: string;
  for: string;
}

const use = (scope: string, purpose: string): ScopeUse => ({ scope, for: purpose });

/**
 * Per Web API method the bot calls: every scope its use of the method needs (Slack's reference for the method, the
 * conversation types we use it on, and the arguments we pass). An empty list: the method needs no scope.
 */
export const webApiScopeUses: Record<string, readonly ScopeUse[]> = {
  "auth.test": [],
  "conversations.create": [use("channels:manage", "creating the war-room channel")],
  "conversations.invite": [use("channels:manage", "inviting responders to the war room")],
  "conversations.setTopic": [use("channels:manage", "setting the war room's topic")],
  "conversations.archive": [use("channels:manage", "archiving the war room")],
  "conversations.unarchive": [use("channels:manage", "archiving the war room")],
  "conversations.list": [use("channels:read", "finding channels by name")],
  "conversations.info": [use("channels:read", "finding channels by name")],
  "conversations.join": [use("channels:join", "joining the announcement channel")],
  // Public channels (the war room, the announcement channel) and DMs (role holders): each type has its own scope.
  "conversations.history": [use("channels:history", "reading messages in channels"), use("im:history", "checking a DM after an interrupted delivery")],
  "conversations.replies": [use("channels:history", "reading a message's thread")],
  "conversations.open": [use("im:write", "sending direct messages")],
  // Posted to a user id (a DM), in channels the bot was never invited to, and under a person's name (a note).
  "chat.postMessage": [
    use("chat:write", "posting the card and updates"),
    use("chat:write.public", "announcing in channels the bot was not invited to"),
    use("im:write", "sending direct messages"),
    use("chat:write.customize", "saying a /incident note under its author's name"),
  ],
  "chat.update": [use("chat:write", "updating the card")],
  "chat.postEphemeral": [use("chat:write", "answering people privately")],
  "chat.getPermalink": [],
  "pins.add": [use("pins:write", "pinning the card")],
  "users.info": [use("users:read", "knowing who people are")],
  "users.list": [use("users:read", "finding people by their @handle")],
  "views.open": [],
  "views.push": [],
  "views.update": [],
  "views.publish": [],
};

/** Per Events API subscription (as manifest.yml names it): the scope Slack requires to send it. */
export const eventScopeUses: Record<string, readonly ScopeUse[]> = {
  reaction_added: [use("reactions:read", "adding a :pushpin:-ed message to the timeline")],
  app_home_opened: [],
  // Slack sends these to every app with no scope asked (the OAuth mode's uninstalls and revocations).
  app_uninstalled: [],
  tokens_revoked: [],
  "message.channels": [use("channels:history", "following edits of messages on a timeline")],
};

/** Slash commands and shortcuts both need the commands scope. */
export const commandScopeUses: readonly ScopeUse[] = [use("commands", "the /incident command and the message shortcuts")];

/** The scopes the bot needs, each with every feature that needs it, in a stable order. */
export function scopesNeeded(events: readonly string[]): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  const add = (u: ScopeUse) => {
    const purposes = needed.get(u.scope) ?? [];
    if (!purposes.includes(u.for)) purposes.push(u.for);
    needed.set(u.scope, purposes);
  };
  commandScopeUses.forEach(add);
  for (const uses of Object.values(webApiScopeUses)) uses.forEach(add);
  for (const event of events) (eventScopeUses[event] ?? []).forEach(add);
  return needed;
}

/** "pinning the card", "a and b", "a, b and c" (or "a or b" for a choice). */
function listed(words: readonly string[], conjunction = "and"): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1)}`;
}

/**
 * What to do about scopes the installed app lacks: "reinstall the app: it lacks pins:write, which pinning the card
 * needs". The same words at start-up, in npm run doctor, on /healthz and when a delivery fails with missing_scope.
 */
export function reinstallAdvice(missing: readonly string[], needed: Map<string, string[]> = scopesNeeded(Object.keys(eventScopeUses)), conjunction = "and"): string {
  const purposes = [...new Set(missing.flatMap((scope) => needed.get(scope) ?? []))];
  const which = purposes.length ? `, which ${listed(purposes)} ${purposes.length === 1 ? "needs" : "need"}` : "";
  return `reinstall the app: it lacks ${listed(missing, conjunction)}${which}`;
}

/**
 * The advice for Slack's missing_scope answer, whose `needed` names the scope (or, comma-separated, any one of
 * the scopes) the call lacked: only those the bot asks for are named, since reinstalling grants no other.
 */
export function missingScopeAdvice(neededAnyOf: string): string {
  const needed = scopesNeeded(Object.keys(eventScopeUses));
  const named = neededAnyOf.split(",").map((s) => s.trim()).filter(Boolean);
  const ours = named.filter((scope) => needed.has(scope));
  return reinstallAdvice(ours.length ? ours : named, needed, "or");
}
