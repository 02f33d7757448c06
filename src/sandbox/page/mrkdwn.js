// Slack's mrkdwn as the page shows it: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, mentions of
// people, channels and groups, <!here>, date tokens in the reader's time zone, links and :emoji:. It builds
// elements, never HTML strings, so nothing the bot or a person wrote can become markup.
import { h } from "preact";
import htm from "htm";

const html = htm.bind(h);

/** The emoji the bot uses, and a few people reach for; any other :name: stays as typed, as Slack shows unknown ones. */
export const emoji = {
  pushpin: "📌", memo: "📝", white_check_mark: "✅", rotating_light: "🚨", alarm_clock: "⏰", warning: "⚠️", mag: "🔍",
  sos: "🆘", pager: "📟", leftwards_arrow_with_hook: "↩️", bust_in_silhouette: "👤", white_circle: "⚪", wave: "👋",
  spiral_calendar_pad: "🗓️", red_circle: "🔴", raising_hand: "🙋", loudspeaker: "📢", lock: "🔒",
  large_yellow_circle: "🟡", large_orange_circle: "🟠", hourglass_flowing_sand: "⏳", fast_forward: "⏩", eyes: "👀",
  cobweb: "🕸️", ballot_box_with_check: "☑️", arrows_counterclockwise: "🔄", arrow_up: "⬆️", arrow_down: "⬇️",
  "+1": "👍", "-1": "👎", tada: "🎉", fire: "🔥", heavy_check_mark: "✔️", x: "❌", thinking_face: "🤔", pray: "🙏",
  clipboard: "📋", bar_chart: "📊", key: "🔑", no_entry: "⛔", wastebasket: "🗑️", bell: "🔔", no_bell: "🔕", hammer_and_wrench: "🛠️", chart_with_upwards_trend: "📈", speech_balloon: "💬",
};

export const emojiOf = (name) => emoji[name] ?? `:${name}:`;

const decode = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function localParts(ms, tz) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric", month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday, hour: parts.hour, minute: parts.minute, second: parts.second };
}

const ordinal = (n) => `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;
const dayNumber = (p) => Date.UTC(p.year, p.month - 1, p.day) / 86_400_000;

function ago(ms, nowMs) {
  const minutes = Math.round((nowMs - ms) / 60_000);
  if (Math.abs(minutes) < 1) return "just now";
  const [n, unit] = Math.abs(minutes) < 60 ? [minutes, "minute"] : Math.abs(minutes) < 1440 ? [Math.round(minutes / 60), "hour"] : [Math.round(minutes / 1440), "day"];
  const count = Math.abs(n);
  return n > 0 ? `${count} ${unit}${count === 1 ? "" : "s"} ago` : `in ${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** Slack's <!date^…^{token}…> in the reader's time zone (Slack's reference: "Formatting dates"). */
export function formatSlackDate(seconds, format, ctx) {
  const ms = seconds * 1000;
  const p = localParts(ms, ctx.tz);
  const today = localParts(ctx.nowMs, ctx.tz);
  const relative = { 0: "today", [-1]: "yesterday", 1: "tomorrow" }[dayNumber(p) - dayNumber(today)];
  const date = `${monthNames[p.month - 1]} ${ordinal(p.day)}, ${p.year}`;
  const short = `${monthNames[p.month - 1].slice(0, 3)} ${p.day}, ${p.year}`;
  const long = `${dayNames[p.weekday]}, ${date}`;
  const tokens = {
    date_num: `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`,
    date,
    date_short: short,
    date_long: long,
    date_pretty: relative ?? date,
    date_short_pretty: relative ?? short,
    date_long_pretty: relative ?? long,
    time: `${p.hour}:${p.minute}`,
    time_secs: `${p.hour}:${p.minute}:${p.second}`,
    ago: ago(ms, ctx.nowMs),
  };
  return format.replace(/\{(\w+)\}/g, (m, name) => tokens[name] ?? m);
}

const permalink = /^https:\/\/[a-z0-9-]+\.slack\.com\/archives\/([CDG][A-Z0-9]+)\/p(\d+)$/;

/** One <…> of Slack's: a mention, a special mention, a date, or a link. */
function angle(inner, ctx, key) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = ctx.names.users[id] ?? label ?? id;
    return html`<span key=${key} class=${`mention${id === ctx.me ? " me" : ""}`}>@${name}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = ctx.names.channels[id] ?? label ?? id;
    return html`<a key=${key} class="channel-link" href=${`#${id}`} onClick=${(e) => (e.preventDefault(), ctx.openChannel?.(id))}>#${name}</a>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds, format] = target.split("^");
    return html`<span key=${key} class="date" title=${label ? decode(label) : ""}>${formatSlackDate(Number(seconds), format ?? "{date}", ctx)}</span>`;
  }
  if (target.startsWith("!subteam^")) return html`<span key=${key} class="mention">${label ? decode(label) : `@${target.slice(9)}`}</span>`;
  if (target.startsWith("!")) return html`<span key=${key} class="mention broadcast">@${target.slice(1)}</span>`;
  const url = decode(target);
  const inside = permalink.exec(url);
  if (inside) {
    return html`<a key=${key} class="link" href=${`#${inside[1]}`} onClick=${(e) => (e.preventDefault(), ctx.openChannel?.(inside[1]))}>${label ? decode(label) : url}</a>`;
  }
  // Shown, not followed: the sandbox never sends anyone off this machine.
  return html`<span key=${key} class="link" title=${`${url} (links are not followed in the sandbox)`}>${label ? decode(label) : url.replace(/^mailto:/, "")}</span>`;
}

