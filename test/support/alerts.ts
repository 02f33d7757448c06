// Alert senders for the tests: payloads from the fixtures (written from Alertmanager's and Grafana's documented
// formats), posted to the real bot's endpoints as a sender would, and alert sources added through Slack.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { TestBot } from "./bot.js";
import { modalOpenedBy } from "./war-room.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}.json`, import.meta.url), "utf8")) as Json;

export interface Posted {
  status: number;
  body: Json;
}

/** POSTs a body to /alerts/<kind> with the token (as `Authorization: Bearer`), as Alertmanager, Grafana or curl would. */
export async function postAlerts(h: TestBot, kind: "alertmanager" | "grafana" | "generic" | string, body: unknown, token: string | null, headers: Record<string, string> = {}): Promise<Posted> {
  const response = await fetch(`http://127.0.0.1:${h.bot.port}/alerts/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Alertmanager/0.28.1", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Waits until every recorded alert is turned into incidents and everything that caused reached Slack. */
export async function alertsSettled(h: TestBot, timeoutMs = 20_000): Promise<void> {
  await h.bot.alerts.waitUntilIdle(timeoutMs);
  await h.bot.outbox.waitUntilIdle(timeoutMs);
}

export interface SourceForm {
  name: string;
  kind?: "alertmanager" | "grafana" | "generic";
  autoResolve?: boolean;
  refireMinutes?: number;
  defaultSeverity?: string;
  severityMap?: string;
}

/** `/incident alerts add`, filled in and submitted; returns the token the form shows once. */
export async function addSourceThroughSlack(h: TestBot, userId: string, form: SourceForm): Promise<{ token: string; shown: string }> {
  const channel = h.fake.channelByName("general")!.id;
  const opened = await h.driver.slashCommand({ userId, channelId: channel, text: "alerts add" });
  const view = await modalOpenedBy(h, opened.triggerId);
  const answer = await h.driver.submitView({
    viewId: view.id,
    userId,
    values: {
      name: form.name,
      kind: form.kind ?? "alertmanager",
      auto_resolve: form.autoResolve ? ["auto_resolve"] : [],
      refire_minutes: String(form.refireMinutes ?? 60),
      default_severity: form.defaultSeverity ?? "sev3",
      ...(form.severityMap ? { severity_map: form.severityMap } : {}),
    },
  });
  expect(answer.body).toMatchObject({ response_action: "update" });
  return tokenShownIn(h, view.id);
}

/** The token a form showed once it was submitted (the view it turned into). */
export function tokenShownIn(h: TestBot, viewId: string): { token: string; shown: string } {
  const shown = JSON.stringify(h.fake.view(viewId)!.view);
  const token = /```(wra_[A-Za-z0-9_-]+)```/.exec(shown)?.[1];
  if (!token) throw new Error(`no token in the view: ${shown.slice(0, 500)}`);
  return { token, shown };
}
