// The four incident roles, their names, and where each is kept on the incident. What each role expects of its
// holder is told to people in Slack's words (src/slack/blocks/role-briefs.ts).
import type { Incident } from "../db/schema.js";

export const roles = ["commander", "tech_lead", "comms_lead", "scribe"] as const;
export type Role = (typeof roles)[number];

type RoleColumn = "commanderId" | "techLeadId" | "commsLeadId" | "scribeId";

export const roleDefinitions: Record<Role, { label: string; short: string; column: RoleColumn }> = {
  commander: {
    label: "Incident Commander",
    short: "IC",
    column: "commanderId",
  },
  tech_lead: {
    label: "Tech Lead",
    short: "Tech",
    column: "techLeadId",
  },
  comms_lead: {
    label: "Comms Lead",
    short: "Comms",
    column: "commsLeadId",
  },
  scribe: {
    label: "Scribe",
    short: "Scribe",
    column: "scribeId",
  },
};

const roleWords: Record<string, Role> = {
  ic: "commander",
  commander: "commander",
  incident_commander: "commander",
  tech: "tech_lead",
  tech_lead: "tech_lead",
  techlead: "tech_lead",
  tl: "tech_lead",
  comms: "comms_lead",
  comms_lead: "comms_lead",
  commslead: "comms_lead",
  communications: "comms_lead",
  scribe: "scribe",
};

/** "ic", "tech", "comms-lead", "Scribe" → the role; undefined for anything else. */
export function parseRole(word: string): Role | undefined {
  return roleWords[word.trim().toLowerCase().replace(/-/g, "_")];
}

export const roleHolder = (incident: Pick<Incident, RoleColumn>, role: Role): string | null => incident[roleDefinitions[role].column];
