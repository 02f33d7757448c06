// The App Home (Slack's Home tab) of one person: Declare, their open incidents and roles (linked to the war rooms),
// who is on call, their open action items with Mark done and Snooze, and the last 30 days in brief. Always within
// Block Kit's 100 blocks: each list is cut, and the Home says how many more there are and where to see them.
import type { HomeView } from "@slack/types";
import type { MyIncident, OnCallRow, PersonalHome } from "../../home/home.js";
import { severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { roleDefinitions } from "../../incidents/roles.js";
import { localDate } from "../../oncall/zoned-time.js";
import type { ListedActionItem } from "../../postmortems/action-items.js";
import { ActionItemActions, HomeActions, HomeViews } from "../ids.js";
import { incidentHeadline } from "./incident-card.js";
import { actions, button, context, Limits, section } from "./kit.js";
import { escaped, mentionChannel, mentionUser } from "./text.js";

/** Slack's limit for a Home tab ("Home tab views": blocks, max of 100). */
export const HOME_MAX_BLOCKS = 100;

export interface AppHomeOptions {
  now: Date;
  /**
   * The last 30 days in brief, one line each (mrkdwn, already escaped), from src/metrics/. Absent or empty: the
   * section is left out. The Home keeps room for it (see HOME_RESERVED_FOR_METRICS).
   */
  metricsBrief?: string[];
}

type Block = Record<string, unknown>;

const divider: Block = { type: "divider" };
/** The metrics slot's most blocks (divider + section), kept free whatever else the Home holds. */
const HOME_RESERVED_FOR_METRICS = 2;

const when = (at: Date) => `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${at.toISOString().slice(0, 16).replace("T", " ")} UTC>`;

/** Lines packed into as few sections as Slack's 3,000-character limit allows. */
function packed(lines: string[]): Block[] {
  const texts: string[] = [];
  for (const line of lines) {
    if (texts.length && texts.at(-1)!.length + line.length + 1 <= Limits.section) texts[texts.length - 1] += `\n${line}`;
    else texts.push(line);
  }
  return texts.map((t) => section(t));
}

function incidentBlock({ incident, roles }: MyIncident): Block {
  const room = incident.channelId ? mentionChannel(incident.channelId) : "_war room being set up_";
  const held = roles.map((r) => roleDefinitions[r].label).join(", ");
  return section(`${incidentHeadline(incident)}\n${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · you are *${held}* · ${room}`);
}

function incidentBlocks(home: PersonalHome): Block[] {
  if (home.incidents.length === 0) return [section("*Your open incidents*\n_None: you hold no role in an open incident._")];
  const more = home.incidentsTotal - home.incidents.length;
  return [
    section(`*Your open incidents* (${home.incidentsTotal})`),
    ...home.incidents.map(incidentBlock),
    ...(more > 0 ? [context(`…and ${more} more. \`/incident list\` shows every open incident.`)] : []),
  ];
}

function onCallLine({ schedule, now, next }: OnCallRow): string {
  const current = now ? `${mentionUser(now.userId)} until ${when(now.endsAt)}${now.override ? " (cover)" : ""}` : "_nobody_";
  const upcoming = next ? `${mentionUser(next.userId)} from ${when(next.startsAt)}` : "_nobody scheduled_";
  return `*${escaped(schedule.name, 100)}* · now: ${current} · next: ${upcoming}`;
}

function onCallBlocks(home: PersonalHome): Block[] {
  if (home.onCall.length === 0) return [section("*On call*\n_No schedules yet: `/incident oncall schedule` creates one._")];
  const more = home.schedulesTotal - home.onCall.length;
  return [
    ...packed([`:pager: *On call*`, ...home.onCall.map(onCallLine)]),
    ...(more > 0 ? [context(`…and ${more} more schedule${more === 1 ? "" : "s"}. \`/incident oncall\` shows them all.`)] : []),
  ];
}

function itemBlocks(item: ListedActionItem, now: Date): Block[] {
  const open = item.status === "open" || item.status === "in_progress";
  const overdue = open && item.dueDate && item.dueDate < localDate(now, item.ownerTimeZone) ? " :warning: *overdue*" : "";
  const due = item.dueDate ? `due ${item.dueDate}${overdue}` : "no due date";
  return [
    section(`*${escaped(item.description, 500)}*\n${due} · ${item.priority} priority · incident #${item.incidentNumber}${item.status === "in_progress" ? " · in progress" : ""}`),
    actions([button("Mark done", ActionItemActions.done, String(item.id), "primary"), button("Snooze a week", ActionItemActions.snooze, String(item.id))]),
  ];
}

function metricsBlocks(lines: string[] | undefined): Block[] {
  if (!lines?.length) return [];
  return [divider, ...packed([`:bar_chart: *Last 30 days*`, ...lines]).slice(0, 1)];
}

export function appHome(home: PersonalHome, options: AppHomeOptions): HomeView {
  const top: Block[] = [
    section(`:wave: Hi ${mentionUser(home.userId)}. Here is what needs you.`),
    actions([button("Declare an incident", HomeActions.declare, "declare", "danger")]),
    divider,
    ...incidentBlocks(home),
    divider,
    ...onCallBlocks(home),
    divider,
  ];
  const metrics = metricsBlocks(options.metricsBrief);
  const footer = context(`Updated ${when(options.now)} · \`/incident help\` for everything else`);
  const items = home.actionItems;
  const title = section(items.length ? `*Your open action items* (${home.actionItemsTotal})` : "*Your open action items*\n_Nothing open. Thank you!_");
  // Two blocks per item; whatever the other sections took, the items get what is left, and one line says the rest.
  const room = HOME_MAX_BLOCKS - top.length - 1 - 1 - HOME_RESERVED_FOR_METRICS - 1;
  const shown = items.slice(0, Math.max(0, Math.floor(room / 2)));
  const more = home.actionItemsTotal - shown.length;
  const blocks: Block[] = [
    ...top,
    title,
    ...shown.flatMap((item) => itemBlocks(item, options.now)),
    ...(more > 0 && shown.length ? [context(`Showing ${shown.length} of ${home.actionItemsTotal}, soonest due first: ${more} more. \`/incident actions\` lists them all.`)] : []),
    ...metrics,
    footer,
  ];
  return { type: "home", callback_id: HomeViews.home, blocks } as unknown as HomeView;
}

/** What a person is told when something they clicked on their Home could not be done (a Home has no thread to answer in). */
export function homeRefusalModal(text: string) {
  return {
    type: "modal" as const,
    callback_id: HomeViews.refusal,
    title: { type: "plain_text" as const, text: "Warroom" },
    close: { type: "plain_text" as const, text: "OK" },
    // The refusal's words are already mrkdwn, escaped where people typed them (answers.ts).
    blocks: [section(text)],
  };
}
