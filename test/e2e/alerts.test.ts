// Alerts in, end to end: Alertmanager, Grafana and generic JSON posted to the real bot's endpoints, and what people
// then see in Slack: one incident per alert group, declared by its source, its war room told as alerts fire and
// resolve, re-fires reopening it, and every bad token or body refused with nothing stored.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alerts, alertSources, incidents, type Incident } from "../../src/db/schema.js";
import { tokenHash } from "../../src/http/bearer-tokens.js";
import { timelineOf } from "../../src/timeline/append.js";
import { addSourceThroughSlack, alertsSettled, fixture, postAlerts, tokenShownIn } from "../support/alerts.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { waitFor } from "../support/declare.js";
import { botLinesIn, cardOf, command, modalOpenedBy, reload, say } from "../support/war-room.js";

let h: TestBot;
let prometheus: string;
let grafana: string;

beforeAll(async () => {
  h = await startTestBot({ INCIDENT_ADMINS: "U_ALICE", PUBLIC_URL: "https://warroom.example.com" });
  // Carol is paged first for anything: the escalation policy's first level.
  const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "escalation policy" });
  const form = await modalOpenedBy(h, opened.triggerId);
  await h.driver.submitView({ viewId: form.id, userId: "U_ALICE", values: { name: "Default", is_default: ["default"], repeat: "0", level_1_users: ["U_CAROL"] } });
  prometheus = (await addSourceThroughSlack(h, "U_ALICE", { name: "Prometheus prod", kind: "alertmanager" })).token;
  grafana = (await addSourceThroughSlack(h, "U_ALICE", { name: "Grafana", kind: "grafana", autoResolve: true })).token;
});
afterAll(async () => {
  await h.close();
});

function general(): string {
  return h.fake.channelByName("general")!.id;
}
const team = () => h.fake.teamId;
const incidentsOfTeam = () => h.database.db.select().from(incidents).where(eq(incidents.teamId, team())).orderBy(incidents.number);
const alertCount = async () => (await h.database.db.select({ n: sql<number>`count(*)::int` }).from(alerts))[0]!.n;
const announcements = () => botLinesIn(h, h.fake.channelByName("incidents")!.id);
const lastIncident = async (): Promise<Incident> => (await incidentsOfTeam()).at(-1)!;

/** An Alertmanager notification for another group (its own groupKey and alert names), otherwise the fixture. */
function otherGroup(name: string, fingerprintPrefix: string) {
  const payload = fixture("alertmanager-firing");
  payload.groupKey = `{}/{severity="warning"}:{alertname="${name}"}`;
  payload.groupLabels = { alertname: name };
  payload.alerts = payload.alerts.slice(0, 1).map((a: any) => ({
    ...a,
    labels: { ...a.labels, alertname: name, severity: "warning", service: "search" },
    annotations: { summary: `${name} on search` },
    fingerprint: `${fingerprintPrefix}0000000000001`,
  }));
  return payload;
}

