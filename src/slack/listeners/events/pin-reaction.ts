// A :pushpin: reaction on a message in a war room adds that message to the incident's timeline, once.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { captureMessage } from "../../../incidents/capture-message.js";
import { incidentByChannel } from "../../../incidents/queries.js";
import { replies } from "../../blocks/answers.js";
import type { ListenerDeps } from "../deps.js";

const CAPTURE_REACTIONS = new Set(["pushpin", "round_pushpin"]);

export async function pinReaction(deps: ListenerDeps, { event, body }: SlackEventMiddlewareArgs<"reaction_added"> & AllMiddlewareArgs): Promise<void> {
  if (!CAPTURE_REACTIONS.has(event.reaction) || event.item.type !== "message") return;
  const teamId = (body as { team_id?: string }).team_id ?? "";
  const { channel, ts } = event.item;
  const incident = await incidentByChannel(deps.db, teamId, channel);
  if (!incident) return;
  const found = await deps.gateway.messageAt(channel, ts);
  if (!found) return;
  const outcome = await captureMessage(
    deps,
    { teamId, incidentId: incident.id },
    event.user,
    { channelId: channel, ts, authorId: found.user ?? found.bot_id ?? "unknown", text: found.text ?? "", permalink: await deps.gateway.permalink(channel, ts) },
    "reaction",
  );
  if (outcome.ok && outcome.added) {
    await deps.gateway
      .postEphemeral(channel, event.user, { text: `:pushpin: ${replies.captured(outcome.incident, true)}` })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "could not confirm a pinned message"));
  }
}
