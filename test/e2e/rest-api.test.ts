// The REST API end to end: tokens made and revoked in Slack, real HTTP requests into the running bot, and what
// people then see in the fake Slack (the war room, the card, the announcement, pages) with the token as the actor.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createApiToken } from "../../src/access/api-tokens.js";
import { apiTokens, incidents, workspaces } from "../../src/db/schema.js";
import { acknowledgementSchema, errorSchema, incidentAnswerSchema, incidentPageSchema, incidentWithTimelineSchema, sweepReportSchema } from "../../src/http/api/schemas.js";
import { timelineOf } from "../../src/timeline/append.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { MINUTE } from "../support/clock.js";
import { botLinesIn, cardOf, declaredIncident, modalOpenedBy, reload } from "../support/war-room.js";

const SWEEP_TOKEN = randomBytes(32).toString("hex");
const clock = new ManualClock("2026-11-23T10:00:00Z");
let h: TestBot;
let deployBot: string;

beforeAll(async () => {
  h = await startTestBot({ INCIDENT_ADMINS: "U_ALICE", ESCALATION_SWEEP_TOKEN: SWEEP_TOKEN }, { clock });
  h.fake.addUser({ id: "U_DAN", name: "dan", real_name: "Dan Duty" });
  h.fake.addUser({ id: "U_ERIN", name: "erin", real_name: "Erin Escalate" });
  await escalationPolicy(["U_DAN"], ["U_ERIN"]);
  deployBot = await createdToken("deploy-bot");
});
afterAll(async () => {
  await h.close();
});

const general = () => h.fake.channelByName("general")!.id;
const announcements = () => h.fake.messagesIn(h.fake.channelByName("incidents")!.id).filter((m) => m.user === h.fake.botUserId);

/** What a person reads after typing a command. */
async function typed(userId: string, text: string): Promise<string> {
  const answer = await h.driver.slashCommand({ userId, channelId: general(), text });
  expect(answer.body?.response_type).toBe("ephemeral");
  return String(answer.body?.text ?? "");
}

async function createdToken(name: string): Promise<string> {
  const answer = await typed("U_ALICE", `api-token create ${name}`);
  const token = /```(wrapi_[A-Za-z0-9_-]+)```/.exec(answer)?.[1];
  if (!token) throw new Error(`no token in: ${answer}`);
  return token;
}

/** Level 1 pages Dan, level 2 Erin: set up through the form, as an admin does. */
async function escalationPolicy(level1: string[], level2: string[]) {
  const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "escalation policy" });
  const form = await modalOpenedBy(h, opened.triggerId);
  const answer = await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Default", is_default: ["default"], repeat: "0", level_1_users: level1, level_2_users: level2 } });
  expect(answer.body).toBe("");
}

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