describe("alerts from Prometheus Alertmanager", () => {
  let checkout: Incident;

  it("opens one incident for a notification's group, declared by its source, paging whoever is on call", async () => {
    const answer = await postAlerts(h, "alertmanager", fixture("alertmanager-firing"), prometheus);
    expect(answer).toEqual({ status: 202, body: { accepted: 3, recorded: 3, repeated: 0 } });
    await alertsSettled(h);

    const all = await incidentsOfTeam();
    expect(all).toHaveLength(1);
    checkout = all[0]!;
    expect(checkout).toMatchObject({
      title: "Checkout 5xx rate above 5% on checkout-7f9c4",
      severity: "sev1",
      status: "investigating",
      affectedServices: ["checkout"],
      commanderId: "U_CAROL",
    });
    expect(checkout.description).toContain("6.2% of checkout requests failed");
    expect(checkout.description).toContain("Runbook: https://runbooks.example.com/checkout/error-rate");

    const card = cardOf(h, checkout).json;
    expect(card).toContain("3 alerts firing");
    expect(card).toContain("Declared by Alert source ‘Prometheus prod’");
    expect(h.fake.channel(checkout.channelId!)!.topic.value).toMatch(/^\[SEV1\] Checkout 5xx rate above 5% on checkout-7f9c4 \| Investigating \| IC: <@U_CAROL>$/);
    expect(JSON.stringify(announcements().at(-1)!.blocks)).toContain("Declared by Alert source ‘Prometheus prod’");
    expect(h.fake.dmsTo("U_CAROL").at(-1)!.text).toContain("You are paged");
    expect(h.fake.channel(checkout.channelId!)!.members).toContain("U_CAROL");

    const lines = botLinesIn(h, checkout.channelId!).filter((m) => m.text.includes("alert"));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.text).toContain("3 alerts fired");
    expect(JSON.stringify(lines[0]!.blocks)).toContain("<http://prometheus.example.com:9090/graph?g0.expr=");
    const timeline = await timelineOf(h.database.db, team(), checkout.id);
    expect(timeline[0]).toMatchObject({ type: "declared", actor: expect.stringMatching(/^alert_source:\d+:Prometheus prod$/) });
    expect(timeline.filter((e) => e.type === "alerts_fired")).toHaveLength(1);
  });

  it("changes nothing when the same notification is delivered again", async () => {
    const before = { alerts: await alertCount(), lines: botLinesIn(h, checkout.channelId!).length, timeline: (await timelineOf(h.database.db, team(), checkout.id)).length };
    const again = await Promise.all([postAlerts(h, "alertmanager", fixture("alertmanager-firing"), prometheus), postAlerts(h, "alertmanager", fixture("alertmanager-firing"), prometheus)]);
    for (const answer of again) expect(answer).toEqual({ status: 202, body: { accepted: 3, recorded: 0, repeated: 3 } });
    await alertsSettled(h);
    expect(await alertCount()).toBe(before.alerts);
    expect(await incidentsOfTeam()).toHaveLength(1);
    expect(botLinesIn(h, checkout.channelId!)).toHaveLength(before.lines);
    expect(await timelineOf(h.database.db, team(), checkout.id)).toHaveLength(before.timeline);
  });

  it("adds later alerts of the group to its open incident, told in one line", async () => {
    const payload = fixture("alertmanager-firing");
    payload.alerts.push({ ...payload.alerts[0], labels: { ...payload.alerts[0].labels, instance: "checkout-7f9c7:8080" }, fingerprint: "d9e8f7a6b5c4d3e2", startsAt: "2026-11-22T09:05:00Z" });
    const answer = await postAlerts(h, "alertmanager", payload, prometheus);
    expect(answer.body).toEqual({ accepted: 4, recorded: 1, repeated: 3 });
    await alertsSettled(h);
    expect(await incidentsOfTeam()).toHaveLength(1);
    const lines = botLinesIn(h, checkout.channelId!).filter((m) => m.text.includes("alert"));
    expect(lines.at(-1)!.text).toContain("1 alert fired");
    expect(JSON.stringify(lines.at(-1)!.blocks)).toContain("4 alerts firing");
    expect(cardOf(h, await reload(h, checkout)).json).toContain("4 alerts firing");
  });

  it("opens another incident for another group", async () => {
    await postAlerts(h, "alertmanager", otherGroup("SearchLatencyHigh", "aaa"), prometheus);
    await alertsSettled(h);
    const all = await incidentsOfTeam();
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ title: "SearchLatencyHigh on search", severity: "sev3", affectedServices: ["search"] });
  });

  it("says in the war room and on the card when its alerts resolve, and leaves resolving the incident to people", async () => {
    const payload = fixture("alertmanager-resolved");
    payload.alerts.push({ ...payload.alerts[0], labels: { ...payload.alerts[0].labels, instance: "checkout-7f9c7:8080" }, fingerprint: "d9e8f7a6b5c4d3e2", startsAt: "2026-11-22T09:05:00Z" });
    const first = { ...payload, alerts: payload.alerts.slice(0, 1) };
    await postAlerts(h, "alertmanager", first, prometheus);
    await alertsSettled(h);
    let line = botLinesIn(h, checkout.channelId!).at(-1)!;
    expect(line.text).toContain("1 alert resolved");
    expect(JSON.stringify(line.blocks)).toContain("1 of 4 alerts resolved, 3 still firing");

    await postAlerts(h, "alertmanager", payload, prometheus);
    await alertsSettled(h);
    line = botLinesIn(h, checkout.channelId!).at(-1)!;
    expect(line.text).toContain("3 alerts resolved");
    expect(JSON.stringify(line.blocks)).toContain("All 4 alerts resolved");
    const now = await reload(h, checkout);
    expect(cardOf(h, now).json).toContain("All 4 alerts resolved");
    expect(now.status).toBe("investigating");
  });

  it("reopens its incident when an alert fires again within the re-fire window", async () => {
    expect(await say(h, "U_ALICE", checkout.channelId!, "resolve Rolled back the release")).toContain("is resolved");
    const payload = fixture("alertmanager-firing");
    payload.alerts = [{ ...payload.alerts[0], startsAt: "2026-11-22T11:40:00Z" }];
    await postAlerts(h, "alertmanager", payload, prometheus);
    await alertsSettled(h);

    const reopened = await reload(h, checkout);
    expect(reopened.status).toBe("investigating");
    expect(await incidentsOfTeam()).toHaveLength(2);
    const lines = botLinesIn(h, checkout.channelId!).map((m) => m.text);
    expect(lines.some((t) => t.includes("Alert source ‘Prometheus prod’ reopened the incident"))).toBe(true);
    expect(lines.at(-1)).toContain("1 alert fired");
    expect(cardOf(h, reopened).json).toContain("4 of 5 alerts resolved, 1 still firing");
  });

  it("continues a closed incident in a new war room when its alert fires again", async () => {
    await say(h, "U_ALICE", checkout.channelId!, "resolve Fixed for good");
    await say(h, "U_ALICE", checkout.channelId!, "close");
    const closed = await reload(h, checkout);
    expect(closed.status).toBe("closed");
    const payload = fixture("alertmanager-firing");
    payload.alerts = [{ ...payload.alerts[1], startsAt: "2026-11-22T12:10:00Z" }];
    await postAlerts(h, "alertmanager", payload, prometheus);
    await alertsSettled(h);

    const continued = await reload(h, checkout);
    expect(continued.status).toBe("investigating");
    expect(continued.previousChannelIds).toEqual([closed.channelId]);
    expect(h.fake.channel(closed.channelId!)!.is_archived).toBe(true);
    expect(h.fake.channel(continued.channelId!)!.name).toMatch(new RegExp(`^inc-${checkout.number}-.*-2$`));
    expect(botLinesIn(h, continued.channelId!).some((m) => m.text.includes("1 alert fired"))).toBe(true);
    expect(await incidentsOfTeam()).toHaveLength(2);
  });
});

