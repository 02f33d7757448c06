// /incident oncall [schedule|cover|covers <name>]: who is on call, and the forms that set schedules and covers.
import { scheduleNamed, upcomingCovers } from "../../../oncall/directory.js";
import { onCallConfigurable } from "../../../oncall/permissions.js";
import { localDate } from "../../../oncall/zoned-time.js";
import { coverList, overrideModal, scheduleModal } from "../../blocks/oncall.js";
import { echoTyped } from "../../blocks/text.js";
import { notAllowedOnCall, onCallAnswer } from "../oncall-overview.js";
import { asTyped, say, type Subcommand } from "../subcommand.js";

export const oncall: Subcommand = async (deps, request) => {
  const [what = "", ...rest] = asTyped(request.args).split(/\s+/);
  const name = rest.join(" ").trim();
  const zone = deps.businessTimeZone ?? "UTC";
  switch (what.toLowerCase()) {
    case "":
      return onCallAnswer(deps, request.teamId);
    case "schedule": {
      if (!(await onCallConfigurable(deps, request, "schedule_save"))) return notAllowedOnCall();
      const existing = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (name && !existing) return say(`There is no schedule called "${echoTyped(name)}". \`/incident oncall\` lists them; \`/incident oncall schedule\` creates one.`);
      return { modal: scheduleModal(existing, { timeZone: zone, today: localDate(deps.clock.now(), zone) }) };
    }
    case "cover":
    case "override": {
      if (!(await onCallConfigurable(deps, request, "cover_add"))) return notAllowedOnCall();
      const schedule = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (!schedule) return say("Name the schedule to cover: `/incident oncall cover Payments primary`.");
      return { modal: overrideModal(schedule, localDate(deps.clock.now(), schedule.timeZone)) };
    }
    case "covers": {
      const schedule = name ? await scheduleNamed(deps.db, request.teamId, name) : undefined;
      if (!schedule) return say("Name the schedule: `/incident oncall covers Payments primary`.");
      return { answer: coverList(schedule, await upcomingCovers(deps.db, request.teamId, schedule.id, deps.clock.now())) };
    }
    default:
      return say(
        "`/incident oncall` shows who is on call. `/incident oncall schedule [name]` creates or edits a schedule; `/incident oncall cover <schedule>` adds a cover; `/incident oncall covers <schedule>` lists and removes them.",
      );
  }
};
