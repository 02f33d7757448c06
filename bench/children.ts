// The parent's side of the benchmark's child processes: start one (plain node on compiled JavaScript, the same
// flags for every child), wait until it listens, ask it questions over IPC, stop it; its output goes to a log file.
import { fork, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { ChildReply, EventLoopDelay, ParentRequest } from "./processes/ipc.js";

/** Extra node flags for every child, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
export const childNodeFlags = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);

export interface MemoryUsage {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    logFile: string,
  ) {
    child.on("message", (reply: ChildReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(`${name}: ${reply.error}`));
    });
    child.on("exit", (code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited (${code}); see ${logFile}`));
      this.pending.clear();
    });
  }

  static async start(name: string, modulePath: string, env: NodeJS.ProcessEnv, logFile: string, timeoutMs = 120_000): Promise<BenchChild> {
    const log = openSync(logFile, "w");
    const child = fork(modulePath, [], { execArgv: childNodeFlags, env, stdio: ["ignore", log, log, "ipc"] });
    closeSync(log);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
      child.on("message", (message: { ready?: boolean; port?: number }) => {
        if (message.ready) {
          clearTimeout(timer);
          resolve(message.port!);
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) while starting:\n${tail(logFile)}`));
      });
    });
    return new BenchChild(name, child, port, logFile);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/slack/events`;
  }

  private ask<T>(type: ParentRequest["type"], timeoutMs?: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, type, timeoutMs } satisfies ParentRequest);
    });
  }

  memory(): Promise<MemoryUsage> {
    return this.ask("memory");
  }

  /** CPU time the child has used so far (user + system), in microseconds. */
  async cpuMicros(): Promise<number> {
    const usage = await this.ask<NodeJS.CpuUsage>("cpu");
    return usage.user + usage.system;
  }

  /** Event-loop delay since the previous call (the first call: since start). */
  eventLoopDelay(): Promise<EventLoopDelay> {
    return this.ask("event-loop");
  }

  outboxIdle(timeoutMs = 120_000): Promise<void> {
    return this.ask("outbox-idle", timeoutMs);
  }

  alertsIdle(timeoutMs = 120_000): Promise<void> {
    return this.ask("alerts-idle", timeoutMs);
  }

  /** The bot's own address (for routes beside Slack's). */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.ask("stop").catch(() => undefined);
    await exited;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no output)";
  }
}
