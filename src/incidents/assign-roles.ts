// Assigning any of the four roles at once; unchanged roles are left alone. Each new holder is invited to the war
// room and told by DM what the role expects. One fact per changed role, all in one transaction.
import { changeIncident, type Fact, type IncidentContext, type Outcome } from "./change.js";
import { mayDo } from "./permissions.js";
import type { IncidentRef } from "./queries.js";
import { refuse } from "./refusals.js";
import { roleDefinitions, roleHolder, roles, type Role } from "./roles.js";

type RolesAssigned = { changed: Array<{ role: Role; holder: string | null }> };

export function assignRoles(ctx: IncidentContext, ref: IncidentRef, userId: string, wanted: Partial<Record<Role, string | null>>): Promise<Outcome<RolesAssigned>> {
  return changeIncident<RolesAssigned>(ctx, ref, userId, (incident) => {
    if (!mayDo(incident, userId, ctx.admins, "manage")) return refuse({ code: "not_allowed", action: "assign_roles", incident, permission: "manage" });
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
