// The comms templates: the picker (/incident comms), the executive summary and the customer-facing update, each
// prefilled from the incident as it is now and its last internal update. The internal update is updateModal.
import type { KnownBlock, View } from "@slack/types";
import type { Incident } from "../../db/schema.js";
import { ETA_MAX, EXEC_FIELD_MAX } from "../../incidents/comms.js";
import { humanDuration, isOpen, severityLabel, statusLabels } from "../../incidents/lifecycle.js";
import { publicStateLabels, publicStates, PUBLIC_TEXT_MAX, PUBLIC_TITLE_MAX, type PublicState } from "../../status-page/page.js";
import type { SlackMessage } from "../gateway.js";
import { CommsActions, CustomerBlocks, ExecBlocks, Views } from "../ids.js";
import { incidentHeadline } from "./incident-card.js";
import { actions, button, context, fallback, input, plainText as plain, section } from "./kit.js";
import { escaped, mentionChannel, mentionUser } from "./text.js";

/** The last internal update's words, to start from. */
export interface LastUpdate {
  impact: string;
  currentAction: string;
  nextUpdate: string | null;
}

interface CommsModalContext {
  incident: Incident;
  privateMetadata: string;
  lastUpdate?: LastUpdate;
  now: Date;
}

const SERVICES_INPUT_MAX = 1000;

function modal(callbackId: string, title: string, submit: string, privateMetadata: string, blocks: KnownBlock[]): View {
  return { type: "modal", callback_id: callbackId, private_metadata: privateMetadata, title: plain(title, 24), submit: plain(submit, 24), close: plain("Cancel", 24), blocks };
}

/** Where the incident stands, for the top of each template: the facts to write from. */
function whereItStands(incident: Incident, now: Date): KnownBlock {
  const open = isOpen(incident.status) ? `open for ${humanDuration(now.getTime() - incident.declaredAt.getTime())}` : statusLabels[incident.status].toLowerCase();
  return context(`${incidentHeadline(incident)} · ${severityLabel(incident.severity)} · ${statusLabels[incident.status]} · ${open} · commander ${mentionUser(incident.commanderId)}`) as KnownBlock;
}

/** The three audiences, as buttons: the answer to `/incident comms`. */
export function commsPicker(incident: Incident): SlackMessage {
  const id = String(incident.id);
  return {
    text: fallback(`Comms for incident #${incident.number}: choose the audience.`),
    blocks: [
      section(`*Comms for #${incident.number}*: who is this for?`),
      actions([
        button("Internal update", CommsActions.internal, id),
        button("Executive summary", CommsActions.executive, id),
        button("Customers (status page)", CommsActions.customer, id, "primary"),
      ]),
      context("Internal: the war room (and the announcement channel if you tick it). Executive: impact in business terms, ETA and asks. Customers: plain words on the public status page, never internal detail."),
    ],
  };
}

/** Where the executive summary goes: EXEC_CHANNEL, or (unset) the announcement channel, said plainly. */
export interface ExecDestination {
  channel: string;
  configured: boolean;
}

export function execSummaryModal({ incident, privateMetadata, lastUpdate, now, destination }: CommsModalContext & { destination: ExecDestination }): View {
  // Configured as a name (without its #) or as a channel ID.
  const channel = /^[CG][A-Z0-9]{6,}$/.test(destination.channel) ? mentionChannel(destination.channel) : `#${destination.channel}`;
  const where = destination.configured
    ? `Goes to ${channel}.`
    : `No executive channel is set up (EXEC_CHANNEL), so this goes to the announcement channel, ${channel}.`;
  return modal(Views.execSummary, "Executive summary", "Send", privateMetadata, [
    whereItStands(incident, now),
    input(
      ExecBlocks.impact,
      "Business impact",
      { type: "plain_text_input", multiline: true, max_length: EXEC_FIELD_MAX, placeholder: plain("Customers, revenue, deadlines affected", 150), ...initial(lastUpdate?.impact, EXEC_FIELD_MAX) },
      { hint: plain("In business terms: who cannot do what, and what it costs.") },
    ) as KnownBlock,
    input(ExecBlocks.eta, "ETA", { type: "plain_text_input", max_length: ETA_MAX, placeholder: plain("e.g. fix expected by 15:00 UTC, or unknown", 150), ...initial(lastUpdate?.nextUpdate ?? undefined, ETA_MAX) }, { optional: true }) as KnownBlock,
    input(ExecBlocks.asks, "Asks", { type: "plain_text_input", multiline: true, max_length: EXEC_FIELD_MAX, placeholder: plain("Decisions or help needed from leadership, or none", 150) }, { optional: true }) as KnownBlock,
    context(where) as KnownBlock,
  ]);
}

