// Slack's side of Socket Mode: the WebSocket URLs apps.connections.open hands out, the connections made to them
// (`hello` first), envelopes delivered to the app and the acks it sends back, redelivery of events left unacked,
// and the `disconnect` messages Slack sends before it refreshes a connection.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { acceptWebSocket, type WebSocketPeer } from "./websocket.js";

export type EnvelopeType = "events_api" | "slash_commands" | "interactive";
type Json = Record<string, unknown>;

export interface SocketModeOptions {
  /** How long Slack waits for an ack before it redelivers an event (Slack: 3 seconds, as over HTTP). */
  ackTimeoutMs?: number;
  /** How long a URL from apps.connections.open can be connected to (stricter than Slack, which does not say). */
  ticketTtlMs?: number;
}

/** What came back for one envelope. */
export interface EnvelopeAck {
  /** False when no ack came: the connection went away first, or every attempt at an event went unanswered. */
  acked: boolean;
  /** The ack's payload (a slash command's answer, a view_submission's response_action), {} when it had none. */
  payload: Json;
  /** How many times the envelope was sent again after its first delivery. */
  redeliveries: number;
  elapsedMs: number;
}

interface Connection {
  id: number;
  peer: WebSocketPeer;
}

interface Pending {
  envelopeId: string;
  type: EnvelopeType;
  payload: Json;
  attempt: number;
  connection: Connection | undefined;
  timer: NodeJS.Timeout | undefined;
  started: number;
  resolve: (ack: EnvelopeAck) => void;
}

// Slack retries an event three times, as over HTTP (Events API: "up to 3 retries").
const MAX_EVENT_RETRIES = 3;