async function call(method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const token = opts.token === undefined ? deployBot : opts.token;
  const response = await fetch(`http://127.0.0.1:${h.bot.port}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined || opts.raw !== undefined ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A 4xx answered in JSON, with a code and a sentence, and nothing that looks like a stack trace. */
function expectJsonError(answer: Answer, status: number, code: string, field?: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get("content-type")).toContain("application/json");
  const { error } = errorSchema.parse(answer.body);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/[.!?]$/);
  if (field !== undefined) expect(error.field).toBe(field);
  expect(answer.text).not.toMatch(/\n\s+at |\.ts:\d+/);
  return error;
}

const declare = (body: Record<string, unknown>, opts: { token?: string; key?: string } = {}) =>
  call("POST", "/api/v1/incidents", { token: opts.token, body, headers: opts.key ? { "idempotency-key": opts.key } : {} });

async function declaredThroughApi(body: Record<string, unknown>) {
  const answer = await declare(body);
  expect(answer.status, answer.text).toBe(201);
  await h.bot.outbox.waitUntilIdle();
  const { incident } = incidentAnswerSchema.parse(answer.body);
  return incident;
}

const incidentRow = async (number: number) => (await h.database.db.select().from(incidents)).find((i) => i.teamId === h.fake.teamId && i.number === number)!;

describe("API tokens from Slack", () => {
  it("are made by incident admins only, shown once, stored as a hash, listed with their last use, and open nothing once revoked", async () => {
    expect(await typed("U_BOB", "api-token create sneaky")).toContain("Only incident admins (INCIDENT_ADMINS) can manage API tokens");

    const created = await typed("U_ALICE", "api-token create ci-bot");
    expect(created).toContain("Copy it now: it is shown only this once");
    const token = /```(wrapi_[A-Za-z0-9_-]+)```/.exec(created)![1]!;
    // Shown once, in the ephemeral answer to Alice; nothing else the bot said anywhere carries it.
    expect(h.fake.everythingTheBotSaid().filter((s) => JSON.stringify(s).includes(token)).map((s) => s.where)).toEqual(["ephemeral ack U_ALICE"]);
    const stored = await h.database.db.select().from(apiTokens);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.find((t) => t.name === "ci-bot")).toMatchObject({ teamId: h.fake.teamId, createdBy: "U_ALICE", lastUsedAt: null });

    expect(await typed("U_ALICE", "api-token create ci-bot")).toContain("There is already a live API token named *ci-bot*");
    expect(await typed("U_ALICE", "api-token create no:colons")).toContain("A token name is 1 to 40 letters");

    let listed = await typed("U_ALICE", "api-token list");
    expect(listed).toMatch(/\*ci-bot\*, created by <@U_ALICE> .*never used/);
    expect(listed).not.toContain(token);

    expect((await call("GET", "/api/v1/incidents", { token })).status).toBe(200);
    listed = await typed("U_ALICE", "api-token list");
    expect(listed).toMatch(/\*ci-bot\*, created by <@U_ALICE> .*last used <!date\^/);

    expect(await typed("U_ALICE", "api-token revoke ci-bot")).toContain("Revoked API token *ci-bot*");
    expectJsonError(await call("GET", "/api/v1/incidents", { token }), 401, "unauthorized");
    expect(await typed("U_ALICE", "api-token list")).not.toContain("ci-bot");
    expect(await typed("U_ALICE", "api-token revoke ci-bot")).toContain("There is no live API token named *ci-bot*");
  });

  it("refuses requests without a token, with a wrong one, or with a Slack token", async () => {
    for (const token of [null, "wrapi_not-a-real-token", h.fake.botToken, `${deployBot}x`]) {
      const answer = await call("GET", "/api/v1/incidents", { token });
      expectJsonError(answer, 401, "unauthorized");
      expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    }
  });
});

describe("declaring through the API", () => {
  it("opens the war room, pins the card, announces and pages exactly as a person's declare, with the token as declarer", async () => {
    const answer = await declare({ title: "Checkout 502s from deploy 4512", severity: "sev1", description: "Canary failed", services: ["checkout", "payments"] });
    expect(answer.status, answer.text).toBe(201);
    const { incident } = incidentAnswerSchema.parse(answer.body);
    expect(answer.headers.get("location")).toBe(`/api/v1/incidents/${incident.number}`);
    expect(incident).toMatchObject({ severity: "sev1", status: "investigating", services: ["checkout", "payments"], commander: "U_ALICE" });
    expect(incident.declaredBy).toEqual({ type: "api_token", name: "deploy-bot" });
    await h.bot.outbox.waitUntilIdle();

    const row = await incidentRow(incident.number);
    const channel = h.fake.channel(row.channelId!)!;
    expect(channel.name).toBe(`inc-${incident.number}-checkout-502s-from-deploy-4512`);
    // The commander (the token's creator) and the paged Dan are in the room; the token is no one to invite.
    expect(channel.members).toEqual(expect.arrayContaining(["U_ALICE", "U_DAN"]));
    expect(h.fake.calls.filter((c) => c.method === "conversations.invite" && JSON.stringify(c.args).includes("api_token"))).toEqual([]);
    expect(h.fake.calls.filter((c) => !c.ok).map((c) => `${c.method} ${c.error}`)).toEqual([]);

    const card = cardOf(h, row);
    expect(card.json).toContain("Declared by API token ‘deploy-bot’");
    expect(h.fake.pinsIn(channel.id).map((p) => p.ts)).toContain(row.summaryTs);
    const announced = announcements().filter((m) => m.text.includes(`incident #${incident.number} declared`));
    expect(announced).toHaveLength(1);
    expect(JSON.stringify(announced[0]!.blocks)).toContain("Declared by API token ‘deploy-bot’");
    expect(h.fake.dmsTo("U_DAN").at(-1)!.text).toContain(`You are paged for SEV1 incident #${incident.number}`);

    const timeline = await timelineOf(h.database.db, h.fake.teamId, row.id);
    expect(timeline[0]).toMatchObject({ type: "declared", actor: expect.stringMatching(/^api_token:\d+:deploy-bot$/) });
    // Nobody in Slack is waiting for a link: the HTTP answer was it.
    expect(timeline.map((e) => e.type)).not.toContain("declarer_notified");
  });

  it("declares once however often a call with the same Idempotency-Key is retried, even at the same moment", async () => {
    const body = { title: "Retried declare", severity: "sev3" };
    const first = await declare(body, { key: "deploy-4513" });
    expect(first.status).toBe(201);
    const again = await declare(body, { key: "deploy-4513" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);

    const burst = await Promise.all([1, 2, 3, 4].map(() => declare({ title: "Burst declare", severity: "sev3" }, { key: "deploy-4514" })));
    for (const a of burst) expect([201, 409]).toContain(a.status);
    const conflict = burst.find((a) => a.status === 409);
    if (conflict) expectJsonError(conflict, 409, "idempotency_key_in_use", "Idempotency-Key");
    await h.bot.outbox.waitUntilIdle();

    const rows = (await h.database.db.select().from(incidents)).filter((i) => i.teamId === h.fake.teamId);
    expect(rows.filter((i) => i.title === "Retried declare")).toHaveLength(1);
    expect(rows.filter((i) => i.title === "Burst declare")).toHaveLength(1);
    expect(h.fake.channels.filter((c) => c.name.includes("burst-declare"))).toHaveLength(1);

    // The same key for another request is a client mistake, said as such; a new key is a new incident.
    expectJsonError(await declare({ title: "Something else", severity: "sev3" }, { key: "deploy-4513" }), 422, "idempotency_key_reused", "Idempotency-Key");
    expectJsonError(await declare(body, { key: "bad key with spaces" }), 400, "invalid_header", "Idempotency-Key");
    // Keys belong to their token: another token's same key declares its own incident.
    const other = await createdToken("other-bot");
    expect((await declare(body, { token: other, key: "deploy-4513" })).status).toBe(201);
  });
});

