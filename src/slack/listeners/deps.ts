// What every listener may use: the domain's entry points, never SQL or the gateway directly.
import type { Clock } from "../../clock.js";
import type { Db, Tx } from "../../db/client.js";
import type { Incident } from "../../db/schema.js";
import type { Logger } from "../../log.js";
import type { LearningClock } from "../../postmortems/reminders.js";

export interface ListenerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** INCIDENT_ADMINS: may manage every incident. */
  admins: ReadonlySet<string>;
  /** The incident clock's hooks: paging at declare, moving deadlines after a change. */
  onDeclared?: (tx: Tx, incident: Incident) => Promise<void>;
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
  /** Postmortem and action-item reminders. */
  learning?: Pick<LearningClock, "onActionItem" | "onDrafted">;
  /** BUSINESS_TIMEZONE: the default zone of new schedules. */
  businessTimeZone?: string;
  /** Starts delivering what a committed transaction enqueued, without waiting for the next poll. */
  deliverNow: () => void;
}
