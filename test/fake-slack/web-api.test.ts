// The fake Slack answers a real WebClient the way Slack does: shapes, error codes, rate limits, scopes, triggers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, WebClient, type WebAPICallError } from "@slack/web-api";
import { startFakeSlack, type FakeSlack } from "../../src/fake-slack/server.js";
import { placeholderAppToken } from "../support/placeholder-tokens.js";

let fake: FakeSlack;
let slack: WebClient;
beforeEach(async () => {
  fake = await startFakeSlack();
  slack = new WebClient(fake.botToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});
afterEach(async () => {
  await fake.close();
});

type RefusedCall = Pick<WebAPICallError, "code"> & { data: { error?: string } & Record<string, unknown>; retryAfter?: number };

async function slackError(call: Promise<unknown>): Promise<RefusedCall> {
  try {
    await call;
  } catch (error) {
    return error as RefusedCall;
  }
  throw new Error("expected Slack to refuse the call");
}
const codeOf = async (call: Promise<unknown>) => {
  const e = await slackError(call);
  return e.code === ErrorCode.PlatformError ? e.data.error : e.code;
};

describe("authentication", () => {
  it("refuses a wrong token with invalid_auth and accepts the real one", async () => {
    const stranger = new WebClient("not-the-token", { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect(await codeOf(stranger.auth.test())).toBe("invalid_auth");
    expect((await slack.auth.test()).user_id).toBe(fake.botUserId);
  });

  it("refuses a method whose scope the app was not granted", async () => {
    const narrow = await startFakeSlack({ scopes: ["chat:write"] });
    const client = new WebClient(narrow.botToken, { slackApiUrl: narrow.url, retryConfig: { retries: 0 } });
    const e = await slackError(client.conversations.create({ name: "no-scope" }));
    expect(e.data).toMatchObject({ error: "missing_scope", needed: "channels:manage", provided: "chat:write" });
    // A scope a call needs only with some arguments (a DM by user id needs im:write) is named the same way.
    const dm = await slackError(client.chat.postMessage({ channel: "U_ALICE", text: "hi" }));
    expect(dm.data).toMatchObject({ error: "missing_scope", needed: "im:write", provided: "chat:write" });
    await narrow.close();
  });

  it("names the token's scopes in x-oauth-scopes on every answer (auth.test's is what the self-check reads)", async () => {
    const auth = await slack.auth.test();
    expect([...(auth.response_metadata?.scopes ?? [])].sort()).toEqual([...fake.app.scopes].sort());
    expect((await slack.pins.add({ channel: "C_NOWHERE", timestamp: "1.2" }).catch((e: { data: { response_metadata?: { acceptedScopes?: string[] } } }) => e.data)).response_metadata?.acceptedScopes).toEqual(["pins:write"]);
    const narrow = await startFakeSlack({ scopes: ["chat:write", "users:read"] });
    const client = new WebClient(narrow.botToken, { slackApiUrl: narrow.url, retryConfig: { retries: 0 } });
    expect((await client.auth.test()).response_metadata?.scopes).toEqual(["chat:write", "users:read"]);
    await narrow.close();
  });
});

describe("channels", () => {
  it("creates a channel with the bot as creator and member, and refuses a taken or malformed name", async () => {
    const created = await slack.conversations.create({ name: "inc-1-checkout" });
    expect(created.channel).toMatchObject({ name: "inc-1-checkout", creator: fake.botUserId, is_member: true, is_private: false });
    expect(await codeOf(slack.conversations.create({ name: "inc-1-checkout" }))).toBe("name_taken");
    expect(await codeOf(slack.conversations.create({ name: "Has Spaces" }))).toBe("invalid_name_specials");
    expect(await codeOf(slack.conversations.create({ name: "x".repeat(81) }))).toBe("invalid_name_maxlength");
    expect(await codeOf(slack.conversations.create({ name: "" }))).toBe("invalid_name_required");
  });

  it("invites once, then says already_in_channel; refuses outsiders and archived channels", async () => {
    const { channel } = await slack.conversations.create({ name: "invites" });
    await slack.conversations.invite({ channel: channel!.id!, users: "U_ALICE" });
    expect(fake.channel(channel!.id!)!.members).toContain("U_ALICE");
    expect(await codeOf(slack.conversations.invite({ channel: channel!.id!, users: "U_ALICE" }))).toBe("already_in_channel");
    expect(await codeOf(slack.conversations.invite({ channel: "C0NOPE", users: "U_ALICE" }))).toBe("channel_not_found");
    const general = fake.channelByName("general")!;
    expect(await codeOf(slack.conversations.invite({ channel: general.id, users: "U_ALICE" }))).toBe("not_in_channel");
    await slack.conversations.archive({ channel: channel!.id! });
    expect(await codeOf(slack.conversations.invite({ channel: channel!.id!, users: "U_BOB" }))).toBe("is_archived");
    expect(await codeOf(slack.chat.postMessage({ channel: channel!.id!, text: "late" }))).toBe("is_archived");
  });

  it("refuses conversations.unarchive for a bot token, as Slack's docs say, and leaves the channel archived", async () => {
    const { channel } = await slack.conversations.create({ name: "archived-for-good" });
    await slack.conversations.archive({ channel: channel!.id! });
    expect(await codeOf(slack.conversations.unarchive({ channel: channel!.id! }))).toBe("not_allowed_token_type");
    expect(fake.channel(channel!.id!)!.is_archived).toBe(true);
  });

  it("refuses a topic over 250 characters, counting an emoji as two", async () => {
    const { channel } = await slack.conversations.create({ name: "topics" });
    await slack.conversations.setTopic({ channel: channel!.id!, topic: "🔥".repeat(125) });
    expect(await codeOf(slack.conversations.setTopic({ channel: channel!.id!, topic: `${"🔥".repeat(125)}x` }))).toBe("too_long");
  });

  it("pages through conversations.list with cursors", async () => {
    for (let i = 0; i < 5; i++) fake.createChannel({ name: `page-${i}`, creator: "U_ALICE" });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await slack.conversations.list({ limit: 2, cursor });
      names.push(...page.channels!.map((c) => c.name!));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    expect(names).toEqual(["general", "incidents", "page-0", "page-1", "page-2", "page-3", "page-4"]);
  });
});

describe("messages", () => {
  it("posts with metadata, returns it from history only when asked, and pins once", async () => {
    const { channel } = await slack.conversations.create({ name: "messages" });
    const id = channel!.id!;
    const posted = await slack.chat.postMessage({
      channel: id,
      text: "card",
      metadata: { event_type: "warroom_delivery", event_payload: { key: "k1" } },
    });
    const plain = await slack.conversations.history({ channel: id });
    expect(plain.messages![0]).not.toHaveProperty("metadata");
    const withMetadata = await slack.conversations.history({ channel: id, include_all_metadata: true });
    expect(withMetadata.messages![0]!.metadata).toEqual({ event_type: "warroom_delivery", event_payload: { key: "k1" } });
    await slack.pins.add({ channel: id, timestamp: posted.ts! });
    expect(await codeOf(slack.pins.add({ channel: id, timestamp: posted.ts! }))).toBe("already_pinned");
    expect(await codeOf(slack.pins.add({ channel: id, timestamp: "1.000001" }))).toBe("message_not_found");
  });

  it("posts in a public channel it has not joined (chat:write.public) but cannot read its history", async () => {
    const general = fake.channelByName("general")!;
    await slack.chat.postMessage({ channel: "general", text: "hello by name" });
    expect(fake.messagesIn(general.id).at(-1)!.text).toBe("hello by name");
    expect(await codeOf(slack.conversations.history({ channel: general.id }))).toBe("not_in_channel");
  });

  it("refuses blocks Slack would refuse, with invalid_blocks", async () => {
    const { channel } = await slack.conversations.create({ name: "blocks" });
    const tooLong = [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }];
    const e = await slackError(slack.chat.postMessage({ channel: channel!.id!, text: "t", blocks: tooLong }));
    expect(e.data.error).toBe("invalid_blocks");
    const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" }));
    expect(await codeOf(slack.chat.postMessage({ channel: channel!.id!, text: "t", blocks: tooMany }))).toBe("invalid_blocks");
    expect(await codeOf(slack.chat.postMessage({ channel: channel!.id!, text: "" }))).toBe("no_text");
  });

  it("refuses what Block Kit refuses: a one-option overflow, long placeholders, option values and texts, half an emoji", async () => {
    const { channel } = await slack.conversations.create({ name: "block-rules" });
    const post = (blocks: unknown[]) => slackError(slack.chat.postMessage({ channel: channel!.id!, text: "t", blocks: blocks as never }));
    const option = (text: string, value = "v") => ({ text: { type: "plain_text", text }, value });
    const overflow = (options: unknown[]) => [{ type: "section", text: { type: "mrkdwn", text: "x" }, accessory: { type: "overflow", action_id: "menu", options } }];
    const refused = async (blocks: unknown[]) => ((await post(blocks)).data.errors as string[]).join("; ");
    expect(await refused(overflow([option("one")]))).toContain("options: must have 2 to 5 items");
    expect(await refused(overflow([1, 2, 3, 4, 5, 6].map((n) => option(`o${n}`, `v${n}`))))).toContain("options: must have 2 to 5 items");
    await slack.chat.postMessage({ channel: channel!.id!, text: "t", blocks: overflow([option("a", "a"), option("b", "b")]) as never });
    expect(await refused(overflow([option("a", "x".repeat(151)), option("b", "b")]))).toContain("value: must be less than 151 characters");
    expect(await refused(overflow([option("é".repeat(76), "a"), option("b", "b")]))).toContain("text: must be less than 76 characters");
    const select = { type: "static_select", action_id: "s", placeholder: { type: "plain_text", text: "p".repeat(151) }, options: [option("a")] };
    expect(await refused([{ type: "actions", elements: [select] }])).toContain("placeholder: must be less than 151 characters");
    expect(await refused([{ type: "section", text: { type: "mrkdwn", text: "cut here: \uD83D" } }])).toContain("half an emoji");
    const button = { type: "button", action_id: "b", text: { type: "plain_text", text: "Go" }, confirm: { title: { type: "plain_text", text: "t".repeat(101) }, text: { type: "plain_text", text: "ok?" }, confirm: { type: "plain_text", text: "Yes" }, deny: { type: "plain_text", text: "No" } } };
    expect(await refused([{ type: "actions", elements: [button] }])).toContain("confirm.title: must be less than 101 characters");
  });

  it("opens a DM when posting to a user ID", async () => {
    await slack.chat.postMessage({ channel: "U_BOB", text: "you are the commander" });
    expect(fake.dmsTo("U_BOB").map((m) => m.text)).toEqual(["you are the commander"]);
  });
});

describe("modals", () => {
  const modal = { type: "modal" as const, title: { type: "plain_text" as const, text: "Declare" }, blocks: [] };

  it("opens a modal once per trigger, within three seconds", async () => {
    const trigger = fake.issueTriggerId("U_ALICE");
    const opened = await slack.views.open({ trigger_id: trigger, view: modal });
    expect(fake.view(opened.view!.id!)).toMatchObject({ user: "U_ALICE", closed: false });
    expect(await codeOf(slack.views.open({ trigger_id: trigger, view: modal }))).toBe("exchanged_trigger_id");
    expect(await codeOf(slack.views.open({ trigger_id: "1.2.unknown", view: modal }))).toBe("invalid_trigger_id");
  });

  it("says expired_trigger_id after three seconds", async () => {
    const impatient = await startFakeSlack({ triggerTtlMs: 20 });
    const client = new WebClient(impatient.botToken, { slackApiUrl: impatient.url, retryConfig: { retries: 0 } });
    const trigger = impatient.issueTriggerId("U_ALICE");
    await new Promise((r) => setTimeout(r, 40));
    expect(await codeOf(client.views.open({ trigger_id: trigger, view: modal }))).toBe("expired_trigger_id");
    await impatient.close();
  });

  it("refuses a prefilled input longer than its max_length, counted in UTF-16 units as Slack counts", async () => {
    const input = (initial: string) => ({
      ...modal,
      submit: { type: "plain_text" as const, text: "Save" },
      blocks: [{ type: "input", block_id: "t", label: { type: "plain_text", text: "Title" }, element: { type: "plain_text_input", action_id: "t", max_length: 10, initial_value: initial } }],
    });
    await slack.views.open({ trigger_id: fake.issueTriggerId("U_ALICE"), view: input("🔥".repeat(5)) as never });
    const e = await slackError(slack.views.open({ trigger_id: fake.issueTriggerId("U_ALICE"), view: input("🔥".repeat(6)) as never }));
    expect(e.data.error).toBe("invalid_arguments");
    expect(JSON.stringify(e.data.response_metadata)).toContain("initial_value: longer than max_length (12 > 10)");
  });

  it("refuses a modal whose title is over 24 characters", async () => {
    const e = await slackError(
      slack.views.open({ trigger_id: fake.issueTriggerId("U_ALICE"), view: { ...modal, title: { type: "plain_text", text: "x".repeat(25) } } }),
    );
    expect(e.data.error).toBe("invalid_arguments");
  });
});

describe("the Home tab (views.publish)", () => {
  const home = (blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text: "Hello" } }], extra: Record<string, unknown> = {}) =>
    ({ type: "home", blocks, ...extra }) as never;
  const section = (i: number) => ({ type: "section", text: { type: "mrkdwn", text: `line ${i}` } });

  it("publishes a person's Home, replacing the last one, with a new hash each time", async () => {
    const first = await slack.views.publish({ user_id: "U_ALICE", view: home() });
    expect(first.view).toMatchObject({ type: "home", id: expect.any(String), hash: expect.any(String) });
    const second = await slack.views.publish({ user_id: "U_ALICE", view: home([section(1)]) });
    expect(second.view!.id).toBe(first.view!.id);
    expect(fake.homeOf("U_ALICE")!.view.blocks).toEqual([section(1)]);
    expect(fake.homeOf("U_BOB")).toBeUndefined();
  });

  it("refuses more than 100 blocks, a modal, a title or submit on a Home, and a person nobody has", async () => {
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: home(Array.from({ length: 101 }, (_, i) => section(i))) }))).toBe("invalid_arguments");
    await slack.views.publish({ user_id: "U_ALICE", view: home(Array.from({ length: 100 }, (_, i) => section(i))) });
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] } as never }))).toBe("invalid_arguments");
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: home(undefined, { submit: { type: "plain_text", text: "Go" } }) }))).toBe("invalid_arguments");
    expect(await codeOf(slack.views.publish({ user_id: "U_NOBODY", view: home() }))).toBe("user_not_found");
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: home([section(1), { type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }]) }))).toBe("invalid_arguments");
  });

  it("refuses a view over 250 kB with view_too_large", async () => {
    const big = Array.from({ length: 90 }, (_, i) => ({ type: "section", fields: Array.from({ length: 10 }, () => ({ type: "mrkdwn", text: `${i}`.padEnd(300, "x") })) }));
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: home(big) }))).toBe("view_too_large");
  });

  it("answers hash_conflict when the Home changed since the hash was read, and takes the current hash", async () => {
    const first = await slack.views.publish({ user_id: "U_ALICE", view: home() });
    await slack.views.publish({ user_id: "U_ALICE", view: home([section(2)]) });
    expect(await codeOf(slack.views.publish({ user_id: "U_ALICE", view: home([section(3)]), hash: first.view!.hash! }))).toBe("hash_conflict");
    await slack.views.publish({ user_id: "U_ALICE", view: home([section(4)]), hash: fake.homeOf("U_ALICE")!.hash });
    expect(fake.homeOf("U_ALICE")!.view.blocks).toEqual([section(4)]);
  });

  it("refuses an external_id another view holds", async () => {
    await slack.views.publish({ user_id: "U_ALICE", view: home(undefined, { external_id: "mine" }) });
    expect(await codeOf(slack.views.publish({ user_id: "U_BOB", view: home(undefined, { external_id: "mine" }) }))).toBe("duplicate_external_id");
  });

  it("says not_enabled for an app installed without a Home tab", async () => {
    const noHome = await startFakeSlack({ app: { ...fake.app, homeTabEnabled: false } });
    const client = new WebClient(noHome.botToken, { slackApiUrl: noHome.url, retryConfig: { retries: 0 } });
    expect(await codeOf(client.views.publish({ user_id: "U_ALICE", view: home() }))).toBe("not_enabled");
    await noHome.close();
  });

  it("counts views.publish in Tier 4 (100 a minute) when tiers are enforced", async () => {
    const limited = await startFakeSlack({ tierLimits: true });
    const client = new WebClient(limited.botToken, { slackApiUrl: limited.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    for (let i = 0; i < 100; i++) await client.views.publish({ user_id: "U_ALICE", view: home() });
    expect(await codeOf(client.views.publish({ user_id: "U_ALICE", view: home() }))).toBe(ErrorCode.RateLimitedError);
    await limited.close();
  });
});