describe("running an incident through the API", () => {
  it("acknowledges, posts an update and resolves through the same actions as the buttons, shown in Slack as the token", async () => {
    const incident = await declaredThroughApi({ title: "Queue backlog", severity: "sev2", services: ["queue"] });
    const row = await incidentRow(incident.number);
    const n = incident.number;

    const ack = await call("POST", `/api/v1/incidents/${n}/acknowledge`);
    expect(ack.status, ack.text).toBe(200);
    expect(acknowledgementSchema.parse(ack.body)).toMatchObject({ acknowledgement: "acknowledged", incident: { acknowledgedBy: { type: "api_token", name: "deploy-bot" } } });
    expect((await call("POST", `/api/v1/incidents/${n}/acknowledge`)).body.acknowledgement).toBe("already_acknowledged_by_you");
    await h.bot.outbox.waitUntilIdle();
    expect(cardOf(h, await reload(h, row)).json).toContain("API token ‘deploy-bot’ after");
    expect(botLinesIn(h, row.channelId!).map((m) => m.text)).toContain(":eyes: API token ‘deploy-bot’ acknowledged the incident, 0s after it was declared.");

    const update = await call("POST", `/api/v1/incidents/${n}/updates`, { body: { impact: "Jobs delayed by 10 minutes", currentAction: "Scaling consumers", nextUpdate: "in 30 minutes", share: true } });
    expect(update.status, update.text).toBe(201);
    await h.bot.outbox.waitUntilIdle();
    const posted = botLinesIn(h, row.channelId!).find((m) => JSON.stringify(m.blocks).includes("Jobs delayed by 10 minutes"));
    expect(JSON.stringify(posted?.blocks)).toContain("Posted by API token ‘deploy-bot’");
    expect(announcements().some((m) => JSON.stringify(m.blocks).includes("Scaling consumers"))).toBe(true);

    expectJsonError(await call("POST", `/api/v1/incidents/${n}/resolve`, { body: { summary: "   " } }), 400, "invalid_body", "summary");
    const resolved = await call("POST", `/api/v1/incidents/${n}/resolve`, { body: { summary: "Consumers scaled to 12", rootCause: "Traffic spike" } });
    expect(resolved.status, resolved.text).toBe(200);
    expect(incidentAnswerSchema.parse(resolved.body).incident).toMatchObject({ status: "resolved", resolution: { summary: "Consumers scaled to 12", rootCause: "Traffic spike" }, resolvedBy: { type: "api_token", name: "deploy-bot" } });
    await h.bot.outbox.waitUntilIdle();
    expect(cardOf(h, await reload(h, row)).json).toContain("Consumers scaled to 12");
    expect(botLinesIn(h, row.channelId!).map((m) => m.text).join("\n")).toContain("API token ‘deploy-bot’ resolved the incident");
    expect(announcements().some((m) => JSON.stringify(m.blocks).includes("By API token ‘deploy-bot’"))).toBe(true);

    const again = expectJsonError(await call("POST", `/api/v1/incidents/${n}/resolve`, { body: { summary: "Again" } }), 409, "already_resolved");
    expect(again.message).toContain(`Incident #${n} is already resolved`);
    expectJsonError(await call("POST", `/api/v1/incidents/${n}/updates`, { body: { impact: "x" } }), 400, "invalid_body", "currentAction");
  });

  it("manages a person's incident only while the token's creator may, and says who may", async () => {
    const incident = await declaredIncident(h, { title: "Declared by Bob", severity: "sev3", userId: "U_BOB", commander: "U_BOB" });
    const made = await createApiToken(h.database.db, clock, { teamId: h.fake.teamId, name: "bobs-bot", userId: "U_BOB", admins: new Set(["U_BOB"]) });
    if (!made.ok) throw new Error("token not made");
    const refused = expectJsonError(await call("POST", `/api/v1/incidents/${incident.number}/resolve`, { token: made.token, body: { summary: "Not mine" } }), 403, "not_allowed");
    expect(refused.message).toContain("its Incident Commander (U_BOB)");
    // Acknowledging is open to anyone, tokens included.
    expect((await call("POST", `/api/v1/incidents/${incident.number}/acknowledge`, { token: made.token })).status).toBe(200);
    // Alice is an incident admin: her token may resolve it.
    expect((await call("POST", `/api/v1/incidents/${incident.number}/resolve`, { body: { summary: "Fixed by the pipeline" } })).status).toBe(200);
  });

  it("answers a retried update with the first answer, and posts it once", async () => {
    const incident = await declaredThroughApi({ title: "Retried update", severity: "sev3" });
    const body = { impact: "Some logins slow", currentAction: "Restarting auth" };
    const first = await call("POST", `/api/v1/incidents/${incident.number}/updates`, { body, headers: { "idempotency-key": "upd-1" } });
    const second = await call("POST", `/api/v1/incidents/${incident.number}/updates`, { body, headers: { "idempotency-key": "upd-1" } });
    expect([first.status, second.status]).toEqual([201, 201]);
    await h.bot.outbox.waitUntilIdle();
    const row = await incidentRow(incident.number);
    expect(botLinesIn(h, row.channelId!).filter((m) => JSON.stringify(m.blocks).includes("Restarting auth"))).toHaveLength(1);
  });
});

