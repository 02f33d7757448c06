// What must hold after any run, however the bot was treated (odd input, kill -9): every incident has one war
// room, one card, one pin, one announcement; no delivery was made twice, none gave up, none is left waiting.
import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { incidents, outboxItems } from "../../src/db/schema.js";
import type { FakeSlack } from "../../src/fake-slack/server.js";

/** Channels, cards, pins and posts made more than once, seen in Slack and the database together. */
export async function duplicatesIn(fake: FakeSlack, db: Db): Promise<string[]> {
  const found: string[] = [];
  const all = await db.select().from(incidents).where(eq(incidents.teamId, fake.teamId));
  const owner = new Map<string, number>();
  for (const incident of all) {
    for (const channel of [incident.channelId, ...(incident.previousChannelIds ?? [])]) {
      if (!channel) continue;
      if (owner.has(channel) && owner.get(channel) !== incident.number) found.push(`channel ${channel} belongs to incidents #${owner.get(channel)} and #${incident.number}`);
      owner.set(channel, incident.number);
    }
  }
  const numbers = all.map((i) => i.number);
  if (new Set(numbers).size !== numbers.length) found.push(`incident numbers repeat: ${numbers.join(",")}`);
  const keys = new Map<string, number>();
  for (const channel of fake.channels) {
    if (channel.creator === fake.botUserId && channel.name.startsWith("inc-") && !owner.has(channel.id)) found.push(`war room #${channel.name} (${channel.id}) belongs to no incident`);
    const cards = fake.messagesIn(channel.id).filter((m) => m.user === fake.botUserId && String(m.metadata?.event_payload?.key ?? "").endsWith("war_room.post_card"));
    if (cards.length > 1) found.push(`${cards.length} cards in #${channel.name}`);
    const pins = fake.pinsIn(channel.id).filter((p) => p.created_by === fake.botUserId);
    if (pins.length > 1) found.push(`${pins.length} pins in #${channel.name}`);
    for (const m of fake.messagesIn(channel.id)) {
      const key = m.metadata?.event_payload?.key;
      if (m.user === fake.botUserId && typeof key === "string") keys.set(key, (keys.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of keys) if (n > 1) found.push(`delivery ${key} posted ${n} times`);
  // The declarer's link goes through a response_url, which cannot be checked afterwards: at most once, by design.
  for (const incident of all) {
    const link = `Incident #${incident.number} is declared`;
    const links = fake.workspace.ephemerals.filter((e) => e.text.includes(link)).length + fake.dmsTo(incident.declaredBy).filter((m) => m.user === fake.botUserId && m.text.includes(link)).length;
    if (links > 1) found.push(`${links} links to incident #${incident.number} for its declarer`);
  }
  return found;
}

/** Deliveries that gave up, and incidents left without a war room, card or announcement. */
export async function lostIn(fake: FakeSlack, db: Db): Promise<string[]> {
  const found: string[] = [];
  const failed = await db.select().from(outboxItems).where(and(eq(outboxItems.teamId, fake.teamId), eq(outboxItems.status, "failed")));
  for (const item of failed) found.push(`${item.kind} (${item.idempotencyKey}) gave up: ${item.lastError}`);
  const pending = await db.select().from(outboxItems).where(and(eq(outboxItems.teamId, fake.teamId), ne(outboxItems.status, "done"), ne(outboxItems.status, "failed")));
  for (const item of pending) found.push(`${item.kind} (${item.idempotencyKey}) still pending: ${item.lastError ?? ""}`);
  const all = await db.select().from(incidents).where(eq(incidents.teamId, fake.teamId));
  for (const incident of all) {
    if (!incident.channelId || !incident.summaryTs || !incident.announcementTs) found.push(`incident #${incident.number} has channel ${incident.channelId}, card ${incident.summaryTs}, announcement ${incident.announcementTs}`);
  }
  return found;
}
