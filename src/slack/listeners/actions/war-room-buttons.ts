// Buttons on the incident card whose features arrive in a later release: a short, friendly note instead of an error.
import type { App, BlockButtonAction } from "@slack/bolt";
import { WarRoomActions } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";

const comingSoon: Record<string, string> = {
  [WarRoomActions.acknowledge]: "Acknowledging from the card",
  [WarRoomActions.updateStatus]: "Status updates from the card",
  [WarRoomActions.assignRoles]: "Role assignment",
  [WarRoomActions.postUpdate]: "Posting updates from the card",
  [WarRoomActions.resolve]: "Resolving from the card",
};

export function registerWarRoomButtons(app: App, deps: ListenerDeps): void {
  for (const [actionId, feature] of Object.entries(comingSoon)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, respond, body }) => {
      await ack();
      deps.logger.debug({ user: body.user.id, actionId }, "button for a feature not built yet");
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: `:construction: ${feature} is coming soon. For now, coordinate in this channel; everything here is kept.`,
      });
    });
  }
}
