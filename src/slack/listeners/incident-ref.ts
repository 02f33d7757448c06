// Which incident a request is about: the one whose war room it came from, or the one named with #N.
import type { Incident } from "../../db/schema.js";
import { incidentByChannel, incidentById, incidentByNumber } from "../../incidents/queries.js";
import type { ListenerDeps } from "./deps.js";
import { idFromValue } from "./forms.js";

export type IncidentLookup = { ok: true; incident: Incident; rest: string } | { ok: false; reason: string };

const numberPattern = /^#(\d{1,9})\b\s*/;

/** `#12 monitoring Fixed` → incident 12 and "monitoring Fixed"; without #N, the incident of the channel. */
export async function incidentFor(deps: ListenerDeps, teamId: string, channelId: string | undefined, args: string, usage: string): Promise<IncidentLookup> {
  const named = numberPattern.exec(args.trim());
  if (named) {
    const incident = await incidentByNumber(deps.db, teamId, Number(named[1]));
    if (!incident) return { ok: false, reason: `There is no incident #${named[1]} in this workspace. \`/incident list all\` shows them all.` };
    return { ok: true, incident, rest: args.trim().slice(named[0].length) };
  }
  const incident = channelId ? await incidentByChannel(deps.db, teamId, channelId) : undefined;
  if (!incident) {
    return { ok: false, reason: `This channel is not an incident's war room. Name the incident with its number: \`${usage}\`.` };
  }
  return { ok: true, incident, rest: args.trim() };
}

/** The incident a button or modal carries in its value / private_metadata. */
export async function incidentFromValue(deps: ListenerDeps, teamId: string, value: string | number | undefined): Promise<Incident | undefined> {
  const id = typeof value === "number" ? value : idFromValue(value);
  return id ? incidentById(deps.db, teamId, id) : undefined;
}
