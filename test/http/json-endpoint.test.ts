// The JSON doors beside Slack's: what a client sees for a missing token, a huge body, bad JSON and a wrong field.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { issueToken, tokenHash, tokenMatches } from "../../src/http/bearer-tokens.js";
import { jsonEndpoint } from "../../src/http/json-endpoint.js";
import { createLogger } from "../../src/log.js";

const token = issueToken("wrt");
const stored = { hash: tokenHash(token) };
const received: unknown[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const route = jsonEndpoint(
    {
      method: "POST",
      path: "/things",
      bodyLimitBytes: 1024,
      authenticate: (presented) => (tokenMatches(presented, stored) ? { name: "tester" } : undefined),
      body: z.object({ title: z.string().min(1), labels: z.record(z.string(), z.string()).optional(), items: z.array(z.object({ n: z.number() })).optional() }),
      handle: async ({ body, caller }) => {
        received.push(body);
        return { status: 201, body: { ok: true, by: caller.name } };
      },
    },
    createLogger("silent"),
  );
  server = createServer((req, res) => void route.handler(Object.assign(req, { params: {} }), res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/things`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string, auth: string | null = `Bearer ${token}`) =>
  fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) } });

describe("a JSON endpoint", () => {
  it("refuses a caller without the right token, and keeps nothing", async () => {
    const before = received.length;
    for (const auth of [null, "Bearer nope", `Basic ${token}`, `Bearer ${token}x`]) {
      const res = await post(JSON.stringify({ title: "x" }), auth);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
    expect(received.length).toBe(before);
  });

  it("refuses a body over its limit with 413", async () => {
    const res = await post(JSON.stringify({ title: "x".repeat(2000) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
  });

  it("names what is wrong: bad JSON, or the field that fails", async () => {
    const bad = await post("{nope");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_json");

    const wrong = await post(JSON.stringify({ title: "x", items: [{ n: 1 }, { n: "two" }] }));
    expect(wrong.status).toBe(400);
    const { error } = (await wrong.json()) as { error: { code: string; field: string; message: string } };
    expect(error).toMatchObject({ code: "invalid_body", field: "items[1].n" });
    expect(error.message).toMatch(/^items\[1\]\.n: /);
  });

  it("answers valid input with what the route returns", async () => {
    const res = await post(JSON.stringify({ title: "db down" }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, by: "tester" });
    expect(received.at(-1)).toEqual({ title: "db down" });
  });
});
