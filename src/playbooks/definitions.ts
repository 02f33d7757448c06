// What a playbook is (which incidents it fits, its checklist items by phase), read from YAML or from the lines an
// admin types, and which playbooks fit an incident. Pure: no database, no Slack.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { z } from "zod";
import { severitySchema, type Severity } from "../incidents/lifecycle.js";
import { roles, type Role } from "../incidents/roles.js";

/** The phases of the process guide, in order; a playbook may name others, which come after these. */
export const standardPhases = ["detection", "triage", "response", "resolution"] as const;

export const PHASE_MAX = 40;
export const ITEM_TEXT_MAX = 300;
export const LINK_MAX = 1000;
export const ITEMS_MAX = 100;
export const PHASES_MAX = 8;
export const NAME_MAX = 80;

/** "Triage " → "triage": phases are compared and stored in lower case. */
export const phaseKey = (phase: string): string => phase.trim().replace(/\s+/g, " ").toLowerCase();

const roleSchema = z.enum(roles, { error: `must be one of ${roles.join(", ")}` });
const linkSchema = z
  .string()
  .trim()
  .max(LINK_MAX, { error: `must be at most ${LINK_MAX} characters` })
  .regex(/^https?:\/\/[^\s<>|]+$/, { error: "must be a web address starting with https:// (no spaces)" });

export const itemSchema = z.object({
  phase: z
    .string()
    .trim()
    .min(1, { error: "needs a phase" })
    .max(PHASE_MAX, { error: `must be at most ${PHASE_MAX} characters` })
    .transform(phaseKey),
  text: z.string().trim().min(1, { error: "needs some text" }).max(ITEM_TEXT_MAX, { error: `must be at most ${ITEM_TEXT_MAX} characters` }),
  role: roleSchema.optional(),
  link: linkSchema.optional(),
});
export type PlaybookItem = z.output<typeof itemSchema>;

export interface Playbook {
  /** "file:<name>" or "db:<id>": where it came from, as incident tasks remember it. */
  key: string;
  name: string;
  severities: Severity[];
  services: string[];
  items: PlaybookItem[];
}

const fileItemSchema = z.union([
  z.string().trim().min(1, { error: "needs some text" }).max(ITEM_TEXT_MAX, { error: `must be at most ${ITEM_TEXT_MAX} characters` }).transform((text) => ({ text })),
  z.object({
    text: z.string().trim().min(1, { error: "needs some text" }).max(ITEM_TEXT_MAX, { error: `must be at most ${ITEM_TEXT_MAX} characters` }),
    role: roleSchema.optional(),
    link: linkSchema.optional(),
  }).strict(),
]);

const filePlaybookSchema = z
  .object({
    name: z.string().trim().min(1, { error: "needs a name" }).max(NAME_MAX, { error: `must be at most ${NAME_MAX} characters` }),
    severities: z.array(severitySchema).default([]),
    services: z.array(z.string().trim().min(1).max(80)).default([]),
    phases: z
      .record(z.string().trim().min(1).max(PHASE_MAX, { error: `must be at most ${PHASE_MAX} characters` }), z.array(fileItemSchema).min(1, { error: "needs at least one item" }))
      .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= PHASES_MAX, { error: `must name 1 to ${PHASES_MAX} phases` }),
  })
  .strict();

const fileSchema = z
  .object({ playbooks: z.array(filePlaybookSchema).min(1, { error: "needs at least one playbook" }) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.playbooks.forEach((p, i) => {
      if (seen.has(p.name.toLowerCase())) ctx.addIssue({ code: "custom", path: ["playbooks", i, "name"], message: `repeats the name "${p.name}"` });
      seen.add(p.name.toLowerCase());
      const count = Object.values(p.phases).reduce((n, items) => n + items.length, 0);
      if (count > ITEMS_MAX) ctx.addIssue({ code: "custom", path: ["playbooks", i, "phases"], message: `holds ${count} items; a playbook holds at most ${ITEMS_MAX}` });
    });
  });

export class PlaybookFileError extends Error {}

/** Reads a playbooks YAML file; a problem is one sentence naming the file, line and field. */
export function parsePlaybookFile(source: string, fileName: string): Playbook[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new PlaybookFileError(`${fileName}, line ${pos.line}: not valid YAML (${e.message.split("\n")[0]})`);
  }
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const node = nodeAt(doc.contents as Node | null, path);
    const line = node?.range ? `, line ${lineCounter.linePos(node.range[0]).line}` : "";
    const field = path.length ? path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i ? "." : ""}${p}`)).join("") : "the file";
    throw new PlaybookFileError(`${fileName}${line}: ${field} ${issue.message}`);
  }
  return parsed.data.playbooks.map((p) => ({
    key: `file:${p.name}`,
    name: p.name,
    severities: p.severities,
    services: p.services,
    items: Object.entries(p.phases).flatMap(([phase, items]) => items.map((item) => ({ ...item, phase: phaseKey(phase) }))),
  }));
}

/** The deepest node along the path (the field itself, or the nearest parent that exists). */
function nodeAt(root: Node | null, path: string[]): Node | undefined {
  let node: Node | undefined = root ?? undefined;
  for (const step of path) {
    let next: unknown;
    if (isMap(node)) next = node.items.find((pair) => String((pair.key as { value?: unknown })?.value ?? pair.key) === step)?.value;
    else if (isSeq(node)) next = node.items[Number(step)];
    if (!next || typeof next !== "object") break;
    node = next as Node;
  }
  return node;
}

/**
 * The lines an admin types for a playbook's items, one item a line: `Phase: item text [role] <link>`, the role
 * and link optional, e.g. `Triage: Check the dashboards [tech_lead] <https://grafana.example.com>`.
 */
