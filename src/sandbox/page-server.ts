// The sandbox page's HTTP server, on 127.0.0.1 only: the page and the libraries it loads (from node_modules, never
// a CDN), what a person sees (GET /api/screen), live updates (server-sent events on /api/events), and what a person
// does (POST /api/…, JSON checked with zod; a refusal is a sentence, never a stack trace).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Logger } from "../log.js";
import { closeModal, interact, interactInHome, messageShortcut, openHome, react, submitModal, typeInComposer, type ActOutcome } from "./person-acts.js";
import type { RunningSandbox } from "./sandbox.js";

export interface PageServer {
  port: number;
  close(): Promise<void>;
}

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const BODY_LIMIT = 256 * 1024;
/** How long the page waits after a change before telling browsers, so a burst of Slack calls is one refresh. */
const SETTLE_MS = 30;

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** The libraries the page imports, by the names its import map gives them. */
const libraries: Record<string, string> = {
  "preact.mjs": "node_modules/preact/dist/preact.mjs",
  "preact-hooks.mjs": "node_modules/preact/hooks/dist/hooks.mjs",
  "htm.mjs": "node_modules/htm/dist/htm.module.js",
};

interface Asset {
  body: Buffer;
  type: string;
}

/** Everything the page loads, read once at start: the page's own files and the libraries. */
function loadAssets(root: string): { assets: Map<string, Asset>; importMapHash: string } {
  const assets = new Map<string, Asset>();
  const pageDir = join(root, "src/sandbox/page");
  for (const name of readdirSync(pageDir)) {
    const type = contentTypes[extname(name)];
    if (type) assets.set(name === "index.html" ? "/" : `/page/${name}`, { body: readFileSync(join(pageDir, name)), type });
  }
  for (const [name, path] of Object.entries(libraries)) assets.set(`/vendor/${name}`, { body: readFileSync(join(root, path)), type: contentTypes[".mjs"]! });
  const html = assets.get("/")!.body.toString("utf8");
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  return { assets, importMapHash: createHash("sha256").update(importMap).digest("base64") };
}

const person = z.string().regex(/^[UW][A-Z0-9_]{1,30}$/, { error: "must be a user ID" });
const channel = z.string().regex(/^[CDG][A-Z0-9]{1,30}$/, { error: "must be a channel ID" });
const messageTs = z.string().regex(/^\d{1,12}\.\d{6}$/, { error: "must be a message timestamp" });
const viewId = z.string().regex(/^V[A-Z0-9]{1,30}$/, { error: "must be a view ID" });

