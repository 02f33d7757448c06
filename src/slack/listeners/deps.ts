// What every listener may use: the domain's entry points, never SQL or the gateway directly.
import type { Clock } from "../../clock.js";
import type { Db } from "../../db/client.js";
import type { Logger } from "../../log.js";

export interface ListenerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** INCIDENT_ADMINS: may manage every incident. */
  admins: ReadonlySet<string>;
  /** Starts delivering what a committed transaction enqueued, without waiting for the next poll. */
  deliverNow: () => void;
}
