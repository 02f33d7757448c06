// How a webhook proves it came from us: HMAC-SHA256 with WEBHOOK_SECRET over "v1:<timestamp>:<body>", sent as
// X-Warroom-Signature: v1=<hex>, with the timestamp in X-Warroom-Timestamp (receivers refuse old ones: replays).
import { createHmac } from "node:crypto";

export const WebhookHeaders = {
  delivery: "x-warroom-delivery",
  event: "x-warroom-event",
  timestamp: "x-warroom-timestamp",
  signature: "x-warroom-signature",
} as const;

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`v1:${timestampSeconds}:${body}`).digest("hex")}`;
}
