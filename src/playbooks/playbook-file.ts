// Reading PLAYBOOKS_FILE at start: its playbooks, or one sentence saying which line and field is wrong.
import { readFileSync } from "node:fs";
import { parsePlaybookFile, PlaybookFileError, type Playbook } from "./definitions.js";

export function readPlaybookFile(path: string): { ok: true; playbooks: Playbook[] } | { ok: false; problem: string } {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, problem: code === "ENOENT" ? `names ${path}, which does not exist` : `names ${path}, which cannot be read (${code ?? String(error)})` };
  }
  try {
    return { ok: true, playbooks: parsePlaybookFile(source, path) };
  } catch (error) {
    if (error instanceof PlaybookFileError) return { ok: false, problem: `is not a valid playbooks file: ${error.message}` };
    throw error;
  }
}
