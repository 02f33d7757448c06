// /incident api-token create <name> | list | revoke <name>: REST API tokens, for incident admins.
import { createApiToken, listApiTokens, revokeApiToken } from "../../../access/api-tokens.js";
import { apiTokenCreated, apiTokenList, apiTokenRefusalText, apiTokenRevoked, apiTokenUsage } from "../../blocks/api-tokens.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const apiToken: Subcommand = async (deps, request) => {
  const [verb = "", ...rest] = asTyped(request.args).split(/\s+/);
  const name = rest.join(" ");
  const who = { teamId: request.teamId, userId: request.userId, admins: deps.admins };
  switch (verb.toLowerCase()) {
    case "create": {
      const made = await createApiToken(deps.db, deps.clock, { ...who, name });
      if (!made.ok) return say(apiTokenRefusalText(made.refusal));
      deps.logger.info({ team: request.teamId, user: request.userId, token: made.row.name }, "API token created");
      return { answer: apiTokenCreated(made.row, made.token) };
    }
    case "list": {
      const listed = await listApiTokens(deps.db, deps.clock, who);
      return listed.ok ? { answer: apiTokenList(listed.tokens) } : say(apiTokenRefusalText(listed.refusal));
    }
    case "revoke": {
      const revoked = await revokeApiToken(deps.db, deps.clock, { ...who, name });
      if (!revoked.ok) return say(apiTokenRefusalText(revoked.refusal));
      deps.logger.info({ team: request.teamId, user: request.userId, token: revoked.row.name }, "API token revoked");
      return say(apiTokenRevoked(revoked.row));
    }
    default:
      return say(apiTokenUsage);
  }
};
