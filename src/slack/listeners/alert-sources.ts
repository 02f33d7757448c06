// What /incident alerts and its buttons share: the list of sources as the person may see it, and the forms only
// admins open (INCIDENT_ADMINS, or anyone while it is empty).
import { mayConfigureAlerts } from "../../alerts/permissions.js";
import { sourcesWithLastAlert } from "../../alerts/sources.js";
import { alertSourceList } from "../blocks/alert-sources.js";
import type { SlackMessage } from "../gateway.js";
import type { ListenerDeps } from "./deps.js";

export async function alertSourcesAnswer(deps: ListenerDeps, teamId: string, userId: string): Promise<SlackMessage> {
  const sources = await sourcesWithLastAlert(deps.db, teamId);
  return alertSourceList(sources, { publicUrl: deps.publicUrl, canManage: mayConfigureAlerts(deps.admins, userId), now: deps.clock.now() });
}

export const notAllowedAlerts = "Sorry, only incident admins (INCIDENT_ADMINS) can add alert sources and rotate their tokens.";
