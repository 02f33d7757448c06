// What the war room is told about its alerts: the ones that fired and resolved since it was last told, in one
// message however many arrived together, and how they stand now. Alert names come from senders: escaped here.
import type { AlertSummary } from "../../alerts/summaries.js";
import { AlertFacts, type AlertTally } from "../../alerts/tally.js";
import type { TimelineEntry } from "../../db/schema.js";
import type { SlackMessage } from "../gateway.js";
import { alertTallyWords } from "./incident-card.js";
import { context, fallback, section } from "./kit.js";
import { escapeText, escaped } from "./text.js";

/** Alerts named in one line; the rest are counted. */
const NAMED = 10;

const plural = (n: number) => `${n} alert${n === 1 ? "" : "s"}`;

/** A sender's URL as a Slack link target: Slack's control characters escaped, a `|` (which ends the target) encoded. */
const linkTarget = (url: string) => escapeText(url).replace(/\|/g, "%7C");

function alertLabel(alert: AlertSummary): string {
  const name = escaped(alert.name, 150);
  const named = alert.url ? `<${linkTarget(alert.url)}|${name}>` : name;
  return alert.service ? `${named} (${escaped(alert.service, 80)})` : named;
}

function namesOf(alerts: AlertSummary[], count: number): string {
  const shown = alerts.slice(0, NAMED).map(alertLabel);
  const more = count - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** Every alert fact in `facts` (fired, resolved), merged by kind; undefined when there is nothing to say. */
export function alertLinesMessage(facts: TimelineEntry[], tally: AlertTally): SlackMessage | undefined {
  const merge = (type: string) => {
    const of = facts.filter((f) => f.type === type).map((f) => f.data as { alerts?: AlertSummary[]; count?: number; source?: string });
    return { count: of.reduce((n, d) => n + Number(d.count ?? 0), 0), alerts: of.flatMap((d) => d.alerts ?? []), sources: [...new Set(of.map((d) => d.source ?? ""))].filter(Boolean) };
  };
  const fired = merge(AlertFacts.fired);
  const resolved = merge(AlertFacts.resolved);
  if (fired.count === 0 && resolved.count === 0) return undefined;
  const lines = [
    fired.count ? `:rotating_light: *${plural(fired.count)} fired*: ${namesOf(fired.alerts, fired.count)}` : "",
    resolved.count ? `:white_check_mark: *${plural(resolved.count)} resolved*: ${namesOf(resolved.alerts, resolved.count)}` : "",
  ].filter(Boolean);
  const sources = [...new Set([...fired.sources, ...resolved.sources])].map((s) => escaped(s, 80));
  const standing = `${alertTallyWords(tally)}${sources.length ? ` · from ${sources.join(", ")}` : ""}`;
  return {
    text: fallback([fired.count ? `${plural(fired.count)} fired` : "", resolved.count ? `${plural(resolved.count)} resolved` : "", alertTallyWords(tally)].filter(Boolean).join(" · ")),
    blocks: [section(lines.join("\n")), context(standing)],
  };
}
