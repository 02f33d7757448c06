import { describe, expect, it } from "vitest";
import { incidentFixture } from "../support/incident-fixture.js";
import { incidentAnnouncement, incidentCard, incidentTopic } from "../../src/slack/blocks/incident-card.js";
import { escapeText } from "../../src/slack/blocks/text.js";
import { declareModal } from "../../src/slack/blocks/declare-modal.js";

const incident = incidentFixture;

describe("text a person typed", () => {
  it("is escaped so <!channel> cannot ping anyone", () => {
    expect(escapeText("<!channel> <@U123> & <script>")).toBe("&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;script&gt;");
  });

  it("is escaped everywhere the card and announcement show it", () => {
    const evil = incident({ title: "<!channel> down", description: "<!here> & <@U9>", affectedServices: ["<!everyone>"] });
    const everything = JSON.stringify([incidentCard(evil), incidentAnnouncement(evil), incidentTopic(evil)]);
    expect(everything).not.toMatch(/<!(channel|here|everyone)/);
    expect(everything).not.toContain("<@U9>");
    expect(everything).toContain("&lt;!channel&gt;");
  });
});

describe("the channel topic", () => {
  it("reads [SEV] title | status | IC", () => {
    expect(incidentTopic(incident())).toBe("[SEV1] Checkout is down | Investigating | IC: <@U_ALICE>");
  });

  it("fits Slack's 250 characters however long the title", () => {
    expect(incidentTopic(incident({ title: "&".repeat(400) })).length).toBeLessThanOrEqual(250);
    expect(incidentTopic(incident({ title: "x".repeat(400) })).length).toBeLessThanOrEqual(250);
  });
});

describe("the incident card", () => {
  it("shows severity, status, commander and the war-room buttons", () => {
    const card = JSON.stringify(incidentCard(incident()));
    for (const text of ["SEV1", "Investigating", "<@U_ALICE>", "Acknowledge", "Update status", "Assign roles", "Post update", "Resolve"]) {
      expect(card).toContain(text);
    }
  });
});

describe("the declare modal", () => {
  it("prefills the title and makes the declarer the commander", () => {
    const view = declareModal({ declarerId: "U_BOB", prefilledTitle: "Checkout is down", privateMetadata: "{}" });
    const json = JSON.stringify(view);
    expect(json).toContain('"initial_value":"Checkout is down"');
    expect(json).toContain('"initial_user":"U_BOB"');
  });

  it("explains each severity in one line", () => {
    const json = JSON.stringify(declareModal({ declarerId: "U1", prefilledTitle: "", privateMetadata: "{}" }));
    expect(json).toContain("Complete outage");
    expect(json).toContain("No user impact");
    expect(json).not.toContain("initial_value");
  });
});
