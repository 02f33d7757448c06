// The answer to /incident search: best matches first, each with number, title, severity, status, date and link.
import type { SearchHit } from "../../incidents/search.js";
import { severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import type { SlackMessage } from "../gateway.js";
import { incidentTitle } from "./incident-card.js";
import { drillTagged } from "./drill.js";
import { escaped, mentionChannel } from "./text.js";

export function searchResults(typed: string, hits: SearchHit[]): SlackMessage {
  const asked = escaped(typed.trim(), 200);
  if (hits.length === 0) return { text: `No incidents match \`${asked}\`. Try fewer words, or drop a filter.` };
  const line = (h: SearchHit) =>
    `*#${h.number} · ${incidentTitle(h)}*${drillTagged(h)}\n${severityLabel(h.severity)} · ${statusLabels[h.status]} · declared ${h.declaredAt.toISOString().slice(0, 10)}${h.channelId ? ` · ${mentionChannel(h.channelId)}` : ""}`;
  return {
    text: `${hits.length} incident${hits.length === 1 ? "" : "s"} match ${asked}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:mag: ${hits.length === 1 ? "One incident matches" : `${hits.length} incidents match`} \`${asked}\`, best first:` } },
      ...hits.slice(0, 20).map((h) => ({ type: "section", text: { type: "mrkdwn", text: line(h) } })),
    ],
  };
}
