// /incident drill [scenario] | drill replay #N [10x]: practice incidents. Alone, opens the declare form marked as a
// drill; with a scenario (a named one or your own words), declares it at once; `replay` plays a past incident back.
import { declareIncident, declareInputSchema } from "../../../incidents/declare.js";
import { declareReplayDrill, DEFAULT_REPLAY_SPEED, drillScenarioNames, MAX_REPLAY_SPEED, scenarioDrill } from "../../../incidents/drills.js";
import { humanDuration } from "../../../incidents/lifecycle.js";
import { declareModal } from "../../blocks/declare-modal.js";
import { DRILL_MARK } from "../../blocks/drill.js";
import { echoTyped, escaped } from "../../blocks/text.js";
import { encodeDeclareOrigin } from "../forms.js";
import { asTyped, say, type Subcommand, type SubcommandRequest } from "../subcommand.js";
import type { ListenerDeps } from "../deps.js";

const REPLAY_USAGE = `\`/incident drill replay #12 [10x]\` replays incident #12's timeline into a new drill, ${DEFAULT_REPLAY_SPEED}× faster unless you name a speed (1x to ${MAX_REPLAY_SPEED}x).`;

export const drill: Subcommand = async (deps, request) => {
  const typed = asTyped(request.args);
  const [first = ""] = typed.split(/\s+/);
  if (first.toLowerCase() === "replay") return replay(deps, request, typed.slice(first.length).trim());
  if (!typed) {
    return {
      modal: declareModal({
        declarerId: request.userId,
        prefilledTitle: "",
        drill: true,
        privateMetadata: encodeDeclareOrigin({ channelId: request.channelId, responseUrl: request.responseUrl, drill: true }),
      }),
    };
  }
  const parsed = declareInputSchema.safeParse({
    teamId: request.teamId,
    declaredBy: request.userId,
    commanderId: request.userId,
    originChannelId: request.channelId,
    responseUrl: request.responseUrl,
    declareKey: keyOf(request),
    drill: {},
    ...scenarioDrill(typed),
  });
  if (!parsed.success) return say(`${parsed.error.issues[0]?.message ?? "That scenario will not do."} Named scenarios: ${scenarioList()}.`);
  const { incident } = await declareIncident(deps.db, deps.clock, parsed.data, { onDeclared: deps.onDeclared });
  deps.logger.info({ team: incident.teamId, incident: incident.number }, "drill declared");
  deps.deliverNow();
  return say(`${DRILL_MARK} #${incident.number} is starting: *${escaped(incident.title, 150)}*. I'll send you the link to its war room in a moment. Nobody is paged and nothing leaves Slack.`);
};

async function replay(deps: ListenerDeps, request: SubcommandRequest, args: string) {
  const words = args.split(/\s+/).filter(Boolean);
  const number = /^#?(\d{1,9})$/.exec(words[0] ?? "")?.[1];
  const speedWord = words[1];
  const speedMatch = speedWord === undefined ? undefined : /^(\d{1,4})x?$/i.exec(speedWord)?.[1];
  if (!number || words.length > 2 || (speedWord !== undefined && !speedMatch)) return say(`Which incident, at what speed? ${REPLAY_USAGE}`);
  const speed = speedMatch ? Number(speedMatch) : DEFAULT_REPLAY_SPEED;
  if (speed < 1 || speed > MAX_REPLAY_SPEED) return say(`\`${echoTyped(speedWord ?? "")}\` is not a speed I can replay at: use 1x to ${MAX_REPLAY_SPEED}x.`);
  const outcome = await declareReplayDrill(
    deps.db,
    deps.clock,
    { teamId: request.teamId, declaredBy: request.userId, number: Number(number), speed, originChannelId: request.channelId, responseUrl: request.responseUrl, declareKey: keyOf(request) },
    { onDeclared: deps.onDeclared },
  );
  if (!outcome.ok) {
    switch (outcome.reason) {
      case "not_found":
        return say(`There is no incident #${outcome.number} in this workspace to replay. \`/incident list all\` shows them.`);
      case "is_drill":
        return say(`#${outcome.number} is a drill itself; replay the real incident it practised instead.`);
      case "nothing_to_replay":
        return say(`Incident #${outcome.number} has nothing to replay yet: no alerts, status changes, updates or notes on its timeline.`);
    }
  }
  deps.logger.info({ team: request.teamId, incident: outcome.drill.number, replayOf: outcome.source.number }, "replay drill declared");
  deps.deliverNow();
  return say(
    `${DRILL_MARK} #${outcome.drill.number} replays incident #${outcome.source.number} at ${speed}×: ${outcome.steps} moments over ${humanDuration(outcome.durationMs)}. ` +
      "I'll send you the link to its war room in a moment; you are its commander. Nobody is paged and nothing leaves Slack.",
  );
}

/** The same command, retried by Slack or sent twice, declares one drill. */
const keyOf = (request: SubcommandRequest): string => (request.responseUrl ? `command:${request.responseUrl}` : `drill:${request.userId}:${Date.now()}`);

const scenarioList = (): string => drillScenarioNames.map((n) => `\`${n}\``).join(", ");
