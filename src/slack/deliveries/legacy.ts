// Outbox items queued by an earlier version, which stored ready-made Slack messages instead of naming facts:
// delivered as they were written, so an upgrade loses nothing queued before it.
import type { Tx } from "../../db/client.js";
import { deliveriesFor } from "../../incidents/deliveries.js";
import { enqueue } from "../../outbox/outbox.js";
import type { Deliverer } from "../../outbox/outbox.js";
import type { SlackMessage } from "../gateway.js";
import { incidentOf, joinQuietly, postOnce, requireChannel, unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

const LegacyKinds = {
  postLine: "war_room.post_line",
  share: "war_room.share",
  directMessage: "war_room.direct_message",
  page: "war_room.page",
  unarchive: "war_room.unarchive",
} as const;

const messageOf = (payload: Record<string, unknown>): SlackMessage | undefined => {
  const m = payload.message as { text?: unknown; blocks?: unknown } | undefined;
  return m && typeof m.text === "string" ? { text: m.text, ...(Array.isArray(m.blocks) ? { blocks: m.blocks } : {}) } : undefined;
};

export function legacyDeliverers(ctx: SlackDeliveryContext, directMessage: Deliverer): Record<string, Deliverer> {
  return {
    [LegacyKinds.postLine]: async (item) => {
      const incident = await incidentOf(ctx, item);
      const message = messageOf(item.payload);
      if (message) await postOnce(ctx, item, requireChannel(incident), message);
    },
    [LegacyKinds.share]: async (item) => {
      const incident = await incidentOf(ctx, item);
      const message = messageOf(item.payload);
      if (!message) return;
      await unlessSettled(ctx, incident, "share", async () => {
        const channel = await ctx.gateway.resolveChannelId(ctx.announcementChannels[incident.severity]);
        if (item.uncertainSince) await joinQuietly(ctx, channel);
        await postOnce(ctx, item, channel, message);
      }, ["channel_not_found", "is_archived", "not_in_channel"]);
    },
    [LegacyKinds.directMessage]: async (item) => {
      const message = messageOf(item.payload);
      const userId = String(item.payload.userId ?? "");
      if (!message || !userId) return;
      await unlessSettled(ctx, { number: 0 }, "direct message", async () => postOnce(ctx, item, await ctx.gateway.openDirectMessage(userId), message), [
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
      ]);
    },
    // A page names the person and the level; today's DM delivery words it.
    [LegacyKinds.page]: (item, attempt) => directMessage({ ...item, payload: { ...item.payload, about: { kind: "paged" } } }, attempt),
    // Bots cannot unarchive: a reopen queued before continuation channels existed continues in a new channel.
    [LegacyKinds.unarchive]: async (item) => {
      const incident = await incidentOf(ctx, item);
      return (tx: Tx) => enqueue(tx, ctx.clock, deliveriesFor(incident, { key: `legacy:${item.id}` }, [{ kind: "continue_war_room" }, { kind: "card" }, { kind: "topic" }]));
    },
  };
}
