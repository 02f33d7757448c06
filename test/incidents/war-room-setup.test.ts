// Recording where an incident's war room is: a channel belongs to one incident across every workspace, and a step
// that tries to record one another incident holds is told so by name, never recorded or silently accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { systemClock } from "../../src/clock.js";
import { incidents, type Incident } from "../../src/db/schema.js";
import { declareIncident } from "../../src/incidents/declare.js";
import { ChannelHeldElsewhere, recordSetupStep, recordWarRoomContinued } from "../../src/incidents/war-room-setup.js";
import { openTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

async function declared(teamId: string): Promise<Incident> {
  const { incident } = await declareIncident(database.db, systemClock, { teamId, declaredBy: "U_ALICE", commanderId: "U_ALICE", title: "Checkout is down", severity: "sev2", declareKey: `${teamId}:${Math.random()}` });
  return incident;
}

const channelOf = async (incident: Incident) =>
  (await database.db.select({ channelId: incidents.channelId }).from(incidents).where(and(eq(incidents.teamId, incident.teamId), eq(incidents.id, incident.id))))[0]!.channelId;

describe("recording a war-room channel", () => {
  it("refuses, by name, a channel that another workspace's incident already holds", async () => {
    const first = await declared("T_FIRST");
    const second = await declared("T_SECOND");
    await database.db.transaction((tx) => recordSetupStep(tx, systemClock, first, { values: { channelId: "C_SHARED", channelName: "inc-1-checkout-is-down" } }));

    const recording = database.db.transaction((tx) =>
      recordSetupStep(tx, systemClock, second, { values: { channelId: "C_SHARED", channelName: "inc-1-checkout-is-down" }, fact: { type: "channel_created", data: {} } }),
    );
    await expect(recording).rejects.toBeInstanceOf(ChannelHeldElsewhere);
    const continuing = database.db.transaction((tx) => recordWarRoomContinued(tx, systemClock, { ...second, channelId: "C_SECOND_OLD" }, { id: "C_SHARED", name: "inc-1-checkout-is-down" }));
    await expect(continuing).rejects.toBeInstanceOf(ChannelHeldElsewhere);

    expect(await channelOf(first)).toBe("C_SHARED");
    expect(await channelOf(second)).toBeNull();
  });
});
