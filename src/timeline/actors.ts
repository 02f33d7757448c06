// Who did something: a person in Slack, Warroom itself, or an integration acting on the workspace's behalf (an API
// token, an alert source). Stored as one string wherever an actor is kept (timeline entries, an incident's declarer, acknowledger,
// resolver), so every surface can name each kind its own way and nothing pretends an integration is a Slack user.
import { z } from "zod";

export type Actor =
  | { kind: "person"; userId: string }
  | { kind: "warroom" }
  /** An integration: its kind ("api_token", "alert_source"), its row id (identity) and the name it had when it acted (display). */
  | { kind: "integration"; integration: string; id: number; name: string };

export const BOT_ACTOR = "warroom";

/** What each integration is called in front of its name: `API token ‘deploy-bot’`. */
const integrationLabels: Record<string, string> = {
  api_token: "API token",
  alert_source: "Alert source",
};

const personId = /^[UW][A-Z0-9_]+$/;
// `<integration>:<id>:<name>`: the kind holds no colon and the id no colon, so a name may hold colons (alert source
// names do) and still read back whole; `s` because a name is kept as it was, line breaks included.
const integrationPattern = /^([a-z_]+):(\d{1,15}):(.+)$/s;

/** The stored form of an actor. */
export function storedActor(actor: Actor): string {
  switch (actor.kind) {
    case "person":
      return actor.userId;
    case "warroom":
      return BOT_ACTOR;
    case "integration":
      return `${actor.integration}:${actor.id}:${actor.name}`;
  }
}

/** An actor read back; anything else stored (ids of older releases) counts as a person. */
export function actorOf(stored: string): Actor {
  if (stored === BOT_ACTOR) return { kind: "warroom" };
  const integration = integrationPattern.exec(stored);
  if (integration) return { kind: "integration", integration: integration[1]!, id: Number(integration[2]), name: integration[3]! };
  return { kind: "person", userId: stored };
}

/** True for a Slack user: someone who can be invited, mentioned, sent a DM or looked up. */
export const isPerson = (stored: string | null | undefined): stored is string => Boolean(stored) && actorOf(stored!).kind === "person";

/** An actor by name, in plain words, for one who cannot be mentioned: `Warroom`, `API token ‘deploy-bot’`. */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case "person":
      return actor.userId;
    case "warroom":
      return "Warroom";
    case "integration":
      return `${integrationLabels[actor.integration] ?? actor.integration.replace(/_/g, " ")} ‘${actor.name}’`;
  }
}

/** A Slack user id or an integration's stored form, as domain input accepts it (Warroom never declares). */
export const actorIdSchema = z.string().refine((s) => personId.test(s) || actorOf(s).kind === "integration", { error: "is not a Slack user or an integration" });
