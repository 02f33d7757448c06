// The alert formats read as their senders document them (fixtures written from Alertmanager's and Grafana's docs),
// and a source's severity mapping.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { alertmanagerPayloadSchema, fromAlertmanager, fromGeneric, fromGrafana, genericAlertSchema, grafanaPayloadSchema } from "../../src/alerts/formats.js";
import { parseSeverityMap, severityOfAlert } from "../../src/alerts/sources.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}.json`, import.meta.url), "utf8")) as { alerts: unknown[] };

describe("Alertmanager's webhook payload (version 4)", () => {
  it("reads each alert with its fingerprint, times and the notification's group", () => {
    const raw = fixture("alertmanager-firing");
    const alerts = fromAlertmanager(alertmanagerPayloadSchema.parse(raw), raw);
    expect(alerts).toHaveLength(3);
    expect(alerts[0]).toMatchObject({
      fingerprint: "3f1c0b9a7d2e4c61",
      status: "firing",
      startsAt: new Date("2026-11-22T09:02:15.418Z"),
      endsAt: null,
      groupKey: '{}/{severity="critical"}:{alertname="CheckoutErrorRate", service="checkout"}',
      generatorUrl: expect.stringContaining("http://prometheus.example.com:9090/graph"),
    });
    expect(alerts[0]!.raw).toMatchObject({ notification: { receiver: "warroom", externalURL: "http://alertmanager.example.com:9093" }, alert: raw.alerts[0] });
    const resolvedRaw = fixture("alertmanager-resolved");
    const resolved = fromAlertmanager(alertmanagerPayloadSchema.parse(resolvedRaw), resolvedRaw);
    expect(resolved[2]).toMatchObject({ status: "resolved", endsAt: new Date("2026-11-22T09:32:00.730Z"), startsAt: alerts[2]!.startsAt });
  });

  it("fingerprints an alert from an Alertmanager too old to send one, from its labels", () => {
    const raw = fixture("alertmanager-firing") as { alerts: Array<Record<string, unknown>> };
    for (const a of raw.alerts) delete a.fingerprint;
    const alerts = fromAlertmanager(alertmanagerPayloadSchema.parse(raw), raw);
    expect(alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(alerts.map((a) => a.fingerprint)).size).toBe(3);
  });
});

describe("Grafana's webhook contact point", () => {
  it("groups by the policy's group labels, and by service when there are none", () => {
    const raw = fixture("grafana-firing") as { alerts: unknown[]; groupLabels: Record<string, string> };
    const [alert] = fromGrafana(grafanaPayloadSchema.parse(raw), raw);
    expect(alert).toMatchObject({ fingerprint: "5d1f0a37c2be9e84", groupKey: '{alertname="Payments queue backlog", grafana_folder="Payments"}', startsAt: new Date("2026-11-22T09:14:00Z") });
    raw.groupLabels = {};
    expect(fromGrafana(grafanaPayloadSchema.parse(raw), raw)[0]!.groupKey).toBe("service:payments");
  });
});

describe("generic JSON", () => {
  it("turns its fields into the labels and annotations the other formats carry", () => {
    const body = { title: "Disk full on db-1", severity: "critical", service: "postgres", labels: { host: "db-1" }, source_url: "https://grafana.example.com/d/disk" };
    const alert = fromGeneric(genericAlertSchema.parse(body), body);
    expect(alert).toMatchObject({
      status: "firing",
      labels: { host: "db-1", severity: "critical", service: "postgres" },
      annotations: { summary: "Disk full on db-1" },
      groupKey: "service:postgres",
      generatorUrl: "https://grafana.example.com/d/disk",
    });
    expect(alert.startsAt).toBeUndefined();
    expect(fromGeneric(genericAlertSchema.parse(body), body).fingerprint).toBe(alert.fingerprint);
  });
});

describe("severity mapping", () => {
  const source = { severityMap: {}, defaultSeverity: "sev3" as const };

  it("maps critical, error/high, warning and info, and sevN, ignoring case; anything else is the source's default", () => {
    expect(["critical", "ERROR", "high", "warning", "info", "sev2", "P1", ""].map((severity) => severityOfAlert({ severity }, source))).toEqual([
      "sev1",
      "sev2",
      "sev2",
      "sev3",
      "sev4",
      "sev2",
      "sev3",
      "sev3",
    ]);
  });

  it("lets a source map labels of its own, before the built-in ones", () => {
    const parsed = parseSeverityMap("page=sev1, warning=4\nticket:sev4");
    expect(parsed).toEqual({ ok: true, map: { page: "sev1", warning: "sev4", ticket: "sev4" } });
    const mapped = { severityMap: parsed.ok ? parsed.map : {}, defaultSeverity: "sev2" as const };
    expect(severityOfAlert({ severity: "Page" }, mapped)).toBe("sev1");
    expect(severityOfAlert({ severity: "warning" }, mapped)).toBe("sev4");
    expect(severityOfAlert({}, mapped)).toBe("sev2");
    expect(parseSeverityMap("critical->1")).toMatchObject({ ok: false });
  });
});
