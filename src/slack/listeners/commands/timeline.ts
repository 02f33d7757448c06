// /incident timeline: the incident's timeline, oldest first.
import { timelineOf } from "../../../timeline/append.js";
import { timelineMessage } from "../../blocks/timeline.js";
import { onIncident } from "../subcommand.js";

export const timeline = onIncident("/incident timeline #12", async (deps, request, { incident }) => ({
  answer: timelineMessage(incident, await timelineOf(deps.db, request.teamId, incident.id), deps.clock.now()),
}));
