// What every listener may use: the domain's entry points and the gateway, never SQL.
import type { Clock } from "../../clock.js";
import type { Db, Tx } from "../../db/client.js";
import type { Incident } from "../../db/schema.js";
import type { EscalatedByHand } from "../../incidents/clockwork.js";
import type { Severity } from "../../incidents/lifecycle.js";
import type { Logger } from "../../log.js";
import type { Playbook } from "../../playbooks/definitions.js";
import type { LearningClock } from "../../postmortems/reminders.js";
import type { SlackGateway } from "../gateway.js";

export interface ListenerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * The Web API, for everything but opening and updating modals (a trigger_id lives 3 seconds). A person is
   * waiting for the answer, so its calls give up after 1.5 s (see warroom.ts).
   */
  gateway: SlackGateway;
  /** INCIDENT_ADMINS: may manage every incident. */
  admins: ReadonlySet<string>;
  /** The incident clock's hooks: paging at declare, moving deadlines after a change. */
  onDeclared?: (tx: Tx, incident: Incident) => Promise<void>;
  replanClock?: (tx: Tx, incident: Incident) => Promise<void>;
  /** The clock's paging, for a person who escalates by hand (a nudge's Escalate button). */
  escalateByHand?: (tx: Tx, incident: Incident, actorId: string) => Promise<EscalatedByHand>;
  /** Postmortem and action-item reminders. */
  learning?: Pick<LearningClock, "onActionItem" | "onDrafted">;
  /** BUSINESS_TIMEZONE: the default zone of new schedules. */
  businessTimeZone?: string;
  /** PUBLIC_URL: where alert senders reach the bot, to show its webhook URLs. */
  publicUrl?: string;
  /** Where executive summaries go: EXEC_CHANNEL, else the announcement channel of the incident's severity. */
  commsChannels?: { exec?: string; announcement: Readonly<Record<Severity, string>> };
  /** PLAYBOOKS_FILE: its playbooks, shown (read-only) beside those kept in the database. */
  playbookFile?: { path: string; playbooks: Playbook[] };
  /** Starts delivering what a committed transaction enqueued, without waiting for the next poll. */
  deliverNow: () => void;
}
