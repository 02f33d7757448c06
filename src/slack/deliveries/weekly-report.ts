// The weekly report, posted in the announcement channel (INCIDENTS_CHANNEL), drawn when it is delivered from the
// week its item names, so a retry or a late delivery says the same thing about the same week.
import { incidentMetrics } from "../../metrics/queries.js";
import { weeklyReportContent } from "../../metrics/weekly-report.js";
import { PermanentDeliveryError, type Deliverer } from "../../outbox/outbox.js";
import { weeklyReportMessage } from "../blocks/metrics.js";
import { SlackCallError } from "../gateway.js";
import { joinQuietly, postOnce, type SlackDeliveryContext } from "./delivery-context.js";

export function weeklyReportDeliverer(ctx: SlackDeliveryContext): Deliverer {
  const channelName = ctx.reportChannel ?? ctx.announcementChannels.sev4;
  const timeZone = ctx.businessTimeZone ?? "UTC";
  return async (item) => {
    const from = new Date(String(item.payload.from));
    const to = new Date(String(item.payload.to));
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new PermanentDeliveryError("weekly report without its week");
    const [report, metrics] = await Promise.all([
      weeklyReportContent(ctx.db, item.teamId, { from, to }, timeZone),
      incidentMetrics(ctx.db, item.teamId, { period: "7d", timeZone: timeZone }, to),
    ]);
    try {
      const channel = await ctx.gateway.resolveChannelId(channelName);
      if (item.uncertainSince) await joinQuietly(ctx, channel);
      await postOnce(ctx, item, channel, weeklyReportMessage(report, metrics));
    } catch (error) {
      // A missing or archived channel will not heal by retrying; there is no war room to tell, so the log says it.
      if (error instanceof SlackCallError && !error.retryable) {
        ctx.logger.warn({ channel: channelName, error: error.code }, "could not post the weekly report");
        return;
      }
      throw error;
    }
  };
}
