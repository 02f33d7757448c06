// Declares an incident the way a person does: the slash command, then the modal's Declare button.
import type { TestBot } from "./bot.js";

export interface DeclareThroughSlack {
  userId?: string;
  channelId?: string;
  title?: string;
  /** What the person types in the title box, when it differs from the prefilled title. */
  typedTitle?: string;
  severity?: string;
  description?: string;
  services?: string;
  commander?: string;
  retryNum?: number;
}

export async function openDeclareModal(h: TestBot, opts: DeclareThroughSlack = {}) {
  const userId = opts.userId ?? "U_ALICE";
  for (let attempt = 1; ; attempt++) {
    const command = await h.driver.slashCommand({
      userId,
      channelId: opts.channelId ?? h.fake.channelByName("general")?.id ?? "C_GENERAL",
      text: `declare ${opts.title ?? ""}`.trim(),
    });
    const view = await waitFor(
      () =>
        h.fake.views.find((v) => v.user === userId && v.callback_id === "declare_incident" && !v.closed && v.triggerId === command.triggerId) ??
        (triggerExpired(h, command.triggerId) && "expired"),
      // Twenty declares at once on a busy 2-core machine can take longer than the default to open all their forms.
      15_000,
    );
    if (view !== "expired") return { command, view };
    // The bot reached Slack after the trigger's 3 seconds (a busy machine): it told the person, who types it again.
    if (attempt === 3) throw new Error(`the declare form would not open in three tries: each trigger expired before the bot used it`);
  }
}

/** Slack refused views.open for this trigger because it came after the trigger's 3 seconds. */
function triggerExpired(h: TestBot, triggerId: string): boolean {
  return h.fake.calls.some((c) => c.method === "views.open" && c.error === "expired_trigger_id" && (c.args as { trigger_id?: unknown }).trigger_id === triggerId);
}

export async function submitDeclare(h: TestBot, viewId: string, opts: DeclareThroughSlack = {}) {
  const values: Record<string, string> = { severity: opts.severity ?? "sev1" };
  if (opts.typedTitle !== undefined) values.title = opts.typedTitle;
  if (opts.description !== undefined) values.description = opts.description;
  if (opts.services !== undefined) values.services = opts.services;
  if (opts.commander !== undefined) values.commander = opts.commander;
  return h.driver.submitView({ viewId, userId: opts.userId ?? "U_ALICE", values, retryNum: opts.retryNum });
}

export async function declareThroughSlack(h: TestBot, opts: DeclareThroughSlack = {}) {
  const { view } = await openDeclareModal(h, opts);
  const submission = await submitDeclare(h, view.id, opts);
  return { view, submission };
}

export async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** waitFor for probes that must ask the database. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
