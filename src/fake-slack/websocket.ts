// The server side of a WebSocket (RFC 6455), just enough for Socket Mode: the opening handshake, text frames in
// both directions (fragmented ones from the client too), ping/pong and the closing handshake. No extensions.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Larger than anything a Socket Mode client sends (an ack with a full modal is well under 1 MB). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface WebSocketPeer {
  /** Sends one text message; false when the connection is no longer open. */
  send(text: string): boolean;
  /** Starts the closing handshake (or ends at once when the peer already closed). */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a closing handshake, as a network failure would. */
  terminate(): void;
  readonly open: boolean;
}

export interface WebSocketHandlers {
  onMessage(text: string): void;
  onClose(code: number | undefined): void;
}

/** Completes the opening handshake on an HTTP upgrade request; undefined (and a 400 written) when it is not one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, handlers: WebSocketHandlers): WebSocketPeer | undefined {
  const key = req.headers["sec-websocket-key"];
  if (req.headers.upgrade?.toLowerCase() !== "websocket" || typeof key !== "string" || req.headers["sec-websocket-version"] !== "13") {
    socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    return undefined;
  }
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  socket.write(["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${accept}`, "", ""].join("\r\n"));

  let open = true;
  let closeSent = false;
  let closed = false;
  let buffer = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let fragmentBytes = 0;

  const writeFrame = (opcode: number, payload: Buffer) => {
    if (socket.destroyed) return;
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = length;
    else if (length < 65536) {
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    socket.write(Buffer.concat([header, payload]));
  };
  const finish = (code: number | undefined) => {
    if (closed) return;
    closed = true;
    open = false;
    socket.destroy();
    handlers.onClose(code);
  };
  const sendClose = (code: number, reason = "") => {
    if (closeSent) return;
    closeSent = true;
    open = false;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    writeFrame(0x8, payload);
  };

  const onFrame = (fin: boolean, opcode: number, payload: Buffer) => {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2: {
        if (opcode !== 0x0) fragments = [];
        fragments.push(payload);
        fragmentBytes += payload.length;
        if (fragmentBytes > MAX_MESSAGE_BYTES) return sendClose(1009, "message too big");
        if (!fin) return;
        const text = Buffer.concat(fragments).toString("utf8");
        fragments = [];
        fragmentBytes = 0;
        if (open) handlers.onMessage(text);
        return;
      }
      case 0x8: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        sendClose(code ?? 1000);
        return finish(code);
      }
      case 0x9:
        return writeFrame(0xa, payload);
      case 0xa:
        return;
      default:
        sendClose(1002, "unknown opcode");
        return finish(1002);
    }
  };

  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (buffer.length < 2) return;
      const fin = (buffer[0]! & 0x80) !== 0;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      // RFC 6455 5.1: a server must close the connection on a frame from the client that is not masked.
      if (!masked) {
        sendClose(1002, "client frames must be masked");
        return finish(1002);
      }
      if (length > MAX_MESSAGE_BYTES) {
        sendClose(1009, "message too big");
        return finish(1009);
      }
      if (buffer.length < offset + 4 + length) return;
      const mask = buffer.subarray(offset, offset + 4);
      const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffer = buffer.subarray(offset + 4 + length);
      onFrame(fin, opcode, payload);
      if (closed) return;
    }
  });
  socket.on("close", () => finish(undefined));
  socket.on("error", () => finish(undefined));

  return {
    send(text) {
      if (!open) return false;
      writeFrame(0x1, Buffer.from(text, "utf8"));
      return true;
    },
    close(code = 1000, reason = "") {
      sendClose(code, reason);
      // The client answers with its own close frame; one that never does is dropped after a second.
      setTimeout(() => finish(code), 1000).unref();
    },
    terminate() {
      finish(1006);
    },
    get open() {
      return open;
    },
  };
}