describe("reading incidents", () => {
  it("lists with filters and pages, newest first", async () => {
    const base = Date.parse("2026-11-23T10:00:00Z");
    clock.set(new Date(base + 60 * MINUTE));
    const since = clock.now().toISOString();
    const a = await declaredThroughApi({ title: "Filter A", severity: "sev1", services: ["search"] });
    const b = await declaredThroughApi({ title: "Filter B", severity: "sev2", services: ["search", "ads"] });
    const c = await declaredThroughApi({ title: "Filter C", severity: "sev2", services: ["ads"] });
    await call("POST", `/api/v1/incidents/${c.number}/resolve`, { body: { summary: "Done" } });

    const list = async (query: string) => {
      const answer = await call("GET", `/api/v1/incidents?${query}`);
      expect(answer.status, answer.text).toBe(200);
      return incidentPageSchema.parse(answer.body);
    };
    const numbers = (page: { incidents: Array<{ number: number }> }) => page.incidents.map((i) => i.number);

    expect(numbers(await list(`since=${encodeURIComponent(since)}`))).toEqual([c.number, b.number, a.number]);
    expect(numbers(await list(`since=${encodeURIComponent(since)}&service=search`))).toEqual([b.number, a.number]);
    expect(numbers(await list(`since=${encodeURIComponent(since)}&severity=sev2`))).toEqual([c.number, b.number]);
    expect(numbers(await list(`since=${encodeURIComponent(since)}&status=open&severity=sev1,sev2`))).toEqual([b.number, a.number]);
    expect(numbers(await list(`since=${encodeURIComponent(since)}&status=resolved`))).toEqual([c.number]);

    const first = await list(`since=${encodeURIComponent(since)}&limit=2`);
    expect(numbers(first)).toEqual([c.number, b.number]);
    const second = await list(`since=${encodeURIComponent(since)}&limit=2&cursor=${first.nextCursor}`);
    expect(numbers(second)).toEqual([a.number]);
    expect(second.nextCursor).toBeNull();

    const all = await list("limit=100");
    expect(all.incidents.length).toBeGreaterThan(5);
    expect(numbers(all)).toEqual([...numbers(all)].sort((x, y) => y - x));

    expectJsonError(await call("GET", "/api/v1/incidents?severity=critical"), 400, "invalid_query", "severity");
    expectJsonError(await call("GET", "/api/v1/incidents?status=open,sleeping"), 400, "invalid_query", "status");
    expectJsonError(await call("GET", "/api/v1/incidents?since=yesterday"), 400, "invalid_query", "since");
    expectJsonError(await call("GET", "/api/v1/incidents?limit=0"), 400, "invalid_query", "limit");
    expectJsonError(await call("GET", "/api/v1/incidents?sevrity=sev1"), 400, "invalid_query", "sevrity");
  });

  it("gets one incident with its timeline as structured facts", async () => {
    const incident = await declaredThroughApi({ title: "Timeline please", severity: "sev2", services: ["auth"] });
    await call("POST", `/api/v1/incidents/${incident.number}/acknowledge`);
    const answer = await call("GET", `/api/v1/incidents/${incident.number}`);
    expect(answer.status, answer.text).toBe(200);
    const { incident: got, timeline } = incidentWithTimelineSchema.parse(answer.body);
    expect(got).toMatchObject({ number: incident.number, title: "Timeline please", warRoom: { channelName: `inc-${incident.number}-timeline-please` } });
    expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(["declared", "channel_created", "card_posted", "announced", "paged", "acknowledged"]));
    const declared = timeline.find((e) => e.type === "declared")!;
    expect(declared.actor).toEqual({ type: "api_token", name: "deploy-bot" });
    expect(declared.data).toMatchObject({ number: incident.number, title: "Timeline please", severity: "sev2", affectedServices: ["auth"] });
    expect(declared.summary).toBe(`Declared SEV2 incident #${incident.number}: Timeline please`);
    expect(timeline.find((e) => e.type === "paged")!.actor).toEqual({ type: "warroom" });
    expect(timeline.find((e) => e.type === "paged")!.data).toMatchObject({ level: 1, users: ["U_DAN"] });

    expectJsonError(await call("GET", "/api/v1/incidents/99999"), 404, "not_found");
    expectJsonError(await call("GET", "/api/v1/incidents/twelve"), 400, "invalid_path", "number");
  });
});

