// Which incident a request is about: the one whose war room it came from, or the one it names: #12, or its war
// room as a channel reference (#inc-12-checkout). Slack sends a #reference escaped (<#C123|inc-12-checkout>) when
// the command escapes channels and a channel of that name exists, which includes a channel someone named "12".
import type { Incident } from "../../db/schema.js";
import { incidentByAnyChannel, incidentByChannel, incidentByChannelName, incidentById, incidentByNumber } from "../../incidents/queries.js";
import type { ListenerDeps } from "./deps.js";
import { idFromValue } from "./forms.js";

type IncidentLookup = { ok: true; incident: Incident; rest: string } | { ok: false; reason: string };

/** `#12`, or `<#C…|12>` when a channel is named 12. */
const numberPattern = /^(?:#(\d{1,9})\b|<#[CG][A-Z0-9]+\|(\d{1,9})>)\s*/;
/** `<#C123>` or `<#C123|inc-12-checkout>`: a channel Slack linked. */
const linkedChannelPattern = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>(?=\s|$)\s*/;
/** `#inc-12-checkout` as typed, when Slack did not link it. */
const typedChannelPattern = /^#([a-z0-9_-]{1,80})(?=\s|$)\s*/;

/** `#12 monitoring Fixed` → incident 12 and "monitoring Fixed"; without a reference, the incident of the channel. */
export async function incidentFor(deps: ListenerDeps, teamId: string, channelId: string | undefined, args: string, usage: string): Promise<IncidentLookup> {
  const text = args.trim();
  const named = numberPattern.exec(text);
  if (named) {
    const number = named[1] ?? named[2]!;
    const incident = await incidentByNumber(deps.db, teamId, Number(number));
    if (!incident) return { ok: false, reason: `There is no incident #${number} in this workspace. \`/incident list all\` shows them all.` };
    return { ok: true, incident, rest: text.slice(named[0].length) };
  }
  // A channel reference names the incident only when it is a war room: a note may well start with #deploys.
  const linked = linkedChannelPattern.exec(text);
  const typed = linked ? undefined : typedChannelPattern.exec(text);
  const reference = linked ?? typed;
  if (reference) {
    const incident = linked ? await incidentByAnyChannel(deps.db, teamId, linked[1]!) : await incidentByChannelName(deps.db, teamId, typed![1]!);
    if (incident) return { ok: true, incident, rest: text.slice(reference[0].length) };
  }
  const incident = channelId ? await incidentByChannel(deps.db, teamId, channelId) : undefined;
  if (!incident) {
    return { ok: false, reason: `This channel is not an incident's war room. Name the incident with its number: \`${usage}\`.` };
  }
  return { ok: true, incident, rest: text };
}

/** The incident a button or modal carries in its value / private_metadata. */
export async function incidentFromValue(deps: ListenerDeps, teamId: string, value: string | number | undefined): Promise<Incident | undefined> {
  const id = typeof value === "number" ? value : idFromValue(value);
  return id ? incidentById(deps.db, teamId, id) : undefined;
}
