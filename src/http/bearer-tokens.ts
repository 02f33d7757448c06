// Bearer tokens for the HTTP doors that are not Slack (alert sources, the REST API): issued once, stored hashed,
// compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new secret token, shown to its creator once; `prefix` says what it opens (e.g. "wra" for an alert source). */
export function issueToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

/** What is stored instead of the token: a SHA-256, hex. Tokens are long and random, so no slow hash is needed. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}

/** Whether a presented token is the one whose hash (or plain value, for tokens from the environment) we hold, in constant time. */
export function tokenMatches(presented: string | undefined, expected: { hash: string } | { plain: string }): boolean {
  if (presented === undefined) return false;
  const want = Buffer.from("hash" in expected ? expected.hash : tokenHash(expected.plain), "hex");
  const got = Buffer.from(tokenHash(presented), "hex");
  return want.length === got.length && timingSafeEqual(want, got);
}