describe("bad input", () => {
  it("is answered with a 4xx JSON error naming the field, never a stack trace", async () => {
    expectJsonError(await call("POST", "/api/v1/incidents", { raw: "{not json" }), 400, "invalid_json");
    expectJsonError(await call("POST", "/api/v1/incidents", { raw: "" }), 400, "invalid_json");
    expectJsonError(await declare({ severity: "sev1" }), 400, "invalid_body", "title");
    expectJsonError(await declare({ title: "x", severity: "sev9" }), 400, "invalid_body", "severity");
    expectJsonError(await declare({ title: "x", severity: "sev1", sevrity: "sev1" }), 400, "invalid_body", "sevrity");
    expectJsonError(await declare({ title: "x", severity: "sev1", services: ["ok", "y".repeat(81)] }), 400, "invalid_body", "services[1]");
    expectJsonError(await declare({ title: "x", severity: "sev1", commander: "@alice" }), 400, "invalid_body", "commander");
    expectJsonError(await declare({ title: "t".repeat(151), severity: "sev1" }), 400, "invalid_body", "title");
    expectJsonError(await call("POST", "/api/v1/incidents", { raw: JSON.stringify({ title: "x", severity: "sev1", description: "d".repeat(70_000) }) }), 413, "body_too_large");
    expectJsonError(await call("POST", "/api/v1/incidents/1/updates", { raw: "[1,2]" }), 400, "invalid_body");
    expectJsonError(await call("GET", "/api/v1/nothing-here"), 404, "not_found");
    expectJsonError(await call("DELETE", "/api/v1/incidents/1"), 404, "not_found");
    expectJsonError(await call("GET", "/api/v1/incidents/%E0%A4%A"), 400, "invalid_path");
    const rows = (await h.database.db.select().from(incidents)).filter((i) => i.title === "x");
    expect(rows).toEqual([]);
  });
});

