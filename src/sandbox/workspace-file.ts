// The fake Slack's half of the sandbox on disk: its workspace (channels, messages, pins, modals) and how far the
// sandbox's clock runs ahead, as one JSON file beside the embedded database, written a moment after each change.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { WorkspaceSnapshot } from "../fake-slack/workspace.js";
import type { Logger } from "../log.js";

export interface KeptSandbox {
  aheadMs: number;
  workspace: WorkspaceSnapshot;
}

// The file is ours, but a person may have edited or cut it short: check its shape before trusting it.
const keptSchema = z.object({
  aheadMs: z.number().int().min(0),
  workspace: z.object({
    version: z.literal(1),
    sequence: z.number().int().min(0),
    lastTs: z.number().min(0),
    users: z.array(z.object({ id: z.string(), name: z.string() }).loose()),
    channels: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) }).loose()),
    messages: z.array(z.tuple([z.string(), z.array(z.object({ ts: z.string(), text: z.string() }).loose())])),
    pins: z.array(z.tuple([z.string(), z.array(z.object({ ts: z.string() }).loose())])),
    ephemerals: z.array(z.object({ user: z.string(), channel: z.string() }).loose()),
    views: z.array(z.object({ id: z.string(), user: z.string() }).loose()),
    responseUrls: z.array(z.object({ id: z.string() }).loose()),
  }),
});

/** What the file holds; undefined when there is no file, or one that is not a sandbox's (it is then ignored). */
export function readKeptSandbox(file: string, logger: Logger): KeptSandbox | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return keptSchema.parse(JSON.parse(text)) as unknown as KeptSandbox;
  } catch (error) {
    logger.warn({ file, err: error }, "the sandbox's Slack file could not be read; starting with a new workspace");
    return undefined;
  }
}

const WRITE_DELAY_MS = 200;

/** Writes the sandbox at most every 200 ms while it changes, whole and atomically (a new file renamed over the old). */
export class WorkspaceFile {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly current: () => KeptSandbox,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), WRITE_DELAY_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = `${this.file}.next`;
    writeFileSync(next, JSON.stringify(this.current()));
    renameSync(next, this.file);
  }
}
