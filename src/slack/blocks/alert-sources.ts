// Alert sources in Slack: the list (/incident alerts) with each source's webhook URL and last alert, the forms
// that add a source or rotate its token, and the one view that shows a new token (it is never shown again).
import type { View } from "@slack/types";
import { alertSourceKindLabels, alertSourceKinds, type AlertSourceKind } from "../../alerts/vocabulary.js";
import type { AlertSource } from "../../db/schema.js";
import { humanDuration, severities, severityDefinitions, severityLabel, type Severity } from "../../incidents/lifecycle.js";
import type { SlackMessage } from "../gateway.js";
import { AlertSourceActions, AlertSourceBlocks, AUTO_RESOLVE_OPTION, Views } from "../ids.js";
import { actions, button, context, input, plainText, section } from "./kit.js";
import { modal } from "./modal.js";
import { escaped } from "./text.js";

const paths: Record<Exclude<AlertSourceKind, "any">, string> = {
  alertmanager: "/alerts/alertmanager",
  grafana: "/alerts/grafana",
  generic: "/alerts/generic",
};

/** Where a sender posts: the public URL when PUBLIC_URL says it, else the path on the bot's address. */
export function webhookUrls(kind: AlertSourceKind, publicUrl: string | undefined): string[] {
  const kinds = kind === "any" ? alertSourceKinds : [kind];
  return kinds.map((k) => `${publicUrl ?? "https://<this bot's address>"}${paths[k]}`);
}

type Listed = AlertSource & { lastAlertAt: Date | null };

export function alertSourceList(sources: Listed[], opts: { publicUrl?: string; canManage: boolean; now: Date }): SlackMessage {
  const addButton = opts.canManage ? [actions([button("Add a source", AlertSourceActions.add, "add", "primary")])] : [];
  if (sources.length === 0) {
    return {
      text: "No alert sources yet.",
      blocks: [
        section(`:bell: *No alert sources yet.* ${opts.canManage ? "Add one to get a webhook URL and token for Alertmanager, Grafana or your own scripts (`/incident alerts add`)." : "An incident admin can add one with `/incident alerts add`."}`),
        ...addButton,
      ],
    };
  }
  const blocks: unknown[] = [section(":bell: *Alert sources*")];
  for (const source of sources.slice(0, 20)) {
    const last = source.lastAlertAt ? `last alert ${humanDuration(opts.now.getTime() - source.lastAlertAt.getTime())} ago` : "no alert yet";
    const token = source.tokenHash ? `token ${escaped(source.tokenHint ?? "", 10)}` : "_no token: nothing is accepted_";
    const rules = [
      source.autoResolve ? "resolves its incidents when all their alerts resolve" : "people resolve its incidents",
      `re-fire within ${source.refireMinutes} min reopens`,
      `unlabelled alerts ${severityLabel(source.defaultSeverity)}`,
    ].join(" · ");
    const text = [
      `*${escaped(source.name, 80)}* · ${alertSourceKindLabels[source.kind]} · ${last}`,
      webhookUrls(source.kind, opts.publicUrl).map((u) => `\`${escaped(u, 300)}\``).join("\n"),
      `${token} · ${rules}`,
    ].join("\n");
    const rotate = opts.canManage && !source.fromEnv ? { accessory: button("Rotate token", AlertSourceActions.rotate, String(source.id)) } : {};
    blocks.push({ ...section(text), ...rotate });
  }
  if (sources.length > 20) blocks.push(context(`…and ${sources.length - 20} more.`));
  if (!opts.publicUrl) blocks.push(context("Set PUBLIC_URL to show the full webhook URLs."));
  blocks.push(...addButton);
  return { text: `${sources.length} alert source${sources.length === 1 ? "" : "s"}`, blocks };
}

const plain = (text: string) => plainText(text, 150);
const option = (value: string, label: string) => ({ text: plain(label), value });
const severityOption = (s: Severity) => option(s, `${severityLabel(s)}: ${severityDefinitions[s].definition}`);

