// The benchmark's child side of the IPC channel: say "ready" with the port, then answer memory / CPU / event-loop /
// idle / stop requests.
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface ChildHandlers {
  port: number;
  outboxIdle(timeoutMs: number): Promise<void>;
  /** Every recorded alert turned into incidents (the bot only). */
  alertsIdle?(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export type ParentRequest = { id: number; type: "memory" | "cpu" | "event-loop" | "outbox-idle" | "alerts-idle" | "stop"; timeoutMs?: number };
export type ChildReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

/** How long timers and I/O callbacks waited for the event loop since the last question, in ms. */
export interface EventLoopDelay {
  p99: number;
  max: number;
}

const LOOP_SAMPLE_MS = 10;

export function serveParent(handlers: ChildHandlers): void {
  // Anything that holds the loop (an embedded-database query runs on this thread) delays every ack behind it.
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loop.enable();
  const send = (message: unknown) => process.send?.(message);
  process.on("message", (request: ParentRequest) => {
    const answer = async (): Promise<unknown> => {
      switch (request.type) {
        case "memory":
          return process.memoryUsage();
        case "cpu":
          return process.cpuUsage();
        case "event-loop": {
          // The histogram records the time between samples; the delay is what exceeds the sampling interval.
          const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS);
          const delay: EventLoopDelay = { p99: late(loop.percentile(99)), max: late(loop.max) };
          loop.reset();
          return delay;
        }
        case "outbox-idle":
          return handlers.outboxIdle(request.timeoutMs ?? 120_000);
        case "alerts-idle":
          return handlers.alertsIdle?.(request.timeoutMs ?? 120_000);
        case "stop":
          await handlers.stop();
          // Let the reply reach the parent before exiting (a --cpu-prof profile is written at exit).
          setTimeout(() => process.exit(0), 50);
          return undefined;
      }
    };
    answer().then(
      (value) => send({ id: request.id, ok: true, value } satisfies ChildReply),
      (error: unknown) => send({ id: request.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies ChildReply),
    );
  });
  // A benchmark that dies must not leave bots listening behind it.
  process.on("disconnect", () => process.exit(0));
  send({ ready: true, port: handlers.port });
}
