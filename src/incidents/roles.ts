// The four incident roles, what each expects of its holder, and where each is kept on the incident.
import type { Incident } from "../db/schema.js";

export const roles = ["commander", "tech_lead", "comms_lead", "scribe"] as const;
export type Role = (typeof roles)[number];

type RoleColumn = "commanderId" | "techLeadId" | "commsLeadId" | "scribeId";

export const roleDefinitions: Record<Role, { label: string; short: string; column: RoleColumn; responsibility: string; expectations: string[] }> = {
  commander: {
    label: "Incident Commander",
    short: "IC",
    column: "commanderId",
    responsibility: "Coordinates the response and makes the decisions.",
    expectations: ["Set and adjust the severity", "Assign the other roles", "Run this channel and make time-critical calls", "Escalate when needed", "Declare the resolution"],
  },
  tech_lead: {
    label: "Tech Lead",
    short: "Tech",
    column: "techLeadId",
    responsibility: "Drives the investigation and the fix.",
    expectations: ["Form and test hypotheses", "Coordinate the engineers working the problem", "Tell the IC what you find and what you need"],
  },
  comms_lead: {
    label: "Comms Lead",
    short: "Comms",
    column: "commsLeadId",
    responsibility: "Keeps stakeholders and customers informed.",
    expectations: ["Post status updates on the agreed cadence", "Share updates outside this channel when they matter", "Shield the responders from interruptions"],
  },
  scribe: {
    label: "Scribe",
    short: "Scribe",
    column: "scribeId",
    responsibility: "Documents the timeline, actions and decisions.",
    expectations: ["Add decisions and findings to the timeline (`/incident note`, :pushpin:)", "Keep track of who is doing what", "Help prepare the postmortem"],
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
