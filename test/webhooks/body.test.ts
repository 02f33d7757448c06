// The webhook body names who acted by kind: an API token is neither a Slack user nor Warroom.
import { describe, expect, it } from "vitest";
import type { Incident, TimelineEntry } from "../../src/db/schema.js";
import { webhookBody } from "../../src/webhooks/body.js";

const at = new Date("2026-11-23T10:00:00Z");
const token = "api_token:12:deploy-bot";
const incident = {
  id: 1, teamId: "T1", number: 12, title: "Checkout is down", description: "", severity: "sev1", status: "investigating",
  affectedServices: ["checkout"], commanderId: "U0ALICE", declaredBy: token, declaredAt: at, acknowledgedAt: at, acknowledgedBy: token,
  identifiedAt: null, mitigatedAt: null, resolvedAt: null, closedAt: null, resolutionSummary: null, rootCause: null,
  channelId: null, channelName: null, techLeadId: null, commsLeadId: null, scribeId: null,
} as unknown as Incident;
const entry = (actor: string) => ({ id: 5, teamId: "T1", incidentId: 1, type: "declared", actor, occurredAt: at, text: "", data: {}, sourceKey: null }) as TimelineEntry;

describe("the webhook body's actor", () => {
  it("is the API token by name when a token acted, and declared_by / acknowledged_by are then null", () => {
    const body = webhookBody({ deliveryId: "whd_1", entry: entry(token), incident });
    expect(body.actor).toEqual({ type: "api_token", name: "deploy-bot" });
    expect(body.incident).toMatchObject({ declared_by: null, acknowledged_by: null, commander: "U0ALICE" });
  });

  it("is a Slack user or Warroom otherwise", () => {
    expect(webhookBody({ deliveryId: "whd_2", entry: entry("U0BOB"), incident }).actor).toEqual({ type: "user", slack_user_id: "U0BOB" });
    expect(webhookBody({ deliveryId: "whd_3", entry: entry("warroom"), incident }).actor).toEqual({ type: "warroom" });
  });
});