describe("alerts from Grafana", () => {
  it("opens an incident from a contact point's notification, and resolves it when its alert resolves (the source says so)", async () => {
    const answer = await postAlerts(h, "grafana", fixture("grafana-firing"), grafana);
    expect(answer).toEqual({ status: 202, body: { accepted: 1, recorded: 1, repeated: 0 } });
    await alertsSettled(h);
    const payments = await lastIncident();
    expect(payments).toMatchObject({ title: "Settlements queue backlog above 10,000 messages", severity: "sev3", affectedServices: ["payments"], status: "investigating" });
    expect(cardOf(h, payments).json).toContain("1 alert firing");

    await postAlerts(h, "grafana", fixture("grafana-resolved"), grafana);
    await alertsSettled(h);
    const resolved = await reload(h, payments);
    expect(resolved).toMatchObject({ status: "resolved", resolutionSummary: "All 1 alert from Grafana resolved." });
    const lines = botLinesIn(h, payments.channelId!).map((m) => m.text);
    expect(lines.some((t) => t.includes("Alert source ‘Grafana’ resolved the incident"))).toBe(true);
    expect(cardOf(h, resolved).json).toContain("The alert resolved");
    expect(JSON.stringify(announcements().at(-1)!.blocks)).toContain("By Alert source ‘Grafana’");
  });

  it("opens a new incident for an alert that fires again after the re-fire window", async () => {
    const { token } = await addSourceThroughSlack(h, "U_ALICE", { name: "Grafana staging", kind: "grafana", autoResolve: true, refireMinutes: 0 });
    await postAlerts(h, "grafana", fixture("grafana-firing"), token);
    await alertsSettled(h);
    const first = await lastIncident();
    await postAlerts(h, "grafana", fixture("grafana-resolved"), token);
    await alertsSettled(h);
    expect((await reload(h, first)).status).toBe("resolved");
    const again = fixture("grafana-firing");
    again.alerts[0].startsAt = "2026-11-22T11:30:00+01:00";
    await postAlerts(h, "grafana", again, token);
    await alertsSettled(h);
    const second = await lastIncident();
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe("investigating");
    expect((await reload(h, first)).status).toBe("resolved");
  });
});

