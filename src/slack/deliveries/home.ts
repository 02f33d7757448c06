// Showing a person their App Home again: rendered from what it shows now, and published at most once per settle
// window per person (the first change at once; changes within the window wait for its end, where they coalesce).
import { personalHome } from "../../home/home.js";
import { DeliveryDeferred, type Deliverer } from "../../outbox/outbox.js";
import { appHome } from "../blocks/app-home.js";
import { unlessSettled, type SlackDeliveryContext } from "./delivery-context.js";

const REMEMBERED = 10_000;

export function homeDeliverers(ctx: SlackDeliveryContext) {
  const settleMs = ctx.homeSettleMs ?? 3000;
  const lastPublished = new Map<string, number>();

  /** Leading edge at once; anything within the window after it waits for the window's end (as the card does). */
  function paced(key: string): void {
    const since = Date.now() - (lastPublished.get(key) ?? 0);
    if (since < settleMs) throw new DeliveryDeferred(settleMs - since);
    lastPublished.delete(key);
    if (lastPublished.size >= REMEMBERED) lastPublished.delete(lastPublished.keys().next().value!);
    lastPublished.set(key, Date.now());
  }

  const refreshHome: Deliverer = async (item) => {
    const userId = String(item.payload.userId ?? "");
    if (!/^[UW][A-Z0-9_]+$/.test(userId)) return;
    paced(`${item.teamId}:${userId}`);
    const now = ctx.clock.now();
    const home = await personalHome(ctx.db, item.teamId, userId, now);
    const metricsBrief = await ctx.homeMetricsBrief?.(item.teamId, now);
    // Someone Slack no longer knows has no Home to show; an app without a Home tab cannot show one (manifest.yml).
    await unlessSettled(ctx, { number: 0 }, "publish home", () => ctx.gateway.publishHome(userId, appHome(home, { now, metricsBrief })), [
      "user_not_found",
      "not_enabled",
    ]);
  };

  return { refreshHome };
}
