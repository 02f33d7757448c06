import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { systemClock } from "../../src/clock.js";
import { incidents, outboxItems, timelineEntries } from "../../src/db/schema.js";
import { declareIncident, type DeclareInput } from "../../src/incidents/declare.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

const input = (overrides: Partial<DeclareInput> = {}): DeclareInput => ({
  teamId: "T_DECLARE",
  declaredBy: "U_ALICE",
  title: "Checkout is down",
  severity: "sev1",
  commanderId: "U_ALICE",
  declareKey: `view:${Math.random()}`,
  ...overrides,
});

describe("declaring an incident", () => {
  it("records the incident, its timeline entry, the war-room setup and the word to the outside world together", async () => {
    const { incident, created } = await declareIncident(database.db, systemClock, input({ teamId: "T_ONE" }));
    expect(created).toBe(true);
    expect(incident).toMatchObject({ number: 1, status: "investigating", severity: "sev1" });
    const entries = await database.db.select().from(timelineEntries).where(eq(timelineEntries.incidentId, incident.id));
    expect(entries.map((e) => e.type)).toEqual(["declared"]);
    expect(entries[0]!.actor).toBe("U_ALICE");
    const steps = await database.db.select().from(outboxItems).where(eq(outboxItems.incidentId, incident.id));
    expect(steps.map((s) => s.kind)).toEqual([
      "war_room.create_channel",
      "war_room.invite_responders",
      "war_room.tell_declarer",
      "war_room.set_topic",
      "war_room.post_card",
      "war_room.pin_card",
      "war_room.announce",
      "outside.fact",
    ]);
    expect(steps.at(-1)).toMatchObject({ lane: "outside", payload: { entryId: entries[0]!.id } });
  });

  it("gives 20 simultaneous declares 20 distinct numbers, 1 to 20", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => declareIncident(database.db, systemClock, input({ teamId: "T_RACE", title: `Race ${i}` }))),
    );
    expect(results.map((r) => r.incident.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("numbers each workspace on its own", async () => {
    const a = await declareIncident(database.db, systemClock, input({ teamId: "T_A" }));
    const b = await declareIncident(database.db, systemClock, input({ teamId: "T_B" }));
    const a2 = await declareIncident(database.db, systemClock, input({ teamId: "T_A" }));
    expect([a.incident.number, b.incident.number, a2.incident.number]).toEqual([1, 1, 2]);
  });

  it("makes one incident of a modal submitted twice at once", async () => {
    const same = input({ teamId: "T_TWICE", declareKey: "view:V_SAME" });
    const [first, second] = await Promise.all([
      declareIncident(database.db, systemClock, same),
      declareIncident(database.db, systemClock, same),
    ]);
    expect(first.incident.id).toBe(second.incident.id);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const rows = await database.db.select().from(incidents).where(eq(incidents.teamId, "T_TWICE"));
    expect(rows).toHaveLength(1);
  });

  it("refuses an empty title with a sentence", async () => {
    await expect(declareIncident(database.db, systemClock, input({ title: "   " }))).rejects.toThrow(/Give the incident a title/);
  });
});
