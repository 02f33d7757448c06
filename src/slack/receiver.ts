// Bolt's own HTTPReceiver, behind a door that turns away what Slack never sends before Bolt reads it (bodies too
// large or too slow, unsigned or out-of-window, malformed, repeated), and that lets requests already accepted
// finish when the bot stops. Bolt stays in charge of everything it does well: routing, acks, custom routes.
import type { IncomingMessage, RequestListener, Server, ServerOptions, ServerResponse } from "node:http";
import { HTTPReceiver, type CustomRoute, type HTTPReceiverOptions, type Logger as BoltLogger } from "@slack/bolt";
import { unmatchedRequestAnswer } from "../http/json-endpoint.js";
import type { SeenRequests } from "../http/seen-requests.js";
import type { Logger } from "../log.js";
import type { DoorNotes } from "./middleware.js";
import { classifyEnvelope, isSslCheck, signatureProblem } from "./requests.js";

const SLACK_ENDPOINT = "/slack/events";

export interface ReceiverLimits {
  /**
   * Largest request body accepted, in bytes. The largest thing Slack sends us is a submission of our biggest
   * form (every input full, each character escaped as \uXXXX and then percent-encoded): about 200 KB; a slash
   * command of 40,000 characters encodes to at most 360 KB. Bolt's default is 4 MB.
   */
  bodyBytes: number;
  /** Headers must have arrived by then. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must have arrived by then; Slack itself gives up after 3 seconds. */
  requestTimeoutMs: number;
}

// Longer than a load balancer's idle timeout (60 s at AWS and Google), so it is they who close idle connections.
const KEEP_ALIVE_MS = 65_000;

const defaultReceiverLimits: ReceiverLimits = { bodyBytes: 512 * 1024, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 };

/** Requests being handled: from the door until the HTTP answer is sent and every listener has returned. */
export class RequestsInFlight {
  private pending = 0;
  private waiters: Array<() => void> = [];

