// /incident audit [#N] [before:<id>]: the audit log, newest first, for incident admins.
import { readAuditTrail } from "../../../audit/trail.js";
import { incidentByNumber } from "../../../incidents/queries.js";
import { auditPage, auditRefusalText, auditUsage } from "../../blocks/audit.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

/** Entries per page: with the header and the two notes, well within a message's 50 blocks. */
export const AUDIT_PAGE_SIZE = 20;

const argsPattern = /^(?:#(\d{1,9}))?\s*(?:before:(\d{1,15}))?$/i;

export const audit: Subcommand = async (deps, request) => {
  const parsed = argsPattern.exec(asTyped(request.args));
  if (!parsed) return say(auditUsage);
  const number = parsed[1] ? Number(parsed[1]) : undefined;
  const incident = number === undefined ? undefined : await incidentByNumber(deps.db, request.teamId, number);
  if (number !== undefined && !incident) return say(`There is no incident #${number} in this workspace. \`/incident list all\` shows them all.`);
  const before = parsed[2] ? Number(parsed[2]) : undefined;
  const read = await readAuditTrail(deps.db, deps.clock, {
    teamId: request.teamId,
    userId: request.userId,
    admins: deps.admins,
    incident: incident && { id: incident.id, number: incident.number },
    before,
    limit: AUDIT_PAGE_SIZE,
  });
  if (!read.ok) return say(auditRefusalText(read.refusal.code));
  return { answer: auditPage(read.page.entries, { incidentNumber: incident?.number, olderFrom: read.page.olderFrom, continued: before !== undefined }) };
};
