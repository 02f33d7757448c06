// /incident postmortem [review|publish|waive <reason>|export] [#N]: write it in steps, then review, publish,
// waive or export it. The export is drawn now, so it shows the postmortem (and its action items) as they are.
import type { Incident } from "../../../db/schema.js";
import { postmortemMarkdown } from "../../../postmortems/markdown.js";
import { actionItemsOf, postmortemOf, publishPostmortem, startPostmortem, submitForReview, WAIVE_REASON_MAX, waivePostmortem, type PostmortemOutcome } from "../../../postmortems/postmortems.js";
import { timelineOf } from "../../../timeline/append.js";
import { describeEntry } from "../../../timeline/describe.js";
import { peopleIn } from "../../../timeline/phrase.js";
import { refusalText } from "../../blocks/answers.js";
import { markdownSnippet } from "../../blocks/postmortem-messages.js";
import type { ListenerDeps } from "../deps.js";
import { incidentFor } from "../incident-ref.js";
import { postmortemStepView } from "../postmortem-flow.js";
import { asTyped, say, tooLong, type Subcommand, type SubcommandRequest, type SubcommandResult } from "../subcommand.js";

const verbs = new Set(["review", "publish", "waive", "export"]);

const replies = {
  review: "The postmortem is in review.",
  publish: (n: number) => `Published. \`/incident postmortem export #${n}\` gives you the Markdown.`,
  waive: "Postmortem waived.",
};

async function exportMarkdown(deps: ListenerDeps, incident: Incident): Promise<SubcommandResult> {
  const pm = await postmortemOf(deps.db, incident);
  if (pm.status !== "published") return say(`The postmortem of incident #${incident.number} is ${pm.status.replace("_", " ")}; it can be exported once published.`);
  const timeline = await timelineOf(deps.db, incident.teamId, incident.id);
  const items = await actionItemsOf(deps.db, incident.teamId, incident.id);
  const people = [...timeline.flatMap((e) => [e.actor, ...peopleIn(describeEntry(e))]), ...items.map((i) => i.ownerId), incident.commanderId, pm.authorId ?? ""];
  const names = await deps.gateway.namesOf(people);
  return { answer: markdownSnippet(incident.number, postmortemMarkdown({ incident, postmortem: pm, timeline, actionItems: items, names })) };
}

export const postmortem: Subcommand = async (deps: ListenerDeps, request: SubcommandRequest) => {
  const words = request.args.trim().split(/\s+/).filter(Boolean);
  const verb = verbs.has(words[0]?.toLowerCase() ?? "") ? words.shift()!.toLowerCase() : "";
  const found = await incidentFor(deps, request.teamId, request.channelId, words.join(" "), `/incident postmortem ${verb ? `${verb} ` : ""}#12`);
  if (!found.ok) return say(found.reason);
  const { incident, rest } = found;
  const ref = { teamId: request.teamId, incidentId: incident.id };
  const answer = (outcome: PostmortemOutcome, done: string) => {
    if (!outcome.ok) return say(refusalText(outcome.refusal, deps.clock.now()));
    deps.deliverNow();
    return say(done);
  };
  switch (verb) {
    case "review":
      return answer(await submitForReview(deps, ref, request.userId), replies.review);
    case "waive":
      return tooLong(asTyped(rest), WAIVE_REASON_MAX, "reason") ?? answer(await waivePostmortem(deps, ref, request.userId, asTyped(rest)), replies.waive);
    case "publish":
      return answer(await publishPostmortem(deps, ref, request.userId), replies.publish(incident.number));
    case "export":
      return exportMarkdown(deps, incident);
    default: {
      const started = await startPostmortem(deps, ref, request.userId);
      if (!started.ok) return say(refusalText(started.refusal, deps.clock.now()));
      return { modal: await postmortemStepView(deps, started.incident) };
    }
  }
};
