// A webhook receiver written the way README tells people to write one, independently of the bot's code: it checks
// the signature and the timestamp, keeps each delivery id once, and can misbehave (5xx, 429, answers lost).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  id: string;
  event: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

type Misbehaviour = { kind: "status"; status: number; retryAfter?: string } | { kind: "lose_answer" };

export class WebhookReceiver {
  /** Every request that carried a valid signature, repeats included, in arrival order. */
  readonly arrivals: ReceivedWebhook[] = [];
  /** Requests refused for their signature or timestamp. */
  readonly refused: Array<{ reason: string }> = [];
  /** What the receiver kept: each delivery id once, as a receiver that deduplicates does. */
  readonly kept = new Map<string, ReceivedWebhook>();
  private readonly plan: Misbehaviour[] = [];
  private held: Promise<void> | undefined;
  private server!: Server;
  url = "";

  constructor(private readonly secret: string, private readonly path = "/hooks/warroom") {}

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((answer) => {
        if (answer === "lose") {
          res.socket?.destroy();
          return;
        }
        res.writeHead(answer.status, answer.retryAfter ? { "retry-after": answer.retryAfter } : {}).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.path}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests answer with `status` (after keeping what they carried, for a 5xx: it may have been processed). */
  failNext(times: number, status: number, retryAfter?: string): void {
    for (let i = 0; i < times; i++) this.plan.push({ kind: "status", status, retryAfter });
  }

  /** The next requests are processed and kept, then the connection is cut before the answer. */
  loseNextAnswers(times: number): void {
    for (let i = 0; i < times; i++) this.plan.push({ kind: "lose_answer" });
  }

  /** Requests from now on wait, unprocessed and unanswered, until release() (a receiver that hangs). */
  hold(): { release: () => void } {
    let release!: () => void;
    this.held = new Promise<void>((r) => (release = r));
    return {
      release: () => {
        this.held = undefined;
        release();
      },
    };
  }

  /** What the receiver kept, in the order it first saw each delivery. */
  get events(): ReceivedWebhook[] {
    return [...this.kept.values()];
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; retryAfter?: string } | "lose"> {
    const raw = await readBody(req);
    await this.held;
    const header = (name: string) => String(req.headers[name] ?? "");
    const timestamp = Number(header("x-warroom-timestamp"));
    // Refuse anything older than five minutes: a captured request cannot be replayed later.
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) {
      this.refused.push({ reason: "stale timestamp" });
      return { status: 401 };
    }
    const expected = `v1=${createHmac("sha256", this.secret).update(`v1:${timestamp}:${raw}`).digest("hex")}`;
    const given = header("x-warroom-signature");
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      this.refused.push({ reason: "bad signature" });
      return { status: 401 };
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const received: ReceivedWebhook = { id: header("x-warroom-delivery"), event: header("x-warroom-event"), body, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])) };
    this.arrivals.push(received);
    const next = this.plan.shift();
    if (next?.kind === "status" && next.status < 500) return { status: next.status, retryAfter: next.retryAfter };
    if (!this.kept.has(received.id)) this.kept.set(received.id, received);
    if (next?.kind === "lose_answer") return "lose";
    if (next?.kind === "status") return { status: next.status, retryAfter: next.retryAfter };
    return { status: 204 };
  }
}

export async function startWebhookReceiver(secret: string, path?: string): Promise<WebhookReceiver> {
  return new WebhookReceiver(secret, path).listen();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
