// A person opened the app's Home tab: remember that they look at it, and publish it (through the outbox, like
// every later refresh of it). Opening the Messages tab is not ours to answer.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { homeOpened } from "../../../home/refresh.js";
import type { ListenerDeps } from "../deps.js";

const openedSchema = z.object({
  user: z.string().regex(/^[UW][A-Z0-9_]+$/),
  tab: z.string().optional(),
});
const envelopeSchema = z.object({ team_id: z.string().min(1), event_id: z.string().min(1).max(100) });

export async function appHomeOpened(deps: ListenerDeps, { event, body }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> {
  const opened = openedSchema.safeParse(event);
  const envelope = envelopeSchema.safeParse(body);
  if (!opened.success || !envelope.success) return void deps.logger.warn({ event }, "an app_home_opened event I cannot read");
  if (opened.data.tab !== "home") return;
  await homeOpened(deps.db, deps.clock, envelope.data.team_id, opened.data.user, envelope.data.event_id);
  deps.deliverNow();
}
