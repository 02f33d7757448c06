// GET /status, /status.json and /status/feed.atom: the public status page, rendered on the server from what was
// published to it (src/status-page/) and nothing else. No JavaScript; every text escaped; ETag + 304; short caching.
// Each request reads only the page's version (one index lookup); the page is read and rendered again when it changes.
import type { CustomRoute } from "@slack/bolt";
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../log.js";
import { HISTORY_DAYS, publicStateLabels, statusPageOf, statusPageVersion, type StatusPage, type StatusPageIncidentView } from "../status-page/page.js";

export interface StatusPageOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** STATUS_PAGE_TEAM, else the bot's own workspace. */
  teamId: string;
  title: string;
  services: readonly string[];
  /** PUBLIC_URL: the feed's links and ids; unset, the request's Host. */
  publicUrl?: string;
}

/** Browsers and proxies may reuse a page this long; the ETag makes a revalidation cheap. */
const CACHE_CONTROL = "public, max-age=30";

/** A rendered answer and its tag, kept while the page's version (see statusPageVersion) stays the same. */
interface Rendered {
  body: string;
  etag: string;
}

export function statusPageRoutes(options: StatusPageOptions): CustomRoute[] {
  // One page per version, read once however many of the three routes ask; each route's body rendered once per base URL.
  let cached: { version: string; page: Promise<StatusPage>; bodies: Map<string, Rendered> } | undefined;
  const rendered = async (req: IncomingMessage, path: string, render: (page: StatusPage, base: string) => string): Promise<Rendered> => {
    const now = options.clock.now();
    const version = await statusPageVersion(options.db, options.teamId, now);
    if (cached?.version !== version) {
      const page = statusPageOf(options.db, { teamId: options.teamId, title: options.title, services: options.services, now });
      cached = { version, page, bodies: new Map() };
      page.catch(() => {
        if (cached?.page === page) cached = undefined;
      });
    }
    const current = cached;
    const base = options.publicUrl ?? baseFromHost(req);
    const key = `${path} ${base}`;
    const known = current.bodies.get(key);
    if (known) return known;
    const body = render(await current.page, base);
    const fresh = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"` };
    if (current.bodies.size < 64) current.bodies.set(key, fresh);
    return fresh;
  };
  const route = (path: string, contentType: string, render: (page: StatusPage, base: string) => string): CustomRoute => ({
    path,
    method: ["GET", "HEAD"],
    handler: (req, res) => void serve(options.logger, req, res, contentType, () => rendered(req, path, render)),
  });
  return [
    route("/status", "text/html; charset=utf-8", (page) => statusHtml(page)),
    route("/status.json", "application/json; charset=utf-8", (page) => JSON.stringify(page)),
    route("/status/feed.atom", "application/atom+xml; charset=utf-8", (page, base) => statusAtom(page, base)),
  ];
}

