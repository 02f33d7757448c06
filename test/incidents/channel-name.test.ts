import { describe, expect, it } from "vitest";
import { slugify, warRoomChannelName } from "../../src/incidents/channel-name.js";

const slackNameRule = /^[a-z0-9_-]{1,80}$/;

describe("war-room channel names", () => {
  it("names the channel after the incident number and title", () => {
    expect(warRoomChannelName(12, "Checkout is down")).toBe("inc-12-checkout-is-down");
  });

  it("keeps only what Slack allows: lowercase letters, digits, dashes", () => {
    expect(warRoomChannelName(3, "  API   5xx!! on *EU-West*  ")).toBe("inc-3-api-5xx-on-eu-west");
    expect(warRoomChannelName(4, "Café crème — paiement échoue")).toBe("inc-4-cafe-creme-paiement-echoue");
  });

  it("falls back to the bare number when the title has nothing usable", () => {
    expect(warRoomChannelName(7, "🔥🔥🔥")).toBe("inc-7");
    expect(warRoomChannelName(7, "<!channel>")).toBe("inc-7-channel");
  });

  it("never exceeds 80 characters, even with a suffix", () => {
    const long = "database ".repeat(40);
    for (const attempt of [1, 2, 17]) {
      const name = warRoomChannelName(123456, long, attempt);
      expect(name.length).toBeLessThanOrEqual(80);
      expect(name).toMatch(slackNameRule);
      expect(name.endsWith("-")).toBe(false);
    }
  });

  it("adds -2, -3 … on later attempts", () => {
    expect(warRoomChannelName(5, "db down", 2)).toBe("inc-5-db-down-2");
    expect(warRoomChannelName(5, "db down", 3)).toBe("inc-5-db-down-3");
  });

  it("slugifies to nothing but allowed characters for any input", () => {
    for (const title of ["a&b<c>d", "ÄÖÜ ß", "x".repeat(500), "--- ---", "日本語のタイトル"]) {
      expect(slugify(title)).toMatch(/^[a-z0-9-]*$/);
    }
  });
});