describe("misbehaving on purpose", () => {
  it("answers 429 with Retry-After when rate limiting is switched on", async () => {
    fake.faults.set({ rateLimit: { ratio: 1, retryAfterSec: 7, methods: ["chat.postMessage"] } });
    const e = await slackError(slack.chat.postMessage({ channel: "general", text: "x" }));
    expect(e.code).toBe(ErrorCode.RateLimitedError);
    expect(e.retryAfter).toBe(7);
    expect(fake.messagesIn(fake.channelByName("general")!.id)).toHaveLength(0);
    expect((await slack.auth.test()).ok).toBe(true);
  });

  it("can act and then lose the answer, like a 5xx after Slack did the work", async () => {
    fake.faults.failNext("conversations.create", { afterApply: true, status: 503 });
    const e = await slackError(slack.conversations.create({ name: "lost-answer" }));
    expect(e.code).toBe(ErrorCode.HTTPError);
    expect(fake.channelByName("lost-answer")).toBeDefined();
  });

  it("can refuse the next call with one of Slack's error codes", async () => {
    fake.faults.failNext("conversations.setTopic", { error: "restricted_action" });
    const { channel } = await slack.conversations.create({ name: "refused-topic" });
    expect(await codeOf(slack.conversations.setTopic({ channel: channel!.id!, topic: "t" }))).toBe("restricted_action");
    await slack.conversations.setTopic({ channel: channel!.id!, topic: "t" });
  });

  it("takes the app-level token only for Socket Mode's apps.connections.open, and refuses a wrong one", async () => {
    const app = new WebClient(fake.appToken, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect((await app.apps.connections.open()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=/);
    expect(await codeOf(app.chat.postMessage({ channel: "general", text: "x" }))).toBe("not_allowed_token_type");
    expect(await codeOf(slack.apps.connections.open())).toBe("not_allowed_token_type");
    const stranger = new WebClient(placeholderAppToken("1-A0-wrong"), { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    expect(await codeOf(stranger.apps.connections.open())).toBe("invalid_auth");
  });

  it("enforces Slack's per-method tiers when asked", async () => {
    const strict = await startFakeSlack({ tierLimits: true });
    const client = new WebClient(strict.botToken, { slackApiUrl: strict.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    for (let i = 0; i < 20; i++) await client.conversations.create({ name: `tier-${i}` });
    const e = await slackError(client.conversations.create({ name: "tier-21" }));
    expect(e.code).toBe(ErrorCode.RateLimitedError);
    await strict.close();
  });

  it("spends nothing of a method's budget on a call it refused with a 429, so Retry-After tells the truth", async () => {
    const strict = await startFakeSlack({ tierLimits: true });
    const client = new WebClient(strict.botToken, { slackApiUrl: strict.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    for (let i = 0; i < 19; i++) await client.conversations.create({ name: `tier-${i}` });
    strict.faults.failNext("conversations.create", { status: 429, retryAfterSec: 1 });
    const refused = await slackError(client.conversations.create({ name: "tier-19" }));
    expect(refused.code).toBe(ErrorCode.RateLimitedError);
    expect(refused.retryAfter).toBe(1);
    // The twentieth call of the minute is served; the twenty-first is over Tier 2's budget.
    expect((await client.conversations.create({ name: "tier-19" })).channel?.name).toBe("tier-19");
    expect(await codeOf(client.conversations.create({ name: "tier-20" }))).toBe(ErrorCode.RateLimitedError);
    await strict.close();
  });
});