/** What the page says about the incident now, when it is already public. */
export interface PublicFace {
  title: string;
  state: PublicState;
  services: string[];
}

/** The state to start from: the incident's own while it is open, "resolved" (the all-clear) once it is not. */
export const suggestedState = (incident: Incident): PublicState => (isOpen(incident.status) ? (incident.status as PublicState) : "resolved");

const templates: Record<PublicState, string> = {
  investigating: "We are investigating reports of problems. We will post an update as soon as we know more.",
  identified: "We have identified the cause of the problem and are working on a fix.",
  monitoring: "A fix has been put in place and we are monitoring the results.",
  resolved: "This incident has been resolved. Thank you for your patience.",
};

export function customerUpdateModal({ incident, privateMetadata, now, face }: CommsModalContext & { face?: PublicFace }): View {
  const state = suggestedState(incident);
  const option = (s: PublicState) => ({ text: plain(publicStateLabels[s], 75), value: s });
  const services = face?.services ?? incident.affectedServices;
  return modal(Views.customerUpdate, "Customer update", "Publish", privateMetadata, [
    whereItStands(incident, now),
    section(
      face
        ? `:globe_with_meridians: This incident is on the public status page as *${escaped(face.title, 300)}* (${publicStateLabels[face.state]}). What you publish here is shown to everyone.`
        : ":globe_with_meridians: Publishing puts this incident on the *public status page*. Write for customers: plain words, no internal names, hosts or people.",
    ) as KnownBlock,
    input(CustomerBlocks.title, "Public title", { type: "plain_text_input", max_length: PUBLIC_TITLE_MAX, ...initial(face?.title ?? "", PUBLIC_TITLE_MAX), placeholder: plain("e.g. Checkout errors for some customers", 150) }) as KnownBlock,
    input(CustomerBlocks.state, "State", { type: "static_select", options: publicStates.map(option), initial_option: option(state) }) as KnownBlock,
    input(CustomerBlocks.text, "Message to customers", { type: "plain_text_input", multiline: true, max_length: PUBLIC_TEXT_MAX, ...initial(templates[state], PUBLIC_TEXT_MAX) }) as KnownBlock,
    input(
      CustomerBlocks.services,
      "Affected services",
      { type: "plain_text_input", max_length: SERVICES_INPUT_MAX, ...initial(services.join(", "), SERVICES_INPUT_MAX), placeholder: plain("Comma-separated, as customers know them", 150) },
      { optional: true },
    ) as KnownBlock,
  ]);
}

const initial = (value: string | undefined, max: number) => (value ? { initial_value: value.slice(0, max) } : {});

/** The executive summary, as the exec channel reads it. */
export function executiveMessage(incident: Incident, actor: string, d: { impact: string; eta: string; asks: string }): SlackMessage {
  const lines = [`*Business impact:* ${escaped(d.impact, 1400)}`, `*ETA:* ${d.eta ? escaped(d.eta, 300) : "not known yet"}`, `*Asks:* ${d.asks ? escaped(d.asks, 1000) : "none"}`];
  return {
    text: fallback(`Executive summary of incident #${incident.number}: ${escaped(d.impact, 200)}`),
    blocks: [
      section(`:briefcase: *Executive summary* · ${severityLabel(incident.severity)} · ${statusLabels[incident.status]}\n${incidentHeadline(incident)}`),
      section(lines.join("\n")),
      context(`From ${mentionUser(actor)}${incident.channelId ? ` · ${mentionChannel(incident.channelId)}` : ""}`),
    ],
  };
}
