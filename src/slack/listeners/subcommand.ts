// What every /incident subcommand shares: the request, the two kinds of answer, finding the incident it is
// about, and turning a domain outcome into words.
import type { View } from "@slack/types";
import type { Incident } from "../../db/schema.js";
import type { Outcome } from "../../incidents/change.js";
import { plainFromMrkdwn } from "../../timeline/phrase.js";
import { refusalText } from "../blocks/answers.js";
import type { SlackMessage } from "../gateway.js";
import type { ListenerDeps } from "./deps.js";
import { incidentFor } from "./incident-ref.js";

export interface SubcommandRequest {
  teamId: string;
  userId: string;
  channelId: string;
  /** The words after the subcommand, as Slack sent them (entities escaped, mentions as <@U…|name>). */
  args: string;
  /** Where to answer the person later (30 minutes, a few times). */
  responseUrl?: string;
}

/** Either an answer shown to the person (ephemeral), or a modal to open with the command's trigger. */
export type SubcommandResult = { answer: SlackMessage } | { modal: View };

export type Subcommand = (deps: ListenerDeps, request: SubcommandRequest) => Promise<SubcommandResult>;

export const say = (text: string): SubcommandResult => ({ answer: { text } });

/** Slash-command text as the person typed it (for fields that hold plain text). */
export const asTyped = (slackText: string): string => plainFromMrkdwn(slackText).trim();

/** Runs `work` on the incident the request names (#N) or the war room it came from. */
export function onIncident(
  usage: string,
  work: (deps: ListenerDeps, request: SubcommandRequest, found: { incident: Incident; rest: string }) => Promise<SubcommandResult>,
): Subcommand {
  return async (deps, request) => {
    const found = await incidentFor(deps, request.teamId, request.channelId, request.args, usage);
    if (!found.ok) return say(found.reason);
    return work(deps, request, found);
  };
}

/** Done: the reply (and delivery starts at once). Refused: why, in words, and the refusal is logged. */
export function answerOutcome<R extends object>(deps: ListenerDeps, request: Pick<SubcommandRequest, "teamId" | "userId">, what: string, outcome: Outcome<R>, reply: (done: Extract<Outcome<R>, { ok: true }>) => string): SubcommandResult {
  if (outcome.ok) {
    deps.deliverNow();
    return say(reply(outcome as Extract<Outcome<R>, { ok: true }>));
  }
  deps.logger.info({ team: request.teamId, user: request.userId, what, refused: outcome.refusal.code }, "refused an incident change");
  return say(refusalText(outcome.refusal, deps.clock.now()));
}

/**
 * A command's text longer than the field it feeds, said before anything is tried (counted as the field counts it,
 * in UTF-16 units). `stored` is Slack's own text when that is what the field keeps (a note): each &, < or > the
 * person typed is 4 or 5 characters there, which the answer explains.
 */
export function tooLong(text: string, max: number, what: string, opts: { stored?: "slack_text"; form?: boolean } = {}): SubcommandResult | undefined {
  if (text.length <= max) return undefined;
  const count = text.length.toLocaleString("en");
  const entities = opts.stored === "slack_text" && /&(amp|lt|gt);/.test(text) ? ", counting each &, < or > as Slack sends it (4 or 5 characters)" : "";
  const instead = opts.form ? "Use the form instead, or shorten it." : "Please shorten it, or split it in two.";
  return say(`That ${what} is too long for one command: ${count} characters${entities}, and it holds at most ${max.toLocaleString("en")}. ${instead}`);
}
