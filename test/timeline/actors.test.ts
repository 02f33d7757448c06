// Who acted, stored as one string: people stay their Slack id, integrations keep their kind, id and name.
import { describe, expect, it } from "vitest";
import { actorIdSchema, actorName, actorOf, isPerson, storedActor } from "../../src/timeline/actors.js";
import { phraseToPlain, peopleIn } from "../../src/timeline/phrase.js";
import { mentionUser } from "../../src/slack/blocks/text.js";

const token = storedActor({ kind: "integration", integration: "api_token", id: 12, name: "deploy-bot" });

describe("actors", () => {
  it("round-trip through their stored form", () => {
    expect(token).toBe("api_token:12:deploy-bot");
    expect(actorOf(token)).toEqual({ kind: "integration", integration: "api_token", id: 12, name: "deploy-bot" });
    expect(actorOf("U0123ABC")).toEqual({ kind: "person", userId: "U0123ABC" });
    expect(actorOf("warroom")).toEqual({ kind: "warroom" });
  });

  it("tell people from everyone else, so only people are invited, mentioned or sent a DM", () => {
    expect([isPerson("U0123ABC"), isPerson("W0123ABC"), isPerson(token), isPerson("warroom"), isPerson(null)]).toEqual([true, true, false, false, false]);
    expect(mentionUser("U0123ABC")).toBe("<@U0123ABC>");
    expect(mentionUser(token)).toBe("API token ‘deploy-bot’");
    expect(mentionUser("warroom")).toBe("Warroom");
    expect(phraseToPlain(["Responding too (acknowledged first by ", { user: token }, ")"])).toBe("Responding too (acknowledged first by API token ‘deploy-bot’)");
    expect(peopleIn([{ user: token }, { user: "U0123ABC" }])).toEqual(["U0123ABC"]);
  });

  it("name an integration of a kind this release does not know by its kind", () => {
    expect(actorName(actorOf("pager_bridge:3:alertmanager"))).toBe("pager bridge ‘alertmanager’");
  });

  it("keep an alert source's name whole, colons and all, since the id comes before it", () => {
    const source = storedActor({ kind: "integration", integration: "alert_source", id: 7, name: "prom: eu-west:1" });
    expect(source).toBe("alert_source:7:prom: eu-west:1");
    expect(actorOf(source)).toEqual({ kind: "integration", integration: "alert_source", id: 7, name: "prom: eu-west:1" });
    expect(mentionUser(source)).toBe("Alert source ‘prom: eu-west:1’");
    expect([isPerson(source), actorIdSchema.safeParse(source).success]).toEqual([false, true]);
  });

  it("accept people and integrations as declarers, but not the bot or free text", () => {
    expect([token, "U0123ABC", "warroom", "someone", "api_token:x:y"].map((a) => actorIdSchema.safeParse(a).success)).toEqual([true, true, false, false, false]);
  });
});