describe("workspaces", () => {
  it("keeps each token inside its own workspace", async () => {
    // Another workspace's incident and token, as if the same database served a second team.
    await h.database.db.insert(workspaces).values({ teamId: "T_OTHER", lastIncidentNumber: 7, createdAt: clock.now() });
    await h.database.db.insert(incidents).values({
      teamId: "T_OTHER", number: 7, title: "Other team's secret", severity: "sev1", status: "investigating", commanderId: "U_OTHER",
      declaredBy: "U_OTHER", declaredAt: clock.now(), declareKey: "other-7", updatedAt: clock.now(),
    });
    const made = await createApiToken(h.database.db, clock, { teamId: "T_OTHER", name: "their-bot", userId: "U_OTHER", admins: new Set(["U_OTHER"]) });
    if (!made.ok) throw new Error("token not made");

    const ours = incidentPageSchema.parse((await call("GET", "/api/v1/incidents?limit=100")).body);
    expect(ours.incidents.map((i) => i.title)).not.toContain("Other team's secret");
    // Our own #7 is ours, not theirs.
    const seven = await call("GET", "/api/v1/incidents/7");
    expect(seven.status).toBe(200);
    expect(seven.body.incident.title).not.toBe("Other team's secret");

    const theirs = incidentPageSchema.parse((await call("GET", "/api/v1/incidents?limit=100", { token: made.token })).body);
    expect(theirs.incidents.map((i) => i.title)).toEqual(["Other team's secret"]);
    expectJsonError(await call("GET", "/api/v1/incidents/1", { token: made.token }), 404, "not_found");
    expectJsonError(await call("POST", "/api/v1/incidents/1/acknowledge", { token: made.token }), 404, "not_found");
    expectJsonError(await call("POST", "/api/v1/incidents/1/resolve", { token: made.token, body: { summary: "Not yours" } }), 404, "not_found");
    expect(String((await incidentRow(1)).acknowledgedBy)).not.toContain("their-bot");
    // Their token cannot be listed or revoked from this workspace's Slack either.
    expect(await typed("U_ALICE", "api-token list")).not.toContain("their-bot");
    expect(await typed("U_ALICE", "api-token revoke their-bot")).toContain("There is no live API token named *their-bot*");
  });
});