const inlinePattern = new RegExp(
  [
    "`([^`\\n]+)`", // 1 code
    "<([^<>\\n]+)>", // 2 angle
    "(?<![\\w*])\\*(?!\\s)([^*\\n]+?)(?<!\\s)\\*(?![\\w*])", // 3 bold
    "(?<![\\w_])_(?!\\s)([^_\\n]+?)(?<!\\s)_(?![\\w_])", // 4 italic
    "(?<![\\w~])~(?!\\s)([^~\\n]+?)(?<!\\s)~(?![\\w~])", // 5 strike
    ":([a-z0-9_+'-]+):", // 6 emoji
  ].join("|"),
  "g",
);

function inline(text, ctx, prefix = "i") {
  const out = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(inlinePattern)) {
    if (m.index > last) out.push(decode(text.slice(last, m.index)));
    const key = `${prefix}${n++}`;
    if (m[1] !== undefined) out.push(html`<code key=${key}>${decode(m[1])}</code>`);
    else if (m[2] !== undefined) out.push(angle(m[2], ctx, key));
    else if (m[3] !== undefined) out.push(html`<b key=${key}>${inline(m[3], ctx, key)}</b>`);
    else if (m[4] !== undefined) out.push(html`<i key=${key}>${inline(m[4], ctx, key)}</i>`);
    else if (m[5] !== undefined) out.push(html`<s key=${key}>${inline(m[5], ctx, key)}</s>`);
    else if (m[6] !== undefined) out.push(emoji[m[6]] ? html`<span key=${key} class="emoji" title=${`:${m[6]}:`}>${emoji[m[6]]}</span>` : m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(decode(text.slice(last)));
  return out;
}

/** Lines, with runs of "> " lines as quotes. */
function lines(text, ctx, prefix) {
  const segments = [];
  for (const row of text.split("\n")) {
    const last = segments.at(-1);
    if (row.startsWith(">")) {
      if (last?.quote) last.rows.push(row.replace(/^> ?/, ""));
      else segments.push({ quote: true, rows: [row.replace(/^> ?/, "")] });
    } else segments.push({ quote: false, text: row });
  }
  const out = [];
  segments.forEach((segment, i) => {
    const key = `${prefix}s${i}`;
    if (segment.quote) {
      out.push(html`<blockquote key=${key}>${segment.rows.map((row, j) => [j ? html`<br />` : "", ...inline(row, ctx, `${key}.${j}.`)])}</blockquote>`);
      return;
    }
    if (i > 0 && !segments[i - 1].quote) out.push(html`<br key=${`${key}br`} />`);
    out.push(...inline(segment.text, ctx, `${key}.`));
  });
  return out;
}

/** mrkdwn text as elements; ctx = { names, me, tz, nowMs, openChannel }. */
export function Mrkdwn({ text, ctx, plain = false }) {
  if (plain) return html`<span class="plain">${emojiText(text ?? "")}</span>`;
  const parts = String(text ?? "").split("```");
  return html`<span class="mrkdwn">${parts.map((part, i) => (i % 2 ? html`<pre key=${`p${i}`}>${decode(part.replace(/^\n/, ""))}</pre>` : lines(part, ctx, `p${i}`)))}</span>`;
}

/** plain_text with emoji: true shows :name: as the emoji; nothing else is formatted. */
export const emojiText = (text) => text.replace(/:([a-z0-9_+'-]+):/g, (m, name) => emoji[name] ?? m);