export function parseItemLines(text: string): { ok: true; items: PlaybookItem[] } | { ok: false; line: number; problem: string } {
  const items: PlaybookItem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim().replace(/^[-*•]\s*/, "");
    if (!raw) continue;
    const item = parseItemLine(raw, undefined);
    if (!item.ok) return { ok: false, line: i + 1, problem: item.problem };
    items.push(item.item);
  }
  if (items.length === 0) return { ok: false, line: 1, problem: "write at least one item, e.g. `Triage: Check the dashboards`" };
  if (items.length > ITEMS_MAX) return { ok: false, line: ITEMS_MAX + 1, problem: `a playbook holds at most ${ITEMS_MAX} items` };
  if (new Set(items.map((i) => i.phase)).size > PHASES_MAX) return { ok: false, line: 1, problem: `a playbook names at most ${PHASES_MAX} phases` };
  return { ok: true, items };
}

/** One item: `[Phase:] text [role] <link>`; without a phase, `defaultPhase` (an item added by hand) or a problem. */
export function parseItemLine(raw: string, defaultPhase: string | undefined): { ok: true; item: PlaybookItem } | { ok: false; problem: string } {
  let rest = raw.trim();
  let link: string | undefined;
  const linkMatch = /\s*<(https?:\/\/[^>\s|]+)(?:\|[^>]*)?>\s*$/.exec(rest);
  if (linkMatch) {
    link = linkMatch[1];
    rest = rest.slice(0, linkMatch.index).trim();
  }
  let role: Role | undefined;
  const roleMatch = /\s*\[([a-z_ ]+)\]\s*$/i.exec(rest);
  if (roleMatch) {
    const named = roleMatch[1]!.trim().toLowerCase().replace(/\s+/g, "_");
    if (!(roles as readonly string[]).includes(named)) return { ok: false, problem: `[${roleMatch[1]}] is not a role: use one of ${roles.map((r) => `[${r}]`).join(", ")}` };
    role = named as Role;
    rest = rest.slice(0, roleMatch.index).trim();
  }
  let phase = defaultPhase;
  // "Triage: check DNS", not "see https://…": a phase's colon is followed by a space.
  const phaseMatch = /^([^:]{1,40}):(?:\s+|$)(.*)$/.exec(rest);
  if (phaseMatch) {
    phase = phaseMatch[1]!;
    rest = phaseMatch[2]!;
  }
  if (phase === undefined) return { ok: false, problem: "start with its phase, e.g. `Triage: Check the dashboards`" };
  if (!rest.trim()) return { ok: false, problem: "say what needs doing after the phase, e.g. `Triage: Check the dashboards`" };
  const parsed = itemSchema.safeParse({ phase, text: rest, role, link });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `the ${String(issue.path[0] ?? "item")} ${issue.message}` };
  }
  return { ok: true, item: parsed.data };
}

/** The lines that give these items back (the admin form's starting text). */
export const itemLines = (items: PlaybookItem[]): string =>
  items.map((i) => `${capitalized(i.phase)}: ${i.text}${i.role ? ` [${i.role}]` : ""}${i.link ? ` <${i.link}>` : ""}`).join("\n");

export const capitalized = (phase: string): string => phase.charAt(0).toUpperCase() + phase.slice(1);

/** A playbook fits an incident of its severities (any, if none named) touching one of its services (any, if none named). */
export function fits(playbook: Pick<Playbook, "severities" | "services">, incident: { severity: Severity; affectedServices: string[] }): boolean {
  if (playbook.severities.length && !playbook.severities.includes(incident.severity)) return false;
  if (!playbook.services.length) return true;
  const touched = new Set(incident.affectedServices.map((s) => s.trim().toLowerCase()));
  return playbook.services.some((s) => touched.has(s.trim().toLowerCase()));
}

/** The same item twice (same phase, same words) is one item. */
export const itemIdentity = (item: { phase: string; text: string }): string => `${phaseKey(item.phase)}\u0000${item.text.trim().toLowerCase()}`;

/** Phases in checklist order: the standard ones first, then others in the order they first appear. */
export function phaseOrder(phases: string[]): string[] {
  const distinct = [...new Set(phases.map(phaseKey))];
  const standard = standardPhases.filter((p) => distinct.includes(p));
  return [...standard, ...distinct.filter((p) => !(standardPhases as readonly string[]).includes(p))];
}

export const severityList = (list: Severity[]): string => (list.length ? list.map((s) => s.toUpperCase()).join(", ") : "any severity");
