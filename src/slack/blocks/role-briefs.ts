// What each incident role asks of its holder, as the role's DM and the roles form say it.
import type { Role } from "../../incidents/roles.js";

export const roleBriefs: Record<Role, { responsibility: string; expectations: string[] }> = {
  commander: {
    responsibility: "Coordinates the response and makes the decisions.",
    expectations: ["Set and adjust the severity", "Assign the other roles", "Run this channel and make time-critical calls", "Escalate when needed", "Declare the resolution"],
  },
  tech_lead: {
    responsibility: "Drives the investigation and the fix.",
    expectations: ["Form and test hypotheses", "Coordinate the engineers working the problem", "Tell the IC what you find and what you need"],
  },
  comms_lead: {
    responsibility: "Keeps stakeholders and customers informed.",
    expectations: ["Post status updates on the agreed cadence", "Share updates outside this channel when they matter", "Shield the responders from interruptions"],
  },
  scribe: {
    responsibility: "Documents the timeline, actions and decisions.",
    expectations: ["Add decisions and findings to the timeline (`/incident note`, :pushpin:)", "Keep track of who is doing what", "Help prepare the postmortem"],
  },
};