const requests = {
  composer: z.object({ as: person, channel, text: z.string().max(40_000) }),
  interact: z.object({
    as: person,
    channel,
    ts: messageTs.optional(),
    ephemeral: z.number().int().min(0).optional(),
    actionId: z.string().min(1).max(255),
    value: z.string().max(2000).optional(),
  }),
  submit: z.object({
    as: person,
    viewId,
    values: z.record(z.string().max(255), z.union([z.string().max(20_000), z.array(z.string().max(255)).max(100), z.null()])),
  }),
  close: z.object({ as: person, viewId, whole: z.boolean() }),
  home: z.object({ as: person }),
  homeinteract: z.object({ as: person, actionId: z.string().min(1).max(255), value: z.string().max(2000).optional() }),
  react: z.object({ as: person, channel, ts: messageTs, name: z.string().regex(/^[a-z0-9_+'-]{1,64}$/, { error: "must be an emoji name" }) }),
  shortcut: z.object({ as: person, channel, ts: messageTs, callbackId: z.string().min(1).max(255) }),
  clock: z.object({ minutes: z.union([z.literal(5), z.literal(60), z.literal(1440)]) }),
  reset: z.object({}),
} as const;

class BadRequest extends Error {}

export async function startPageServer(opts: { sandbox: RunningSandbox; port: number; logger: Logger; root?: string }): Promise<PageServer> {
  const { sandbox, logger } = opts;
  const { assets, importMapHash } = loadAssets(opts.root ?? projectRoot);
  // Only this machine's own pages may load and script it: nothing from elsewhere, no inline script but the import map.
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
  const listeners = new Set<ServerResponse>();
  let port = 0;
  let sequence = 0;
  let pending: NodeJS.Timeout | undefined;
  const unwatch = sandbox.fake.onChange(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      sequence += 1;
      for (const res of listeners) res.write(`data: ${sequence}\n\n`);
    }, SETTLE_MS);
  });
  const keepAlive = setInterval(() => {
    for (const res of listeners) res.write(": still here\n\n");
  }, 20_000);
  keepAlive.unref();

  const knownPerson = (id: string) => {
    const user = sandbox.fake.workspace.users.get(id);
    if (!user || user.is_bot || user.deleted) throw new BadRequest(`There is nobody called ${id} in this workspace.`);
    return id;
  };

  const acts: Record<string, (body: unknown) => Promise<ActOutcome>> = {
    composer: async (body) => {
      const b = requests.composer.parse(body);
      return typeInComposer(sandbox.acting, knownPerson(b.as), b.channel, b.text);
    },
    interact: async (body) => {
      const b = requests.interact.parse(body);
      if ((b.ts === undefined) === (b.ephemeral === undefined)) throw new BadRequest("Say which message: ts or ephemeral.");
      return interact(sandbox.acting, knownPerson(b.as), { channelId: b.channel, ts: b.ts, ephemeral: b.ephemeral }, b.actionId, b.value);
    },
    submit: async (body) => {
      const b = requests.submit.parse(body);
      return submitModal(sandbox.acting, knownPerson(b.as), b.viewId, b.values);
    },
    close: async (body) => {
      const b = requests.close.parse(body);
      return closeModal(sandbox.acting, knownPerson(b.as), b.viewId, b.whole);
    },
    home: async (body) => {
      const b = requests.home.parse(body);
      return openHome(sandbox.acting, knownPerson(b.as));
    },
    homeinteract: async (body) => {
      const b = requests.homeinteract.parse(body);
      return interactInHome(sandbox.acting, knownPerson(b.as), b.actionId, b.value);
    },
    react: async (body) => {
      const b = requests.react.parse(body);
      return react(sandbox.acting, knownPerson(b.as), b.channel, b.ts, b.name);
    },
    shortcut: async (body) => {
      const b = requests.shortcut.parse(body);
      return messageShortcut(sandbox.acting, knownPerson(b.as), b.channel, b.ts, b.callbackId);
    },
    clock: async (body) => {
      await sandbox.advanceClock(requests.clock.parse(body).minutes);
      return { ok: true };
    },
    reset: async (body) => {
      requests.reset.parse(body);
      await sandbox.reset();
      return { ok: true };
    },
  };

  const json = (res: ServerResponse, status: number, body: unknown): void =>
    void res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page elsewhere could point its own name at 127.0.0.1 (DNS rebinding): only this machine's names are served.
    const host = req.headers.host ?? "";
    if (!new Set([`localhost:${port}`, `127.0.0.1:${port}`]).has(host)) return json(res, 421, { error: "This sandbox only answers http://localhost." });
    const url = new URL(req.url ?? "/", `http://${host}`);
    if (req.method === "GET") {
      if (url.pathname === "/api/screen") {
        const as = knownPerson(url.searchParams.get("as") ?? "U_ALICE");
        return json(res, 200, sandbox.screen(as, url.searchParams.get("channel") ?? undefined));
      }
      if (url.pathname === "/api/events") return listen(res);
      const asset = assets.get(url.pathname);
      if (!asset) return json(res, 404, { error: "Nothing here." });
      res.writeHead(200, { "content-type": asset.type, "content-security-policy": policy, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
      return void res.end(asset.body);
    }
    const act = req.method === "POST" ? /^\/api\/([a-z]+)$/.exec(url.pathname)?.[1] : undefined;
    if (!act || !acts[act]) return json(res, 404, { error: "Nothing here." });
    // A JSON body cannot be sent across origins without a preflight this server never grants: no other site can act.
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return json(res, 415, { error: "Send JSON." });
    const body = await readJson(req);
    return json(res, 200, await acts[act]!(body));
  }

  function listen(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(`retry: 1000\ndata: ${sequence}\n\n`);
    listeners.add(res);
    res.on("close", () => listeners.delete(res));
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.end();
      if (error instanceof z.ZodError) return json(res, 400, { error: error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; ") });
      if (error instanceof BadRequest) return json(res, 400, { error: error.message });
      logger.error({ err: error }, "the sandbox page could not do that");
      json(res, 500, { error: "The sandbox could not do that; its log says why." });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    async close() {
      unwatch();
      clearInterval(keepAlive);
      if (pending) clearTimeout(pending);
      for (const res of listeners) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new BadRequest("That is more than a person could type.");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    throw new BadRequest("The body is not JSON.");
  }
}
