// The sandbox page's mrkdwn and Block Kit rendering, in Node: the page's modules build Preact elements (never HTML
// strings), so the test turns the element tree into markup itself and reads what a person would see.
import { describe, expect, it } from "vitest";

// The page's modules are browser JavaScript without type declarations: loaded by path, typed loosely here.
const pageModule = (name: string): Promise<any> => import(`../../src/sandbox/page/${name}`);
const { Mrkdwn, formatSlackDate } = await pageModule("mrkdwn.js");
const { Blocks } = await pageModule("blocks.js");

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Markup of a Preact element tree: function components are called (the ones used here keep no state). */
function markup(node: any): string {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return escapeHtml(String(node));
  if (Array.isArray(node)) return node.map(markup).join("");
  const { type, props } = node as { type: unknown; props: Record<string, unknown> };
  if (typeof type === "function") return markup(type(props));
  const attrs = Object.entries(props)
    .filter(([k, v]) => k !== "children" && (typeof v === "string" || typeof v === "number"))
    .map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`)
    .join("");
  return `<${String(type)}${attrs}>${markup(props.children)}</${String(type)}>`;
}

const ctx = {
  names: { users: { U_ALICE: "alice", U_BOB: "bob" }, channels: { C0INC: "incidents" } },
  me: "U_ALICE",
  tz: "Europe/London",
  nowMs: Date.parse("2023-11-14T23:00:00Z"),
  people: [],
};
const show = (text: string, c: Record<string, unknown> = ctx) => markup(Mrkdwn({ text, ctx: c }));
/** What a person reads: the markup without its tags, entities decoded. */
const read = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

describe("the sandbox page's mrkdwn", () => {
  it("shows Slack's entities as the characters they stand for, and never turns text into markup", () => {
    const html = show("a &lt;b&gt;x&lt;/b&gt; &amp; <script>alert(1)</script>");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<script");
    expect(read(html)).toContain("a <b>x</b> & ");
  });

  it("formats bold, italic, strike and code, and leaves code alone", () => {
    expect(show("*bold* _it_ ~gone~")).toContain("<b>bold</b> <i>it</i> <s>gone</s>");
    expect(show("`*not bold*`")).toContain("<code>*not bold*</code>");
    expect(show("snake_case_name and 2*3*4")).not.toMatch(/<i>|<b>/);
  });

  it("names mentioned people and channels, marks the reader's own mention and broadcasts", () => {
    expect(show("<@U_BOB> and <@U_ALICE>")).toContain('<span class="mention">@bob</span> and <span class="mention me">@alice</span>');
    expect(show("<@U_GONE|gone>")).toContain("@gone");
    expect(show("<#C0INC>")).toMatch(/<a class="channel-link" href="#C0INC">#incidents<\/a>/);
    expect(show("<!here>")).toContain('<span class="mention broadcast">@here</span>');
  });

  it("shows <!date…> in the reader's time zone, with Slack's tokens and relative days", () => {
    const at = 1_700_000_000; // 2023-11-14T22:13:20Z
    expect(read(show(`<!date^${at}^{date_num} {time}|fallback>`))).toBe("2023-11-14 22:13");
    expect(read(show(`<!date^${at}^{date_num} {time}|fallback>`, { ...ctx, tz: "America/New_York" }))).toBe("2023-11-14 17:13");
    expect(formatSlackDate(at, "{date_short_pretty} at {time_secs}", ctx)).toBe("today at 22:13:20");
    expect(formatSlackDate(at, "{date_long}", { ...ctx, tz: "Asia/Singapore" })).toBe("Wednesday, November 15th, 2023");
    expect(formatSlackDate(at, "{ago}", ctx)).toBe("47 minutes ago");
  });

  it("shows links without following them, and opens a Slack permalink's channel in the page", () => {
    const html = show("<https://example.com/a?b=1&amp;c=2|the dashboard> <mailto:ops@example.com>");
    expect(html).not.toContain('href="https://');
    expect(html).toContain('title="https://example.com/a?b=1&amp;c=2 (links are not followed in the sandbox)"');
    expect(read(html)).toBe("the dashboard ops@example.com");
    expect(show("<https://warroom-sandbox.slack.com/archives/C0INC/p1700000000000100|the card>")).toContain('<a class="link" href="#C0INC">the card</a>');
  });

  it("shows quotes and code blocks", () => {
    const html = show("before\n> quoted *line*\n```\n<raw> & stuff\n```");
    expect(html).toContain("<blockquote>quoted <b>line</b></blockquote>");
    expect(html).toContain("<pre>&lt;raw&gt; &amp; stuff\n</pre>");
  });
});

describe("the sandbox page's Block Kit", () => {
  it("lays out a header, a section with fields, context and buttons, with emoji", () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: ":rotating_light: #1 · Checkout is down", emoji: true } },
      { type: "section", fields: [{ type: "mrkdwn", text: "*Commander*\n<@U_BOB>" }, { type: "mrkdwn", text: "*Status*\nInvestigating" }] },
      { type: "context", elements: [{ type: "mrkdwn", text: "Declared by <@U_ALICE>" }] },
      { type: "actions", elements: [{ type: "button", action_id: "incident_acknowledge", value: "1", style: "primary", text: { type: "plain_text", text: "Acknowledge" } }] },
      { type: "divider" },
      { type: "image", image_url: "https://example.com/graph.png", alt_text: "error rate" },
    ];
    const html = markup(Blocks({ blocks, ctx, onAction: () => undefined, busy: false }));
    expect(html).toContain('<h3 class="kit-header">🚨 #1 · Checkout is down</h3>');
    expect(html).toContain('<div class="kit-field"><span class="mrkdwn"><b>Commander</b><br></br><span class="mention">@bob</span></span></div>');
    expect(html).toContain('<div class="kit-context"><span><span class="mrkdwn">Declared by <span class="mention me">@alice</span></span></span></div>');
    expect(read(html)).toContain("Acknowledge");
    expect(html).toContain('class="kit-button primary"');
    // Images are not fetched: their alt text is shown.
    expect(html).not.toContain("https://example.com/graph.png");
    expect(read(html)).toContain("[image: error rate]");
  });

  it("shows plain_text as typed: no mrkdwn, no mentions", () => {
    const html = markup(Blocks({ blocks: [{ type: "section", text: { type: "plain_text", text: "*not bold* <@U_BOB>" } }], ctx, onAction: () => undefined, busy: false }));
    expect(html).not.toContain("<b>");
    expect(read(html)).toContain("*not bold* <@U_BOB>");
  });
});
