// Finding the person a command names: a Slack mention (<@U123> or <@U123|bob>, as Slack sends it when the
// command escapes mentions), or a handle typed as plain text (@bob), looked up in the workspace's directory; and
// whether the people picked in a form are still in the workspace.
import { echoTyped } from "../blocks/text.js";
import type { ListenerDeps } from "./deps.js";

type PersonReference = { ok: true; userId: string } | { ok: false; reason: string };

const mention = /^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$/;
const howToMention = "Mention them so Slack links the name, e.g. `/incident role tech @alice` (pick the name from the list Slack offers).";

export async function personIn(deps: ListenerDeps, text: string): Promise<PersonReference> {
  const word = text.trim().split(/\s+/)[0] ?? "";
  if (!word) return { ok: false, reason: `Who? ${howToMention}` };
  const escaped = mention.exec(word);
  if (escaped) return { ok: true, userId: escaped[1]! };
  if (!word.startsWith("@")) return { ok: false, reason: `\`${echoTyped(word)}\` is not a person. ${howToMention}` };
  let userId: string | undefined;
  try {
    userId = await deps.gateway.userIdByName(word);
  } catch (error) {
    deps.logger.warn({ err: error }, "could not look up a person by name");
    return { ok: false, reason: `Slack did not tell me who ${echoTyped(word)} is just now. ${howToMention}` };
  }
  return userId ? { ok: true, userId } : { ok: false, reason: `I can't find ${echoTyped(word)} in this workspace. ${howToMention}` };
}

/**
 * Of the people a request names, those who cannot be given a role or an item, each with the sentence that says why:
 * Slack does not know them (an id no list of Slack's offered), or they have left the workspace (deactivated), unless
 * the caller has its own answer for that (`leftIsFine`). A lookup that failed for any other reason lets them through.
 */
export async function whoCannotServe(deps: Pick<ListenerDeps, "gateway">, userIds: Iterable<string>, opts: { leftIsFine?: boolean } = {}): Promise<Map<string, string>> {
  const named = [...new Set(userIds)].filter(Boolean);
  const found = await Promise.all(named.map((id) => deps.gateway.lookupPerson(id)));
  const cannot = new Map<string, string>();
  for (const person of found) {
    if (person.status === "deleted" && !opts.leftIsFine) cannot.set(person.id, `${person.name} has left this workspace, so they cannot take this on. Pick someone else.`);
    if (person.status === "unknown" && person.reason === "user_not_found") cannot.set(person.id, "Slack does not know this person. Pick someone from the list.");
  }
  return cannot;
}