describe("the escalation sweep", () => {
  // Without ESCALATION_SWEEP_TOKEN the route answers 404: test/http/openapi.test.ts.
  it("runs the due work once, guarded by its own token, and says what it did", async () => {
    expectJsonError(await call("POST", "/api/v1/escalations/sweep", { token: null }), 401, "unauthorized");
    expectJsonError(await call("POST", "/api/v1/escalations/sweep", { token: deployBot }), 401, "unauthorized");
    expectJsonError(await call("POST", "/api/v1/escalations/sweep", { token: "0".repeat(64) }), 401, "unauthorized");
    // Whatever earlier tests left due, then a quiet start.
    await call("POST", "/api/v1/escalations/sweep", { token: SWEEP_TOKEN });

    const incident = await declaredThroughApi({ title: "Nobody answers", severity: "sev1" });
    const row = await incidentRow(incident.number);
    const idle = await call("POST", "/api/v1/escalations/sweep", { token: SWEEP_TOKEN });
    expect(sweepReportSchema.parse(idle.body).handled).toBe(0);

    clock.advance(5 * MINUTE);
    const swept = await call("POST", "/api/v1/escalations/sweep", { token: SWEEP_TOKEN });
    expect(swept.status, swept.text).toBe(200);
    const report = sweepReportSchema.parse(swept.body);
    expect(report.byKind["incident.escalate"]).toBeGreaterThanOrEqual(1);
    expect(report.byKind["incident.ack_sla"]).toBeGreaterThanOrEqual(1);
    await h.bot.outbox.waitUntilIdle();
    // Earlier tests' incidents may fall due in the same sweep, and deliveries of different incidents arrive in any order.
    expect(h.fake.dmsTo("U_ERIN").map((m) => m.text).filter((t) => new RegExp(`You are paged for SEV1 incident #${incident.number}\\b`).test(t))).toHaveLength(1);
    expect(botLinesIn(h, row.channelId!).map((m) => m.text)).toContain(":rotating_light: Not acknowledged yet: escalated to level 2 (<@U_ERIN>).");

    // Each job once: sweeping again right away finds nothing due.
    expect(sweepReportSchema.parse((await call("POST", "/api/v1/escalations/sweep", { token: SWEEP_TOKEN })).body)).toMatchObject({ handled: 0, byKind: {} });
  });
});

describe("the OpenAPI document", () => {
  it("is served without a token", async () => {
    const answer = await call("GET", "/api/v1/openapi.json", { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe("3.1.0");
    expect(Object.keys(answer.body.paths)).toContain("/api/v1/incidents/{number}/resolve");
  });
});
