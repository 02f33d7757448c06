// /incident and /incident help: what the bot can do.
import { helpText } from "../../blocks/help.js";
import type { Subcommand } from "../subcommand.js";

export const help: Subcommand = async () => ({ answer: { text: helpText("/incident") } });
