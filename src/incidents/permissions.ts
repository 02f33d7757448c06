// Who may do what to an incident: its commander, its declarer and the workspace's incident admins manage it;
// its other role holders may also post updates.
import { isPerson } from "../timeline/actors.js";
import type { Incident } from "../db/schema.js";

export type Permission = "manage" | "post_update";

export function mayDo(incident: Incident, userId: string, admins: ReadonlySet<string>, permission: Permission): boolean {
  if (admins.has(userId) || userId === incident.commanderId || userId === incident.declaredBy) return true;
  return permission === "post_update" && [incident.techLeadId, incident.commsLeadId, incident.scribeId].includes(userId);
}

/** Who holds a permission, in the order a person should ask them. */
export function whoMay(incident: Incident, permission: Permission): { commander: string; declarer?: string; roleHolders: boolean } {
  return {
    commander: incident.commanderId,
    // An alert source declares but cannot be asked to do anything.
    ...(incident.declaredBy !== incident.commanderId && isPerson(incident.declaredBy) ? { declarer: incident.declaredBy } : {}),
    roleHolders: permission === "post_update",
  };
}
