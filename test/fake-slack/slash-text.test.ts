// The fake Slack sends a slash command's text the way Slack does for the command's should_escape setting.
import { describe, expect, it } from "vitest";
import { slashCommandText } from "../../src/fake-slack/slash-text.js";
import { FakeWorkspace } from "../../src/fake-slack/workspace.js";

const ws = new FakeWorkspace();
const general = ws.channelByName("general")!.id;
const typed = "role tech @bob & @nobody in #general <b> @here @channel @everyone see https://status.example.com/x www.example.com or mail ops@example.com";

describe("slash command text", () => {
  it("with should_escape: true, links people, channels, special mentions and URLs, and encodes & < > as entities", () => {
    expect(slashCommandText(typed, ws, true)).toBe(
      `role tech <@U_BOB|bob> &amp; @nobody in <#${general}|general> &lt;b&gt; <!here> <!channel> <!everyone> see <https://status.example.com/x> <http://www.example.com|www.example.com> or mail <mailto:ops@example.com|ops@example.com>`,
    );
  });

  it("with should_escape: false, sends names as typed, with only & < > encoded", () => {
    expect(slashCommandText(typed, ws, false)).toBe(
      "role tech @bob &amp; @nobody in #general &lt;b&gt; @here @channel @everyone see https://status.example.com/x www.example.com or mail ops@example.com",
    );
  });

  it("links a name followed by punctuation, and leaves a deactivated person's name as typed", () => {
    ws.addUser({ id: "U_GONE", name: "gone", real_name: "Gone Away", deleted: true });
    expect(slashCommandText("ask @bob. then @gone", ws, true)).toBe("ask <@U_BOB|bob>. then @gone");
  });
});
