// The postmortem's Markdown shown in Slack, in code blocks to copy.
import type { SlackMessage } from "../gateway.js";
import { Limits, section } from "./kit.js";
import { escapeText } from "./text.js";

const FENCE = "```";
const CHUNK = Limits.section - 2 * FENCE.length - 2;

/** The Markdown in code blocks Slack can show: each block at most 3000 characters once escaped, at most 45 of them. */
export function markdownSnippet(incidentNumber: number, markdown: string): SlackMessage {
  const chunks: string[] = [];
  let current = "";
  for (const raw of markdown.split("\n")) {
    let line = `${escapeText(raw)}\n`;
    // A line longer than a whole block is split, never across an entity.
    while (line.length > CHUNK) {
      let cut = CHUNK;
      const amp = line.lastIndexOf("&", cut);
      if (amp > cut - 6 && line.indexOf(";", amp) >= cut) cut = amp;
      else if (/[\uD800-\uDBFF]/.test(line[cut - 1] ?? "")) cut -= 1; // never half an emoji
      if (current) chunks.push(current);
      chunks.push(line.slice(0, cut));
      current = "";
      line = line.slice(cut);
    }
    if (current.length + line.length > CHUNK) {
      chunks.push(current);
      current = "";
    }
    current += line;
  }
  if (current.trim()) chunks.push(current);
  const shown = chunks.slice(0, 45);
  return {
    text: `Postmortem of incident #${incidentNumber} (Markdown)`,
    blocks: [
      section(`:memo: Postmortem of incident #${incidentNumber}, as Markdown to copy:`),
      ...shown.map((c) => section(FENCE + c + FENCE)),
      ...(chunks.length > shown.length ? [section(`_…cut here: the postmortem is longer than Slack shows in one message._`)] : []),
    ],
  };
}