  /** Starts one piece of work; the returned function ends it (calling it again does nothing). */
  begin(): () => void {
    this.pending++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.pending--;
      if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  get count(): number {
    return this.pending;
  }

  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

type DoorRequest = IncomingMessage & { rawBody?: Buffer; doorNotes?: DoorNotes };

interface SlackDoorOptions {
  signingSecret: string;
  customRoutes: CustomRoute[];
  boltLogger: BoltLogger;
  logger: Logger;
  seen: SeenRequests;
  inFlight: RequestsInFlight;
  limits?: Partial<ReceiverLimits>;
  now?: () => number;
  /** OAuth (multi-workspace) mode: Bolt's installer serves /slack/install and /slack/oauth_redirect. */
  oauth?: Pick<HTTPReceiverOptions, "clientId" | "clientSecret" | "stateSecret" | "scopes" | "installationStore" | "installerOptions">;
}

export class SlackDoor {
  readonly receiver: HTTPReceiver;
  private readonly limits: ReceiverLimits;
  private readonly bolt: RequestListener;
  private server: Server | undefined;
  private closing = false;
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly options: SlackDoorOptions) {
    this.limits = { ...defaultReceiverLimits, ...options.limits };
    this.receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: [SLACK_ENDPOINT],
      customRoutes: options.customRoutes,
      logger: options.boltLogger,
      bodyLimit: this.limits.bodyBytes,
      ...options.oauth,
      // The door verifies every request before Bolt sees it, more strictly (the future too) and only once; it also
      // answers Slack's unsigned ssl_check itself, so nothing unsigned ever reaches Bolt.
      signatureVerification: false,
      // The door has checked the request; the middleware reads its notes (replay check, answered yet?) from the context.
      customPropertiesExtractor: (request) => {
        const notes = (request as DoorRequest).doorNotes;
        return notes ? { door: notes } : {};
      },
      // A path no route takes (or one that is not valid URL encoding) is answered in JSON, as the JSON doors answer.
      dispatchErrorHandler: ({ error, response, request }) => {
        if ((error as { code?: string }).code === "slack_bolt_http_receiver_deferred_request_error") return unmatchedRequestAnswer("no_route", response);
        if (error instanceof URIError) return unmatchedRequestAnswer("bad_encoding", response);
        options.logger.error({ err: error, method: request.method }, "a request failed before any route took it");
        unmatchedRequestAnswer("failed", response);
      },
    });
    this.bolt = this.receiver.requestListener;
    this.receiver.requestListener = (req, res) => this.handle(req, res);
  }

  /** Server settings for app.start(): slow requests are cut instead of held for Node's default 5 minutes. */
  serverOptions(): ServerOptions {
    return {
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      // Node checks those timeouts only this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, this.limits.requestTimeoutMs),
    };
  }

  /** The server app.start() created, so close() can drain it. */
  serve(server: Server): void {
    this.server = server;
    // Senders that keep connections open (Go's HTTP client in Alertmanager and Grafana keeps them 90 s, load
    // balancers 60 s) must not find one closed under a request they just wrote: Node's 5 s default races them.
    server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  /**
   * Stops the door without dropping what was already sent. A request sent just before the signal may still wait,
   * unread, in the listen queue or in a socket, and a loop busy with the database takes a while to get to it; so
   * the door keeps taking requests (answering each with Connection: close, while /healthz says it is stopping)
   * until none is in flight and two turns of the loop have brought no new one, and at least lingerMs have passed.
   * Then it stops listening and closes the connections left, all idle. After graceMs it closes them regardless.
   */
  async close(graceMs: number, lingerMs = 500): Promise<void> {
    this.closing = true;
    const server = this.server;
    if (!server) return;
    for (const res of this.open) if (!res.headersSent) res.setHeader("connection", "close");
    const inFlight = this.options.inFlight;
    const started = Date.now();
    const deadline = started + graceMs;
    while (Date.now() < deadline) {
      await idleBy(inFlight, deadline);
      // One turn accepts what waits in the listen queue, the next reads what waits in its socket.
      await turnOfTheLoop();
      await turnOfTheLoop();
      if (inFlight.count > 0) continue;
      if (Date.now() - started >= lingerMs) break;
      await sleep(Math.min(20, lingerMs - (Date.now() - started)));
    }
    if (inFlight.count > 0) this.options.logger.warn({ requests: inFlight.count }, "stopping with requests still in flight");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    this.server = undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // Every request counts as in flight, not only Slack's: an alert webhook accepted before a stop is answered too.
    const end = this.options.inFlight.begin();
    this.open.add(res);
    res.on("close", () => {
      this.open.delete(res);
      end();
    });
    // After close() began, answers end their connection so nothing new arrives on it.
    if (this.closing) res.setHeader("connection", "close");
    if (!isSlackEndpoint(req)) return this.bolt(req, res);
    this.admit(req as DoorRequest, res).catch((error: unknown) => {
      this.options.logger.error({ err: error }, "the Slack endpoint failed before Bolt saw the request");
      answer(res, 500);
    });
  }

  private async admit(req: DoorRequest, res: ServerResponse): Promise<void> {
    const { logger } = this.options;
    const body = await readBody(req, this.limits.bodyBytes);
    if (body === "too_large") {
      logger.warn({ limit: this.limits.bodyBytes, declared: req.headers["content-length"] ?? null }, "refused a request body larger than any Slack sends");
      return answer(res, 413, { connection: "close" });
    }
    if (body === "aborted") return;
    req.rawBody = body;
    const contentType = req.headers["content-type"];
    if (isSslCheck(contentType, body)) return answer(res, 200);
    const headers = { timestamp: req.headers["x-slack-request-timestamp"], signature: req.headers["x-slack-signature"] };
    const problem = signatureProblem(this.options.signingSecret, headers, body, (this.options.now ?? Date.now)());
    if (problem) {
      logger.warn({ problem }, "refused a request that is not from Slack");
      return answer(res, 401);
    }
    const envelope = classifyEnvelope(contentType, body);
    if (envelope.kind === "malformed") {
      logger.warn({ reason: envelope.reason }, "refused a signed request that is not shaped like anything Slack sends");
      return answer(res, 400);
    }
    if (envelope.kind === "nothing_to_do") {
      logger.info({ type: envelope.type }, "acknowledged a kind of request the bot does not handle");
      return answer(res, 200);
    }
    const signature = headers.signature as string;
    req.doorNotes = { replayCheck: () => this.options.seen.remember(signature), answered: () => res.headersSent };
    this.bolt(req, res);
  }
}

/** Read the way Bolt reads it (an absolute URL in the request line included), so nothing reaches Bolt's endpoint around the door. */
function isSlackEndpoint(req: IncomingMessage): boolean {
  if (req.method?.toUpperCase() !== "POST") return false;
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname === SLACK_ENDPOINT;
  } catch {
    return false;
  }
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, headers);
  res.end();
}

/**
 * The whole body, unless it is larger than the limit: then nothing more is kept, the rest is read and dropped
 * (answering before the client has finished sending would make its kernel see a reset instead of the answer),
 * and the slow-request timeout still bounds how long that takes.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too_large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"]) > limit;
    const finish = (result: Buffer | "too_large" | "aborted") => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    };
    const onEnd = () => finish(tooLarge ? "too_large" : Buffer.concat(chunks, size));
    const onAbort = () => finish("aborted");
    const onClose = () => {
      if (!req.complete) finish("aborted");
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onClose);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when no request is in flight, or at the deadline, whichever comes first (leaving no timer behind). */
async function idleBy(inFlight: RequestsInFlight, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([inFlight.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
}
const turnOfTheLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
