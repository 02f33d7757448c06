// How the running process meets the operating system: a graceful stop on SIGTERM/SIGINT that always ends within
// a bounded time, and promise failures nobody awaited, which are logged instead of killing the bot.
import type { Logger } from "./log.js";

/**
 * Longest a graceful stop may take before the process exits anyway (container runtimes kill at about 10 s).
 * warroom.stop() plans its steps within it (see there).
 */
export const STOP_LIMIT_MS = 9_000;

/**
 * A promise that failed with nobody waiting for it is a bug to log, not a reason to drop every request in
 * flight (Node's default is to exit).
 */
export function surviveStrayRejections(logger: Logger): void {
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "a promise failed and nothing was waiting for it; carrying on");
  });
}

/**
 * The first SIGTERM or SIGINT stops gracefully (stop(), told when the process will exit regardless, in epoch ms),
 * then exits 0; if that takes longer than limitMs, or a second signal comes, the process exits 1 at once.
 */
export function stopOnSignals(logger: Logger, stop: (deadline: number) => Promise<void>, limitMs = STOP_LIMIT_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "stopping at once: a second signal");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "stopping: no new requests; finishing those in flight, then deliveries");
    const deadline = Date.now() + limitMs;
    setTimeout(() => {
      logger.error({ limitMs }, "could not stop in time; exiting anyway");
      process.exit(1);
    }, limitMs).unref();
    stop(deadline).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "stopping failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
