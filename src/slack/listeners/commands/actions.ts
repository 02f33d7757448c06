// /incident actions [mine|overdue|#N]: your open action items, everyone's overdue ones, or one incident's.
import { listActionItems } from "../../../postmortems/action-items.js";
import { localDate } from "../../../oncall/zoned-time.js";
import { actionItemList } from "../../blocks/action-items.js";
import { incidentFor } from "../incident-ref.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const actions: Subcommand = async (deps, request) => {
  const arg = asTyped(request.args).toLowerCase();
  const today = localDate(deps.clock.now(), deps.businessTimeZone ?? "UTC");
  if (arg === "" || arg === "mine") {
    return { answer: actionItemList("Your open action items", await listActionItems(deps.db, request.teamId, { ownerId: request.userId, openOnly: true }), today) };
  }
  if (arg === "overdue") return { answer: actionItemList("Overdue action items", await listActionItems(deps.db, request.teamId, { overdueOn: today }), today) };
  const found = await incidentFor(deps, request.teamId, request.channelId, request.args, "/incident actions #12");
  if (!found.ok) return say(found.reason);
  return { answer: actionItemList(`Action items of incident #${found.incident.number}`, await listActionItems(deps.db, request.teamId, { incidentId: found.incident.id }), today) };
};
