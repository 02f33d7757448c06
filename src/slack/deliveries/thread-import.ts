// An incident declared from a message: the messages of its thread, read from Slack after the incident exists and
// recorded on the timeline at their original times (each once, however often this runs).
import { captureThread } from "../../incidents/capture-message.js";
import type { Deliverer } from "../../outbox/outbox.js";
import { incidentOf, type SlackDeliveryContext } from "./delivery-context.js";

/** A long thread is a conversation, not an incident's record: the first messages say how it began. */
const THREAD_IMPORT_MAX = 200;
// What people wrote: plain messages, replies also sent to the channel, and other apps' posts; not joins and the like.
const KEPT_SUBTYPES = new Set([undefined, "thread_broadcast", "bot_message", "file_share", "me_message"]);

export function threadImportDeliverer(ctx: SlackDeliveryContext): Deliverer {
  return async (item) => {
    const incident = await incidentOf(ctx, item);
    const channelId = String(item.payload.channelId ?? "");
    const ts = String(item.payload.ts ?? "");
    if (!channelId || !ts) return;
    const read = await ctx.gateway.threadMessages(channelId, ts, THREAD_IMPORT_MAX);
    const thread = read.messages.filter((m) => KEPT_SUBTYPES.has(m.subtype));
    const messages = [];
    for (const m of thread) {
      messages.push({ channelId, ts: m.ts, authorId: m.user ?? m.bot_id ?? "unknown", text: m.text ?? "", permalink: await ctx.gateway.permalink(channelId, m.ts) });
    }
    const outcome = await captureThread({ db: ctx.db, clock: ctx.clock, admins: new Set() }, { teamId: incident.teamId, incidentId: incident.id }, incident.declaredBy, messages);
    if (outcome.ok) ctx.logger.info({ incident: incident.number, messages: messages.length, added: outcome.added, wholeThread: read.whole }, read.whole ? "brought the thread it was declared from onto the timeline" : "Slack would not let the bot read the thread; brought the message it was declared from onto the timeline");
  };
}
