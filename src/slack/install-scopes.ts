// The bot scopes the app asks for when a workspace installs it through OAuth: manifest.yml's, which a test keeps equal
// (test/config-oauth.test.ts). Named apart from scopes.ts, the self-check's table of what each scope is for.
export const BOT_SCOPES = [
  "commands",
  "chat:write",
  "chat:write.public",
  "channels:manage",
  "channels:read",
  "channels:join",
  "channels:history",
  "im:history",
  "pins:write",
  "users:read",
  "im:write",
  "reactions:read",
  "chat:write.customize",
] as const;
