// The fake Slack's OAuth as strict as Slack's: the consent page's redirect, oauth.v2.access (client credentials,
// single-use codes that live ten minutes, redirect_uri matching), token rotation, and a second hosted workspace.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { FakeSlack, startFakeSlack } from "../../src/fake-slack/server.js";

const clientId = "111.222";
const clientSecret = "0123456789abcdef0123";
let now = Date.now();
let fake: FakeSlack;
let other: FakeSlack;
beforeEach(async () => {
  now = Date.now();
  fake = await startFakeSlack({ oauth: { clientId, clientSecret, tokenRotation: true, tokenLifetimeSec: 3600 }, now: () => now });
  other = await new FakeSlack({ identity: { team: { id: "T0FAKE0002", domain: "two", name: "Two" }, bot: { userId: "UBOT2", botId: "B2", appId: "A0FAKEAPP1", name: "warroom" }, idTag: "1" } }).listen();
  fake.host(other);
  fake.redirectUrl = "https://bot.example/slack/oauth_redirect";
});
afterEach(async () => {
  await fake.close();
  await other.close();
});

const api = () => new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });

async function codeFor(team: string, extra = ""): Promise<URL> {
  const answer = await fetch(`${fake.baseUrl}/oauth/v2/authorize?client_id=${clientId}&scope=commands,chat:write&state=s1&team=${team}${extra}`, { redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

const refused = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    return (error as { data?: { error?: string } }).data?.error;
  }
  return "ok";
};

describe("the fake's OAuth", () => {
  it("sends the person back with a code and the state, and exchanges the code once for the workspace's token", async () => {
    const back = await codeFor(other.teamId);
    expect(back.origin + back.pathname).toBe(fake.redirectUrl);
    expect(back.searchParams.get("state")).toBe("s1");
    const code = back.searchParams.get("code")!;
    expect(await refused(api().oauth.v2.access({ client_id: clientId, client_secret: "wrong-secret-0000", code }))).toBe("bad_client_secret");
    const got = (await api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code })) as Record<string, any>;
    expect(got.team.id).toBe(other.teamId);
    expect(got.bot_user_id).toBe("UBOT2");
    expect(got.refresh_token).toBeDefined();
    expect(got.expires_in).toBe(3600);
    // Spent by the exchange above: a code works once.
    expect(await refused(api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code }))).toBe("invalid_code");
    // The token is the second workspace's, served through the first one's URL.
    const who = await new WebClient(got.access_token, { slackApiUrl: fake.url }).auth.test();
    expect(who.team_id).toBe(other.teamId);
  });

  it("refuses an unknown client, a code past ten minutes, and a redirect_uri other than the one asked for", async () => {
    expect(await refused(api().oauth.v2.access({ client_id: "999.999", client_secret: clientSecret, code: "x" }))).toBe("invalid_client_id");
    const late = (await codeFor(fake.teamId)).searchParams.get("code")!;
    now += 10 * 60_000 + 1;
    expect(await refused(api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code: late }))).toBe("invalid_code");
    const asked = await codeFor(fake.teamId, `&redirect_uri=${encodeURIComponent(fake.redirectUrl + "?x=1")}`);
    expect(await refused(api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code: asked.searchParams.get("code")!, redirect_uri: "https://elsewhere.example/" }))).toBe("bad_redirect_uri");
    const elsewhere = await fetch(`${fake.baseUrl}/oauth/v2/authorize?client_id=${clientId}&scope=commands&redirect_uri=https://evil.example/`, { redirect: "manual" });
    expect(elsewhere.status).toBe(400);
  });

  it("with rotation: a token expires, a refresh token is spent once for a new pair", async () => {
    const code = (await codeFor(fake.teamId)).searchParams.get("code")!;
    const first = (await api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, code })) as Record<string, any>;
    const renewed = (await api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: first.refresh_token })) as Record<string, any>;
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(await refused(api().oauth.v2.access({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: first.refresh_token }))).toBe("invalid_refresh_token");
    now += 3600 * 1000;
    expect(await refused(new WebClient(first.access_token, { slackApiUrl: fake.url, retryConfig: { retries: 0 } }).auth.test())).toBe("token_expired");
    fake.uninstall();
    expect(await refused(new WebClient(renewed.access_token, { slackApiUrl: fake.url, retryConfig: { retries: 0 } }).auth.test())).toBe("invalid_auth");
  });
});
