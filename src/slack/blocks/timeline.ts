// The incident timeline as a Slack message: oldest first, cut to fit Slack when it is long.
import type { Incident, TimelineEntry } from "../../db/schema.js";
import { humanDuration } from "../../incidents/lifecycle.js";
import { actorOf } from "../../timeline/actors.js";
import { describeEntry } from "../../timeline/describe.js";
import type { SlackMessage } from "../gateway.js";
import { incidentHeadline } from "./incident-card.js";
import { cutMrkdwn, escapeText, mentionUser, phraseMrkdwn, truncate } from "./text.js";

/** Longest entry text shown; the full text stays in the database and the postmortem. */
const TIMELINE_ENTRY_MAX = 500;
/** Section text allowed across the whole message; Slack renders long messages poorly and may refuse them. */
const SECTION_TEXT_BUDGET = 11_000;
/** Of that budget, how much goes to the first entries; the rest goes to the most recent ones. */
const HEAD_BUDGET = 3_500;
const SECTION_MAX = 3000;
const MAX_BLOCKS = 50;

type TimelineIncident = Pick<Incident, "number" | "title" | "severity">;

/** `2026-11-22 09:05 UTC` */
const utcMinute = (at: Date): string => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function actorLabel(actor: string): string {
  return /^[A-Za-z0-9_]+$/.test(actor) || actorOf(actor).kind !== "person" ? mentionUser(actor) : escapeText(actor);
}

function entryLine(entry: TimelineEntry, now: Date): string {
  const ago = `${humanDuration(now.getTime() - entry.occurredAt.getTime())} ago`;
  const text = cutMrkdwn(phraseMrkdwn(describeEntry(entry)), TIMELINE_ENTRY_MAX);
  return `\`${utcMinute(entry.occurredAt)}\` (${ago}) · ${actorLabel(entry.actor)} · ${text}`;
}

/** Packs lines into as few section blocks as possible, each within Slack's 3000 characters. */
function sections(lines: string[]): unknown[] {
  const chunks: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = cutMrkdwn(raw, SECTION_MAX);
    if (current && current.length + 1 + line.length > SECTION_MAX) {
      chunks.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks.map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
}

/** How many lines from the front of `lines` fit in `budget` characters (newlines counted). */
function fitting(lines: string[], budget: number): number {
  let used = 0;
  let count = 0;
  for (const line of lines) {
    used += line.length + 1;
    if (used > budget) break;
    count++;
  }
  return count;
}

export function timelineMessage(incident: TimelineIncident, entries: TimelineEntry[], now: Date): SlackMessage {
  const title = `Timeline of incident #${incident.number}`;
  const text = `${title} (${entries.length} ${entries.length === 1 ? "entry" : "entries"})`;
  const top: unknown[] = [
    { type: "header", text: { type: "plain_text", text: truncate(title, 150), emoji: true } },
    { type: "context", elements: [{ type: "mrkdwn", text: incidentHeadline(incident) }] },
  ];
  if (entries.length === 0) {
    return { text, blocks: [...top, { type: "section", text: { type: "mrkdwn", text: "_No entries in the timeline yet._" } }] };
  }

  const ordered = [...entries].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id);
  const lines = ordered.map((e) => entryLine(e, now));
  const all = sections(lines);
  const total = lines.reduce((n, l) => n + l.length + 1, 0);
  if (total <= SECTION_TEXT_BUDGET && top.length + all.length <= MAX_BLOCKS) {
    return { text, blocks: [...top, ...all] };
  }

  // Too long: the first entries (how it started) and the most recent ones (where it stands), with the gap said out loud.
  const headCount = Math.max(1, Math.min(fitting(lines, HEAD_BUDGET), lines.length - 1));
  const headLength = lines.slice(0, headCount).reduce((n, l) => n + l.length + 1, 0);
  const rest = lines.slice(headCount);
  const tailCount = Math.max(1, Math.min(fitting([...rest].reverse(), SECTION_TEXT_BUDGET - headLength), rest.length));
  const head = lines.slice(0, headCount);
  const tail = rest.slice(rest.length - tailCount);
  const omitted = lines.length - head.length - tail.length;
  const gap =
    omitted > 0
      ? [
          {
            type: "context",
            elements: [
              {
                type: "mrkdwn",
                text: `… ${omitted} earlier ${omitted === 1 ? "entry" : "entries"} not shown here. The full timeline is kept and goes into the postmortem.`,
              },
            ],
          },
        ]
      : [];
  const blocks = [...top, ...sections(head), ...gap, ...sections(tail)];
  return { text, blocks: blocks.slice(0, MAX_BLOCKS) };
}