describe("alerts as generic JSON", () => {
  it("takes an alert as curl sends it; a repeated firing changes nothing and a resolved one is told", async () => {
    const { token } = await addSourceThroughSlack(h, "U_ALICE", { name: "Cron jobs", kind: "generic", severityMap: "page=sev2" });
    const alert = { title: "Nightly billing export failed", severity: "page", service: "billing", fingerprint: "billing-export", description: "Exit code 3; see the job log." };
    expect(await postAlerts(h, "generic", alert, token)).toEqual({ status: 202, body: { accepted: 1, recorded: 1, repeated: 0 } });
    expect(await postAlerts(h, "generic", alert, token)).toEqual({ status: 202, body: { accepted: 1, recorded: 0, repeated: 1 } });
    await alertsSettled(h);
    const billing = await lastIncident();
    expect(billing).toMatchObject({ title: "Nightly billing export failed", severity: "sev2", affectedServices: ["billing"], description: "Exit code 3; see the job log." });
    expect(botLinesIn(h, billing.channelId!).filter((m) => m.text.includes("alert"))).toHaveLength(1);

    expect((await postAlerts(h, "generic", { ...alert, status: "resolved" }, token)).body.recorded).toBe(1);
    await alertsSettled(h);
    expect(JSON.stringify(botLinesIn(h, billing.channelId!).at(-1)!.blocks)).toContain("The alert resolved");
    expect((await reload(h, billing)).status).toBe("investigating");
  });
});

