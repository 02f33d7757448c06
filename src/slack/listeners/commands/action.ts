// /incident action add [#N] <what> (the action-item form) and /incident action done|start|reopen|snooze|wontdo <id> [reason].
import { changeActionItem, WONT_DO_REASON_MAX, type ActionItemChange } from "../../../postmortems/postmortems.js";
import { localDate } from "../../../oncall/zoned-time.js";
import { refusalText } from "../../blocks/answers.js";
import { actionItemReply } from "../../blocks/action-items.js";
import { actionItemModal } from "../../blocks/postmortem-modals.js";
import { incidentFor } from "../incident-ref.js";
import { asTyped, say, tooLong, type Subcommand } from "../subcommand.js";

const itemChanges: Record<string, (reason: string) => ActionItemChange> = {
  done: () => ({ kind: "status", status: "done" }),
  start: () => ({ kind: "status", status: "in_progress" }),
  reopen: () => ({ kind: "status", status: "open" }),
  wontdo: (reason) => ({ kind: "wont_do", reason }),
  snooze: () => ({ kind: "snooze", days: 7 }),
};

export const action: Subcommand = async (deps, request) => {
  const words = asTyped(request.args).split(/\s+/).filter(Boolean);
  const verb = words.shift()?.toLowerCase() ?? "";
  const change = itemChanges[verb.replace(/[^a-z]/g, "")];
  if (change) {
    const typedId = words.shift()?.replace(/^#/, "") ?? "";
    const id = /^\d{1,12}$/.test(typedId) ? Number(typedId) : NaN;
    if (!Number.isSafeInteger(id) || id <= 0) return say(`Name the item by its number: \`/incident action ${verb} 7\` (\`/incident actions mine\` shows the numbers).`);
    const long = verb === "wontdo" ? tooLong(words.join(" "), WONT_DO_REASON_MAX, "reason") : undefined;
    if (long) return long;
    const outcome = await changeActionItem(deps, request.teamId, id, request.userId, change(words.join(" ")));
    if (!outcome.ok) return say(refusalText(outcome.refusal, deps.clock.now()));
    deps.deliverNow();
    return say(actionItemReply(outcome));
  }
  if (verb !== "add") return say("`/incident action add [#12] <what>` adds an action item; `/incident action done|start|snooze|wontdo <number> [reason]` changes one.");
  const found = await incidentFor(deps, request.teamId, request.channelId, words.join(" "), "/incident action add #12 <what>");
  if (!found.ok) return say(found.reason);
  return { modal: actionItemModal(found.incident, found.rest, request.userId, localDate(deps.clock.now(), deps.businessTimeZone ?? "UTC")) };
};