export function addAlertSourceModal(): View {
  const kinds = alertSourceKinds.map((k) => option(k, alertSourceKindLabels[k]));
  return modal({
    callbackId: Views.addAlertSource,
    title: "Add an alert source",
    submit: "Add",
    blocks: [
      input(AlertSourceBlocks.name, "Name", { type: "plain_text_input", max_length: 80, placeholder: plain("Prometheus prod") }),
      input(AlertSourceBlocks.kind, "Sends", { type: "static_select", options: kinds, initial_option: kinds[0] }),
      input(
        AlertSourceBlocks.autoResolve,
        "When all of an incident's alerts resolve",
        { type: "checkboxes", options: [option(AUTO_RESOLVE_OPTION, "Resolve the incident")] },
        { optional: true, hint: plain("Otherwise the war room is told and people resolve it.") },
      ),
      input(
        AlertSourceBlocks.refire,
        "Re-fire window (minutes)",
        { type: "number_input", is_decimal_allowed: false, min_value: "0", max_value: "10080", initial_value: "60" },
        { hint: plain("An alert that fires again this soon after its incident was resolved reopens it.") },
      ),
      input(AlertSourceBlocks.defaultSeverity, "Severity of alerts without a known severity label", {
        type: "static_select",
        options: severities.map(severityOption),
        initial_option: severityOption("sev3"),
      }),
      input(
        AlertSourceBlocks.severityMap,
        "Severity labels of your own",
        { type: "plain_text_input", max_length: 500, placeholder: plain("page=sev1, ticket=sev4") },
        { optional: true, hint: plain("Built in: critical=SEV1, error and high=SEV2, warning=SEV3, info=SEV4, and sev1–sev4.") },
      ),
    ],
  });
}

export function rotateTokenModal(source: AlertSource): View {
  return modal({
    callbackId: Views.rotateAlertToken,
    title: "Rotate token",
    submit: "Rotate",
    privateMetadata: { sourceId: source.id },
    blocks: [
      section(
        `Rotate the token of *${escaped(source.name, 80)}* (${escaped(source.tokenHint ?? "no token", 10)})?\nThe current token stops working at once; the new one is shown once, here.`,
      ),
    ],
  });
}

/** How to point the sender at us, with the token in it: the only place the token is ever shown. */
function setupSnippet(source: AlertSource, token: string, publicUrl: string | undefined): string {
  const [url] = webhookUrls(source.kind === "any" ? "generic" : source.kind, publicUrl);
  switch (source.kind) {
    case "alertmanager":
      return `In alertmanager.yml:\n\`\`\`receivers:\n  - name: warroom\n    webhook_configs:\n      - url: ${url}\n        send_resolved: true\n        http_config:\n          authorization:\n            type: Bearer\n            credentials: ${token}\`\`\``;
    case "grafana":
      return `In Grafana: Alerting → Contact points → Add contact point → Webhook. URL \`${url}\`, HTTP method POST; under Optional Webhook settings, Authorization Header - Scheme \`Bearer\`, Credentials: the token.`;
    default:
      return `\`\`\`curl -X POST ${url} \\\n  -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\\n  -d '{"title": "Checkout 5xx above 5%", "severity": "critical", "service": "checkout"}'\`\`\``;
  }
}

export function tokenIssuedView(source: AlertSource, token: string, publicUrl: string | undefined, rotated: boolean): View {
  return modal({
    callbackId: Views.alertTokenIssued,
    title: rotated ? "New token" : "Source added",
    close: "Done",
    blocks: [
      section(`${rotated ? ":arrows_counterclockwise: New token" : ":white_check_mark: Added"} for *${escaped(source.name, 80)}*. Copy the token now: *it is not shown again*.`),
      section(`\`\`\`${token}\`\`\``),
      section(setupSnippet(source, token, publicUrl)),
      context(`Send it as \`Authorization: Bearer <token>\`. Lost it? Rotate it from \`/incident alerts\`.`),
    ],
  });
}

/** A form's answer when there is no field to show it beside. */
export function alertFormAnswer(text: string): View {
  return modal({ callbackId: Views.alertTokenIssued, title: "Alert sources", close: "Close", blocks: [section(text)] });
}
