// Assigning any of the four roles at once; unchanged roles are left alone. Each new holder is invited to the war
// room and told by DM what the role expects. One fact per changed role, all in one transaction.
import type { Incident } from "../db/schema.js";
import { changeIncident, type Fact, type IncidentContext, type Outcome } from "./change.js";
import { isOpen } from "./lifecycle.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse, type Refused } from "./refusals.js";
import { roleDefinitions, roleHolder, roles, type Role } from "./roles.js";

type RolesAssigned = { changed: Array<{ role: Role; holder: string | null }> };

/**
 * `claim`: the person takes an open role (not the commander's) for themselves, as a nudge's "I'll take it" button
 * offers to anyone in the war room; a role someone else holds, or an incident no longer open, is refused.
 */
export function assignRoles(
  ctx: IncidentContext,
  ref: IncidentRef,
  userId: string,
  wanted: Partial<Record<Role, string | null>>,
  { claim = false }: { claim?: boolean } = {},
): Promise<Outcome<RolesAssigned>> {
  return changeIncident<RolesAssigned>(ctx, ref, userId, (incident) => {
    if (claim) {
      const refused = claimRefused(incident, userId, wanted);
      if (refused) return refused;
    } else if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "assign_roles", incident, permission: "manage" });
    if (incident.status === "closed") return refuse({ code: "closed", incident });
    if (wanted.commander === null) return refuse({ code: "commander_required" });
    const changed = roles.filter((role) => role in wanted && (wanted[role] ?? null) !== roleHolder(incident, role));
    if (changed.length === 0) return { ok: true, incident, changed: [] };
    const values: Record<string, unknown> = {};
    for (const role of changed) values[roleDefinitions[role].column] = wanted[role] ?? null;
    const facts: Fact[] = changed.map((role, i) => {
      const holder = wanted[role] ?? null;
      const last = i === changed.length - 1;
      return {
        type: "role_assigned",
        data: { role, userId: holder, previous: roleHolder(incident, role) },
        effects: [
          ...(holder ? [{ kind: "invite" as const, userId: holder }, { kind: "dm" as const, userId: holder, about: { kind: "role_assigned" as const } }] : []),
          { kind: "war_room" as const },
          ...(last ? [{ kind: "card" as const }, ...(changed.includes("commander") ? [{ kind: "topic" as const }] : [])] : []),
        ],
      };
    });
    return { values, facts, result: { changed: changed.map((role) => ({ role, holder: wanted[role] ?? null })) } };
  });
}

/** A claim is one open role, other than the commander's, for the claimer themselves. */
function claimRefused(incident: Incident, userId: string, wanted: Partial<Record<Role, string | null>>): Refused | undefined {
  const claimed = roles.filter((role) => role in wanted);
  const role = claimed[0];
  if (claimed.length !== 1 || !role || role === "commander" || wanted[role] !== userId) return refuse({ code: "not_allowed", action: "assign_roles", incident, permission: "manage" });
  if (!isOpen(incident.status)) return refuse({ code: "already_resolved", incident });
  const holder = roleHolder(incident, role);
  if (holder && holder !== userId) return refuse({ code: "role_taken", incident, role, holder });
  return undefined;
}