export class SocketModeHub {
  private readonly tickets = new Map<string, number>();
  private readonly connections: Connection[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly ackTimeoutMs: number;
  private readonly ticketTtlMs: number;
  private acksToLose = 0;
  private nextId = 1;
  /** Every connection ever opened, in order (the count shows reconnects). */
  connectionsOpened = 0;
  /** Every envelope id sent, with its retry_attempt, oldest first: what went over the socket. */
  readonly sent: Array<{ envelopeId: string; type: EnvelopeType; retryAttempt: number }> = [];

  constructor(
    private readonly appId: () => string,
    options: SocketModeOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.ticketTtlMs = options.ticketTtlMs ?? 30_000;
  }

  /** A fresh single-use URL for apps.connections.open. */
  issueUrl(httpBase: string): string {
    const ticket = randomBytes(16).toString("hex");
    this.tickets.set(ticket, Date.now());
    return `${httpBase.replace(/^http/, "ws")}/link/?ticket=${ticket}&app_id=${this.appId()}`;
  }

  get openConnections(): number {
    return this.connections.length;
  }

  /** The fake's HTTP server hands every upgrade request here. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const ticket = url.searchParams.get("ticket") ?? "";
    const issued = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (url.pathname !== "/link/" || issued === undefined || Date.now() - issued > this.ticketTtlMs) {
      socket.end("HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\ninvalid or used ticket");
      return;
    }
    const connection: Connection = { id: this.nextId++, peer: undefined as unknown as WebSocketPeer };
    const peer = acceptWebSocket(req, socket, {
      onMessage: (text) => this.onAck(text),
      onClose: () => this.onClose(connection),
    });
    if (!peer) return;
    connection.peer = peer;
    this.connections.push(connection);
    this.connectionsOpened += 1;
    peer.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.connections.length,
        debug_info: { host: "applink-fake", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId() },
      }),
    );
    // Envelopes that were waiting for a connection (or lost theirs) go out on this one.
    for (const p of this.pending.values()) if (!p.connection) this.send(p);
  }

  /**
   * Delivers one envelope and resolves with its ack. Events left unacked are sent again, with retry_attempt,
   * after the ack timeout or on the next connection; commands and interactions are not (the person sees an error).
   */
  deliver(type: EnvelopeType, payload: Json, opts: { retryAttempt?: number } = {}): Promise<EnvelopeAck> {
    return new Promise((resolve) => {
      const p: Pending = {
        envelopeId: randomBytes(16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-"),
        type,
        payload,
        attempt: opts.retryAttempt ?? 0,
        connection: undefined,
        timer: undefined,
        started: performance.now(),
        resolve,
      };
      this.pending.set(p.envelopeId, p);
      if (this.connections.length) this.send(p);
    });
  }

  /** The next `n` acks the app sends are lost on the way, as on a flaky network. */
  loseNextAcks(n = 1): void {
    this.acksToLose += n;
  }

  /**
   * Sends `disconnect` on every open connection, as Slack does before it refreshes one; the app is expected to
   * close it and connect again through apps.connections.open.
   */
  sendDisconnect(reason: "refresh_requested" | "warning" | "link_disabled" = "refresh_requested"): void {
    for (const c of this.connections) c.peer.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake" } }));
  }

  /** Drops every connection without a word (a network failure), leaving the app to notice and reconnect. */
  dropConnections(): void {
    for (const c of [...this.connections]) c.peer.terminate();
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    for (const c of [...this.connections]) c.peer.terminate();
    for (const p of [...this.pending.values()]) this.settle(p, false, {});
  }

  private send(p: Pending): void {
    // Slack spreads envelopes over an app's open connections; the newest is as good a pick as any.
    const connection = this.connections[this.connections.length - 1];
    if (!connection) return;
    p.connection = connection;
    const envelope: Json = {
      envelope_id: p.envelopeId,
      type: p.type,
      payload: p.payload,
      // Slack takes an answer in the ack only where an HTTP answer would be read: commands and interactions.
      accepts_response_payload: p.type !== "events_api",
      ...(p.type === "events_api" ? { retry_attempt: p.attempt, retry_reason: p.attempt ? "timeout" : "" } : {}),
    };
    this.sent.push({ envelopeId: p.envelopeId, type: p.type, retryAttempt: p.attempt });
    connection.peer.send(JSON.stringify(envelope));
    if (p.type === "events_api") {
      clearTimeout(p.timer);
      p.timer = setTimeout(() => this.retry(p), this.ackTimeoutMs);
      p.timer.unref();
    }
  }

  private retry(p: Pending): void {
    if (!this.pending.has(p.envelopeId)) return;
    if (p.attempt >= MAX_EVENT_RETRIES) return this.settle(p, false, {});
    p.attempt += 1;
    p.connection = undefined;
    if (this.connections.length) this.send(p);
  }

  private onAck(text: string): void {
    let message: Json;
    try {
      message = JSON.parse(text) as Json;
    } catch {
      return;
    }
    const p = typeof message.envelope_id === "string" ? this.pending.get(message.envelope_id) : undefined;
    if (!p) return;
    if (this.acksToLose > 0) {
      this.acksToLose -= 1;
      return;
    }
    const payload = typeof message.payload === "object" && message.payload !== null ? (message.payload as Json) : {};
    this.settle(p, true, payload);
  }

  private onClose(connection: Connection): void {
    const i = this.connections.indexOf(connection);
    if (i >= 0) this.connections.splice(i, 1);
    for (const p of [...this.pending.values()]) {
      if (p.connection !== connection) continue;
      if (p.type !== "events_api") {
        this.settle(p, false, {});
        continue;
      }
      // An event in flight on a connection that went away is sent again on the next one.
      clearTimeout(p.timer);
      p.connection = undefined;
      if (p.attempt >= MAX_EVENT_RETRIES) this.settle(p, false, {});
      else {
        p.attempt += 1;
        if (this.connections.length) this.send(p);
      }
    }
  }

  private settle(p: Pending, acked: boolean, payload: Json): void {
    clearTimeout(p.timer);
    this.pending.delete(p.envelopeId);
    p.resolve({ acked, payload, redeliveries: Math.max(0, this.sent.filter((s) => s.envelopeId === p.envelopeId).length - 1), elapsedMs: performance.now() - p.started });
  }
}
