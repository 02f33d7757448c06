// npm run doctor: checks manifest.yml against the code and, with SLACK_BOT_TOKEN, the installed app's scopes against
// what the bot needs. One line per mismatch saying what to do; exits 1 when there is any, 0 when all is well.
import "dotenv/config";
import { ConfigError, loadDoctorConfig } from "./config.js";
import { createLogger, redactTokens } from "./log.js";
import { SlackGateway, toSlackCallError } from "./slack/gateway.js";
import { botTokenProblem, codeFeatures, findManifest, grantedScopes, grantProblems, manifestProblems, readManifest } from "./slack/self-check.js";

async function doctor(): Promise<number> {
  let config;
  try {
    config = loadDoctorConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.message.split("\n")) console.log(`Configuration: ${line}`);
    return 1;
  }
  const code = codeFeatures();
  const manifestPath = findManifest();
  if (!manifestPath) {
    console.log("manifest.yml: not found next to the code; run npm run doctor from a checkout of Warroom.");
    return 1;
  }
  const problems = manifestProblems(readManifest(manifestPath), code);

  if (!config.SLACK_BOT_TOKEN) {
    problems.forEach((line) => console.log(line));
    console.log(`${problems.length ? "" : "manifest.yml matches the code. "}The live check needs SLACK_BOT_TOKEN: set it (in .env) to check the scopes the installed app was granted.`);
    return problems.length ? 1 : 0;
  }

  const gateway = new SlackGateway({ token: config.SLACK_BOT_TOKEN, slackApiUrl: config.SLACK_API_URL, logger: createLogger("silent") });
  let granted: string[] | undefined;
  try {
    granted = await grantedScopes(gateway.client);
  } catch (error) {
    const e = toSlackCallError("auth.test", error);
    problems.forEach((line) => console.log(line));
    console.log(botTokenProblem(e.code));
    return 1;
  }
  if (!granted) {
    problems.forEach((line) => console.log(line));
    console.log("Slack app: Slack's answer to auth.test named no scopes (no x-oauth-scopes header), so the granted scopes could not be checked.");
    return 1;
  }
  problems.push(...grantProblems(granted, code));
  problems.forEach((line) => console.log(line));
  if (problems.length) return 1;
  console.log("All good: manifest.yml matches the code, and the installed app has every scope the bot needs.");
  return 0;
}

doctor().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(redactTokens(`The doctor could not finish: ${error instanceof Error ? error.message : String(error)}`));
    process.exit(1);
  },
);
