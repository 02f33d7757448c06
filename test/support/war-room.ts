// Running an incident the way people do: commands in the war room, card buttons, forms.
import { eq, and } from "drizzle-orm";
import { incidents, type Incident } from "../../src/db/schema.js";
import type { InputValue } from "../../src/fake-slack/driver.js";
import { timelineOf } from "../../src/timeline/append.js";
import { describeEntry } from "../../src/timeline/describe.js";
import { phraseMrkdwn } from "../../src/slack/blocks/text.js";
import type { TestBot } from "./bot.js";
import { declareThroughSlack, eventually, waitFor, type DeclareThroughSlack } from "./declare.js";

/** Declares through Slack and waits until the war room is fully set up. */
export async function declaredIncident(h: TestBot, opts: DeclareThroughSlack = {}): Promise<Incident> {
  const title = opts.title ?? `Incident ${Math.random().toString(36).slice(2, 8)}`;
  const { view } = await declareThroughSlack(h, { ...opts, title });
  await h.bot.outbox.waitUntilIdle();
  const [incident] = await h.database.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.teamId, h.fake.teamId), eq(incidents.declareKey, `view:${view.id}`)));
  if (!incident?.summaryTs) throw new Error("the war room was not set up");
  return incident;
}

export async function reload(h: TestBot, incident: Pick<Incident, "id">): Promise<Incident> {
  const [row] = await h.database.db.select().from(incidents).where(eq(incidents.id, incident.id));
  return row!;
}

/** Types a slash command and waits for the side effects it caused to reach Slack. */
export async function command(h: TestBot, userId: string, channelId: string, text: string) {
  const answer = await h.driver.slashCommand({ userId, channelId, text });
  await h.bot.outbox.waitUntilIdle();
  return answer;
}

/** The answer a person reads after a command: the acknowledgement's text. */
export async function say(h: TestBot, userId: string, channelId: string, text: string): Promise<string> {
  const answer = await command(h, userId, channelId, text);
  return String(answer.body?.text ?? "");
}

export async function clickOnCard(h: TestBot, incident: Incident, userId: string, actionId: string) {
  const current = await reload(h, incident);
  return h.driver.clickButton({ userId, channelId: current.channelId!, messageTs: current.summaryTs!, actionId, value: String(current.id) });
}

/**
 * Clicks Acknowledge on the card and waits until the acknowledgement is recorded and delivered: the button is
 * acknowledged to Slack before the domain acts, so the click's answer alone says nothing about what followed.
 */
export async function acknowledgeOnCard(h: TestBot, incident: Incident, userId: string): Promise<void> {
  await clickOnCard(h, incident, userId, "incident_acknowledge");
  await eventually(async () => (await reload(h, incident)).acknowledgedAt !== null);
  await h.bot.outbox.waitUntilIdle();
}

export const cardOf = (h: TestBot, incident: Incident) => {
  const card = h.fake.messagesIn(incident.channelId!).find((m) => m.ts === incident.summaryTs);
  return { message: card!, json: JSON.stringify(card?.blocks ?? []) };
};

export const modalOpenedBy = (h: TestBot, triggerId: string) => waitFor(() => h.fake.views.find((v) => v.triggerId === triggerId && !v.closed));

/** Clicks a card button that opens a form, fills it in and submits it. */
export async function submitForm(h: TestBot, incident: Incident, userId: string, actionId: string, values: Record<string, InputValue>) {
  const click = await clickOnCard(h, incident, userId, actionId);
  const view = await modalOpenedBy(h, click.triggerId);
  const answer = await h.driver.submitView({ viewId: view.id, userId, values });
  await h.bot.outbox.waitUntilIdle();
  return { view, answer };
}

/** What the bot said in the war room after the card (lines, updates), system messages left out. */
export const botLinesIn = (h: TestBot, channelId: string) =>
  h.fake.messagesIn(channelId).filter((m) => m.user === h.fake.botUserId && !m.subtype);

/** The first ephemeral message a person gets after they had already seen `seen` of them. */
export const nextEphemeral = (h: TestBot, userId: string, seen: number) => waitFor(() => h.fake.ephemeralsFor(userId)[seen]);

export const timelineTypes = async (h: TestBot, incident: Incident) =>
  (await timelineOf(h.database.db, h.fake.teamId, incident.id)).map((e) => e.type);

/** A timeline entry as /incident timeline shows it (mrkdwn). */
export const entryWords = (entry: Parameters<typeof describeEntry>[0]) => phraseMrkdwn(describeEntry(entry));
