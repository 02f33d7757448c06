// What `npm start` runs: the bot when Slack credentials are set, else the local sandbox (the bot with the built-in
// fake Slack and a page to drive it). The production entry (dist/src/main.js) never loads the sandbox.
import "dotenv/config";
import { slackCredentialsMissing } from "./config.js";

if (slackCredentialsMissing()) await import("./sandbox/main.js");
else await import("./main.js");