async function serve(logger: Logger, req: IncomingMessage, res: ServerResponse, contentType: string, answer: () => Promise<Rendered>): Promise<void> {
  const started = process.hrtime.bigint();
  let body: string;
  let etag: string;
  try {
    ({ body, etag } = await answer());
  } catch (error) {
    logger.error({ err: error }, "could not render the status page");
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "retry-after": "30" });
    res.end("The status page is briefly unavailable. Please try again in a minute.\n");
    return;
  }
  const timing = `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}`;
  const headers = { etag, "cache-control": CACHE_CONTROL, "server-timing": timing, "x-content-type-options": "nosniff" };
  if (etagMatches(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** If-None-Match: a list of tags (weak or strong, compared weakly, as RFC 9110 says for GET) or "*". */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

function baseFromHost(req: IncomingMessage): string {
  const host = req.headers.host ?? "localhost";
  return `http://${/^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : "localhost"}`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** "2026-11-30 14:05 UTC": the same for every reader, and stable, so the ETag changes only with the content. */
const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const time = (iso: string): string => `<time datetime="${escapeHtml(iso)}">${utc(iso)}</time>`;

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem 1.25rem}
h1{font-size:1.75rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .75rem;border-bottom:1px solid #d0d0d0;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
.overall{padding:.75rem 1rem;border-radius:6px;font-weight:600;margin:.5rem 0}
.ok{background:#e3f3e7;color:#0b5323}.bad{background:#fdecea;color:#8a1c12}
ul.services{list-style:none;padding:0;margin:0}
ul.services li{display:flex;justify-content:space-between;padding:.5rem 0;border-bottom:1px solid #ececec}
.state-operational{color:#0b5323;font-weight:600}.state-disrupted{color:#8a1c12;font-weight:600}
article{border:1px solid #d0d0d0;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
.meta{color:#4a4a4a;margin:0 0 .5rem;font-size:.95rem}
ol.updates{list-style:none;padding:0;margin:0}
ol.updates li{border-top:1px solid #ececec;padding:.5rem 0}
.update-text{white-space:pre-wrap;margin:.25rem 0 0;overflow-wrap:anywhere}
a{color:#0b4fa8}
footer{color:#4a4a4a;font-size:.9rem}
`;

function incidentHtml(i: StatusPageIncidentView): string {
  const services = i.services.length ? ` · Affects ${escapeHtml(i.services.join(", "))}` : "";
  const updates = i.updates
    .map((u) => `<li><p class="meta"><strong>${publicStateLabels[u.state]}</strong> · ${time(u.publishedAt)}</p><p class="update-text">${escapeHtml(u.text)}</p></li>`)
    .join("");
  return `<article id="incident-${i.number}" aria-labelledby="incident-${i.number}-title"><h3 id="incident-${i.number}-title">${escapeHtml(i.title)}</h3><p class="meta">${publicStateLabels[i.state]} · since ${time(i.startedAt)}${services}</p><ol class="updates">${updates}</ol></article>`;
}

export function statusHtml(page: StatusPage): string {
  const title = escapeHtml(page.title);
  const overall =
    page.status === "operational"
      ? `<p class="overall ok">All systems operational</p>`
      : `<p class="overall bad">${page.incidents.length === 1 ? "There is an ongoing incident" : `There are ${page.incidents.length} ongoing incidents`}</p>`;
  const services = page.services.length
    ? `<ul class="services">${page.services
        .map((s) => `<li><span>${escapeHtml(s.name)}</span><span class="state-${s.status}">${s.status === "operational" ? "Operational" : "Disrupted"}</span></li>`)
        .join("")}</ul>`
    : `<p>No services are listed.</p>`;
  const current = page.incidents.length ? page.incidents.map(incidentHtml).join("") : `<p>No ongoing incidents.</p>`;
  const history = page.history.length ? page.history.map(incidentHtml).join("") : `<p>No incidents in the last ${HISTORY_DAYS} days.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="alternate" type="application/atom+xml" title="${title}" href="/status/feed.atom">
<style>${STYLE}</style>
</head>
<body>
<header><h1>${title}</h1>${overall}${page.updatedAt ? `<p class="meta">Last updated ${time(page.updatedAt)}</p>` : ""}</header>
<main>
<section aria-labelledby="services"><h2 id="services">Services</h2>${services}</section>
<section aria-labelledby="current"><h2 id="current">Current incidents</h2>${current}</section>
<section aria-labelledby="history"><h2 id="history">Past incidents (last ${HISTORY_DAYS} days)</h2>${history}</section>
</main>
<footer><p>Also as <a href="/status.json">JSON</a> and an <a href="/status/feed.atom">Atom feed</a>.</p></footer>
</body>
</html>
`;
}

const escapeXml = escapeHtml;

/** RFC 4287: the feed and every entry have an id, a title and an updated time; the feed names its author. */
export function statusAtom(page: StatusPage, base: string): string {
  const updates = [...page.incidents, ...page.history]
    .flatMap((i) => i.updates.map((u) => ({ incident: i, update: u })))
    .sort((a, b) => (a.update.publishedAt < b.update.publishedAt ? 1 : a.update.publishedAt > b.update.publishedAt ? -1 : b.update.id - a.update.id))
    .slice(0, 50);
  const entries = updates
    .map(({ incident, update }) => {
      const link = `${base}/status#incident-${incident.number}`;
      return `<entry><id>${escapeXml(`${base}/status#update-${update.id}`)}</id><title>${escapeXml(`${incident.title}: ${publicStateLabels[update.state]}`)}</title><updated>${update.publishedAt}</updated><published>${update.publishedAt}</published><link rel="alternate" type="text/html" href="${escapeXml(link)}"/><content type="text">${escapeXml(update.text)}</content></entry>`;
    })
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${escapeXml(`${base}/status`)}</id>
<title>${escapeXml(page.title)}</title>
<updated>${page.updatedAt ?? "1970-01-01T00:00:00.000Z"}</updated>
<author><name>${escapeXml(page.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${escapeXml(`${base}/status/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${escapeXml(`${base}/status`)}"/>
${entries}
</feed>
`;
}