describe("refusals", () => {
  const counts = async () => ({ alerts: await alertCount(), incidents: (await incidentsOfTeam()).length });

  it("refuses a missing or wrong token with 401, and another kind's token with 403, storing nothing", async () => {
    const before = await counts();
    const body = fixture("alertmanager-firing");
    body.groupKey = "{}:{alertname=\"Refused\"}";
    for (const token of [null, "wra_not-a-real-token-at-all-000000000", `${prometheus}x`]) {
      const answer = await postAlerts(h, "alertmanager", body, token);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe("unauthorized");
    }
    const basic = await postAlerts(h, "alertmanager", body, null, { authorization: `Basic ${Buffer.from(`user:${prometheus}`).toString("base64")}` });
    expect(basic.status).toBe(401);
    const wrongDoor = await postAlerts(h, "alertmanager", body, grafana);
    expect(wrongDoor.status).toBe(403);
    expect(wrongDoor.body.error.message).toContain("/alerts/grafana");
    await alertsSettled(h);
    expect(await counts()).toEqual(before);
  });

  it("refuses bad bodies with a 400 naming the field, and a body over 1 MB with 413, storing nothing", async () => {
    const before = await counts();
    const am = (change: (p: any) => void) => {
      const p = fixture("alertmanager-firing");
      p.groupKey = "{}:{alertname=\"NeverStored\"}";
      change(p);
      return p;
    };
    const cases: Array<[string, unknown, string | undefined]> = [
      ["alertmanager", "{not json", undefined],
      ["alertmanager", am((p) => (p.version = "3")), "version"],
      ["alertmanager", am((p) => delete p.alerts[1].startsAt), "alerts[1].startsAt"],
      ["alertmanager", am((p) => (p.alerts[0].startsAt = "yesterday")), "alerts[0].startsAt"],
      ["alertmanager", am((p) => (p.alerts[2].labels.severity = 1)), "alerts[2].labels.severity"],
      ["alertmanager", am((p) => (p.alerts = [])), "alerts"],
      ["grafana", { ...fixture("grafana-firing"), orgId: "one" }, "orgId"],
      ["grafana", (() => { const g = fixture("grafana-firing"); delete g.alerts[0].fingerprint; return g; })(), "alerts[0].fingerprint"],
      ["generic", { severity: "critical" }, "title"],
      ["generic", { title: "x", status: "sleeping" }, "status"],
      ["generic", { title: "x", source_url: "not a url" }, "source_url"],
    ];
    const tokens: Record<string, string> = { alertmanager: prometheus, grafana };
    const generic = (await addSourceThroughSlack(h, "U_ALICE", { name: "Refusal checks", kind: "generic" })).token;
    for (const [kind, body, field] of cases) {
      const answer = await postAlerts(h, kind, body, tokens[kind] ?? generic);
      expect(answer.status, `${kind} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      if (field) expect(answer.body.error).toMatchObject({ code: "invalid_body", field });
      else expect(answer.body.error.code).toBe("invalid_json");
    }
    const huge = am((p) => (p.alerts[0].annotations.description = "x".repeat(1024 * 1024)));
    const tooLarge = await postAlerts(h, "alertmanager", huge, prometheus);
    expect(tooLarge.status).toBe(413);
    await alertsSettled(h);
    expect(await counts()).toEqual(before);
  });

  it("stores text PostgreSQL would refuse once it is made storable", async () => {
    const body = otherGroup("Nul\u0000Byte", "bbb");
    body.alerts[0].annotations.description = "a\u0000b \ud800 c";
    expect((await postAlerts(h, "alertmanager", body, prometheus)).status).toBe(202);
    await alertsSettled(h);
    const [row] = await h.database.db.select().from(alerts).where(eq(alerts.fingerprint, "bbb0000000000001"));
    expect(row!.annotations.description).toBe("ab \ufffd c");
  });
});

describe("/incident alerts", () => {
  it("lists every source with its webhook URL and last alert, and offers admins Add and Rotate", async () => {
    const answer = await command(h, "U_ALICE", general(), "alerts");
    const shown = JSON.stringify(answer.body.blocks);
    expect(shown).toContain("*Prometheus prod* · Prometheus Alertmanager · last alert");
    expect(shown).toContain("`https://warroom.example.com/alerts/alertmanager`");
    expect(shown).toContain("`https://warroom.example.com/alerts/grafana`");
    expect(shown).toContain("people resolve its incidents");
    expect(shown).toContain("resolves its incidents when all their alerts resolve");
    expect(shown).toContain('"action_id":"alert_source_rotate"');
    expect(shown).toContain('"action_id":"alert_source_add"');
    expect(shown).not.toContain(prometheus);

    const bob = JSON.stringify((await command(h, "U_BOB", general(), "alerts")).body);
    expect(bob).toContain("Prometheus prod");
    expect(bob).not.toContain("alert_source_rotate");
    expect(await say(h, "U_BOB", general(), "alerts add")).toContain("only incident admins");
    expect(await say(h, "U_BOB", general(), "alerts rotate Prometheus prod")).toContain("only incident admins");
  });

  it("rotates a token from the list: the new one is shown once, the old one stops working at once", async () => {
    await command(h, "U_ALICE", general(), "alerts");
    const listed = h.fake.ephemeralsFor("U_ALICE").at(-1)!;
    const [source] = await h.database.db.select().from(alertSources).where(and(eq(alertSources.teamId, team()), eq(alertSources.name, "Prometheus prod")));
    const click = await h.driver.clickInEphemeral({ userId: "U_ALICE", ephemeral: listed, actionId: "alert_source_rotate", value: String(source!.id) });
    const form = await waitFor(() => h.fake.views.find((v) => v.triggerId === click.triggerId && !v.closed));
    expect(JSON.stringify(form.view)).toContain("The current token stops working at once");
    await h.driver.submitView({ viewId: form.id, userId: "U_ALICE" });
    const { token, shown } = tokenShownIn(h, form.id);
    expect(token).not.toBe(prometheus);
    expect(shown).toContain("it is not shown again");
    expect(shown).toContain("credentials: wra_");

    const stored = await h.database.db.select().from(alertSources);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await postAlerts(h, "alertmanager", otherGroup("AfterRotation", "ccc"), prometheus)).status).toBe(401);
    expect((await postAlerts(h, "alertmanager", otherGroup("AfterRotation", "ccc"), token)).status).toBe(202);
    prometheus = token;
    await alertsSettled(h);
  });

  it("refuses a token another replica rotated at its next alert, though this bot had it open a moment ago", async () => {
    expect((await postAlerts(h, "alertmanager", otherGroup("BeforeElsewhere", "ddd"), prometheus)).status).toBe(202);
    await alertsSettled(h);
    const [source] = await h.database.db.select().from(alertSources).where(and(eq(alertSources.teamId, team()), eq(alertSources.name, "Prometheus prod")));
    // What a rotation on another replica leaves in the shared database: this process was not told.
    await h.database.db.update(alertSources).set({ tokenHash: tokenHash("wra_rotated-on-another-replica") }).where(eq(alertSources.id, source!.id));
    try {
      const before = await alertCount();
      const one = await postAlerts(h, "alertmanager", otherGroup("AfterElsewhere", "eee"), prometheus);
      expect(one.status).toBe(401);
      const several = await postAlerts(h, "alertmanager", fixture("alertmanager-firing"), prometheus);
      expect(several.status).toBe(401);
      expect(await alertCount()).toBe(before);
    } finally {
      await h.database.db.update(alertSources).set({ tokenHash: source!.tokenHash }).where(eq(alertSources.id, source!.id));
    }
  });

  it("refuses a name already taken, and an unreadable severity mapping, beside the field", async () => {
    const opened = await h.driver.slashCommand({ userId: "U_ALICE", channelId: general(), text: "alerts add" });
    const view = await modalOpenedBy(h, opened.triggerId);
    const taken = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { name: "prometheus PROD", kind: "generic", refire_minutes: "60", default_severity: "sev3" } });
    expect(taken.body.errors.name).toContain("already a source called");
    const mapping = await h.driver.submitView({ viewId: view.id, userId: "U_ALICE", values: { name: "New one", kind: "generic", refire_minutes: "60", default_severity: "sev3", severity_map: "critical->1" } });
    expect(mapping.body.errors.severity_map).toContain("is not label=severity");
  });
});
