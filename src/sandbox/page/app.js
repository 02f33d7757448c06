// The sandbox page: a Slack-like client over the fake Slack's workspace. It shows what GET /api/screen says one
// person sees, refreshes when the server says something changed (server-sent events), and sends what the person
// does to POST /api/…, where it becomes the signed request Slack would send the bot.
import { h, render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import { Blocks } from "./blocks.js";
import { Modal } from "./modal.js";
import { Mrkdwn, emojiOf } from "./mrkdwn.js";

const html = htm.bind(h);

async function post(act, body) {
  const response = await fetch(`/api/${act}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({ error: "The sandbox answered something that is not JSON." }));
  if (!response.ok) return { ok: false, problem: answer.error ?? `The sandbox answered HTTP ${response.status}.` };
  return answer;
}

/** The screen for one person and conversation, fetched again whenever the server says the workspace changed. */
function useScreen(person, channel) {
  const [screen, setScreen] = useState(undefined);
  const [trouble, setTrouble] = useState(undefined);
  const state = useRef({ inFlight: false, again: false, stopped: false });
  const load = async () => {
    const s = state.current;
    if (s.inFlight) return void (s.again = true);
    s.inFlight = true;
    try {
      do {
        s.again = false;
        const response = await fetch(`/api/screen?as=${encodeURIComponent(person)}&channel=${encodeURIComponent(channel ?? "")}`);
        const body = await response.json();
        if (s.stopped) return;
        if (response.ok) {
          setScreen(body);
          setTrouble(undefined);
        } else setTrouble(body.error);
      } while (s.again && !s.stopped);
    } catch {
      if (!s.stopped) setTrouble("The sandbox is not answering. Is it still running?");
    } finally {
      s.inFlight = false;
    }
  };
  useEffect(() => {
    state.current = { inFlight: false, again: false, stopped: false };
    void load();
    const events = new EventSource("/api/events");
    events.onmessage = () => void load();
    return () => {
      state.current.stopped = true;
      events.close();
    };
  }, [person, channel]);
  return { screen, trouble, reload: load };
}

const timeOf = (ms, tz) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(ms));
const dayOf = (ms, tz) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short" }).format(new Date(ms));

function ahead(ms) {
  if (!ms) return "in step with this machine";
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const hh = Math.floor((minutes % 1440) / 60);
  const mm = minutes % 60;
  return `${[d && `${d} d`, hh && `${hh} h`, mm && `${mm} min`].filter(Boolean).join(" ")} ahead`;
}

function Banner({ onReset, busy }) {
  const [asking, setAsking] = useState(false);
  return html`<div class="banner" role="banner">
    <strong>Sandbox</strong>
    <span>The real Warroom bot with a built-in fake Slack, on this machine only: nothing here reaches Slack or the internet.</span>
    ${asking
      ? html`<span class="reset-ask">Forget every incident, channel and message?
          <button type="button" class="kit-button danger" disabled=${busy} onClick=${() => (setAsking(false), onReset())}>Yes, reset</button>
          <button type="button" class="kit-button" onClick=${() => setAsking(false)}>No</button></span>`
      : html`<button type="button" class="kit-button" disabled=${busy} onClick=${() => setAsking(true)}>Reset sandbox</button>`}
  </div>`;
}

function TopBar({ screen, person, setPerson, onClock, busy }) {
  const me = screen.people.find((p) => p.id === person);
  const now = Date.parse(screen.now);
  return html`<div class="topbar">
    <span class="team">${screen.team}</span>
    <label class="switcher">Acting as
      <select aria-label="Acting as" value=${person} onChange=${(e) => setPerson(e.target.value)}>
        ${screen.people.map((p) => html`<option key=${p.id} value=${p.id}>${p.realName} (@${p.name})</option>`)}
      </select>
    </label>
    <span class="clock" title="The bot's clock: reminders and escalations happen by it">
      <span class="clock-now" data-ahead=${screen.aheadMs}>${dayOf(now, me?.tz ?? "UTC")} ${timeOf(now, me?.tz ?? "UTC")}</span>
      <span class="clock-ahead">(${me?.tz ?? "UTC"}; ${ahead(screen.aheadMs)})</span>
      ${[[5, "+5 min"], [60, "+1 h"], [1440, "+1 day"]].map(
        ([minutes, label]) => html`<button key=${minutes} type="button" class="kit-button" disabled=${busy} onClick=${() => onClock(minutes)}>${label}</button>`,
      )}
    </span>
  </div>`;
}

/** A conversation is unread while someone else's newest message in it is newer than when this person last looked. */
const unread = (c, seenHere) => Boolean(c.latest) && (seenHere?.[c.id] === undefined || Number(c.latest) > Number(seenHere[c.id]));

function Sidebar({ screen, openId, onOpen, seenHere }) {
  const item = (c) => html`<li key=${c.id}>
    <a href=${`#${c.id}`} class=${`conversation${c.id === openId ? " open" : ""}${c.archived ? " archived" : ""}${c.id !== openId && unread(c, seenHere) ? " unread" : ""}`}
       aria-current=${c.id === openId ? "page" : undefined}
       onClick=${(e) => (e.preventDefault(), onOpen(c.id))}>
      <span class="sigil">${c.kind === "dm" ? "◆" : c.private ? "🔒" : "#"}</span>
      <span class="name">${c.name}</span>
      ${c.archived && html`<span class="tag">archived</span>`}
    </a>
  </li>`;
  const channels = screen.conversations.filter((c) => c.kind === "channel");
  const dms = screen.conversations.filter((c) => c.kind === "dm");
  // Slack lists the app under Apps: its Home tab (when the app has one) and its Messages, the DM with it.
  return html`<nav class="sidebar" aria-label="Conversations">
    <h4>Channels</h4>
    <ul>${channels.map(item)}</ul>
    <h4>Apps</h4>
    <ul>
      ${screen.homeTab &&
      html`<li key="home">
        <a href="#home" class=${`conversation${openId === HOME ? " open" : ""}`} aria-current=${openId === HOME ? "page" : undefined}
           onClick=${(e) => (e.preventDefault(), onOpen(HOME))}>
          <span class="sigil" aria-hidden="true">⌂</span><span class="name">Home</span>
        </a>
      </li>`}
      ${dms.length ? dms.map(item) : html`<li class="empty">No messages from warroom yet</li>`}
    </ul>
  </nav>`;
}

/** The "channel" the page shows for the app's Home tab (in the address too: #home). */
const HOME = "home";

/**
 * The app's Home tab: opening it tells the app (app_home_opened, as Slack does each time), which publishes the
 * person's Home; it is shown with the same Block Kit as messages, and refreshed whenever the app publishes it again.
 */
function HomePane({ screen, ctx, act, busy, notice }) {
  useEffect(() => {
    void act("home", {});
  }, []);
  const dm = screen.conversations.find((c) => c.kind === "dm");
  return html`<section class="conversation-pane home-pane" aria-label="warroom Home">
    <header class="conversation-head">
      <h1>◆ warroom <span class="app-badge">APP</span></h1>
      <div class="tabs">
        <span class="tab open" aria-current="page">Home</span>
        ${dm && html`<a class="tab" href=${`#${dm.id}`} onClick=${(e) => (e.preventDefault(), ctx.openChannel(dm.id))}>Messages</a>`}
      </div>
    </header>
    <div class="messages home-body">
      ${screen.home
        ? html`<${Blocks} key=${screen.home.hash} blocks=${screen.home.blocks} ctx=${ctx} onAction=${(actionId, value) => act("homeinteract", { actionId, value })} busy=${busy} />`
        : html`<p class="empty-home">Opening warroom's Home…</p>`}
    </div>
    ${notice && html`<div class="notice" role="status">${notice}</div>`}
  </section>`;
}

const reactionChoices = ["pushpin", "eyes", "+1"];

function Message({ m, ctx, pinned, onAction, onReact, onShortcut, busy, shortcuts }) {
  const [menu, setMenu] = useState(false);
  const author = m.username ?? ctx.names.users[m.user] ?? m.user;
  const real = ctx.people.find((p) => p.id === m.user)?.realName;
  const at = Number(m.ts) * 1000;
  if (m.subtype && m.subtype !== "bot_message") {
    return html`<div class="message system" data-ts=${m.ts}>
      <span class="time">${timeOf(at, ctx.tz)}</span>
      <span><b>${real ?? author}</b> ${m.subtype === "channel_join" ? (m.inviter ? `was added by ${ctx.names.users[m.inviter] ?? m.inviter}` : "joined the channel") : html`<${Mrkdwn} text=${m.text} ctx=${ctx} />`}</span>
    </div>`;
  }
  return html`<article class=${`message${pinned ? " pinned" : ""}`} data-ts=${m.ts}>
    ${pinned && html`<div class="pin-note">📌 Pinned</div>`}
    <div class="message-head">
      <span class="author">${m.bot_id && !m.username ? "warroom" : (real ?? author)}</span>
      ${m.bot_id && html`<span class="app-badge">APP</span>`}
      <span class="time" title=${new Date(at).toISOString()}>${timeOf(at, ctx.tz)}</span>
      ${m.edited && html`<span class="edited">(edited)</span>`}
    </div>
    <div class="message-body">
      ${m.blocks?.length ? html`<${Blocks} blocks=${m.blocks} ctx=${ctx} onAction=${(actionId, value) => onAction({ ts: m.ts }, actionId, value)} busy=${busy} />` : html`<${Mrkdwn} text=${m.text} ctx=${ctx} />`}
    </div>
    ${m.reactions?.length > 0 &&
    html`<div class="reactions">${m.reactions.map(
      (r) => html`<button key=${r.name} type="button" class=${`reaction${r.users.includes(ctx.me) ? " mine" : ""}`} title=${r.users.map((u) => ctx.names.users[u] ?? u).join(", ")}
          onClick=${() => !r.users.includes(ctx.me) && onReact(m.ts, r.name)}>${emojiOf(r.name)} ${r.count}</button>`,
    )}</div>`}
    <div class="message-tools">
      ${reactionChoices.map((name) => html`<button key=${name} type="button" class="tool" title=${`React with :${name}:`} aria-label=${`React with ${name}`} onClick=${() => onReact(m.ts, name)}>${emojiOf(name)}</button>`)}
      ${shortcuts.length > 0 &&
      html`<span class="overflow">
        <button type="button" class="tool" aria-label="More actions" onClick=${() => setMenu(!menu)}>⋯</button>
        ${menu && html`<ul class="menu" role="menu">${shortcuts.map((s) => html`<li key=${s.id} role="menuitem" tabindex="0" onClick=${() => (setMenu(false), onShortcut(m.ts, s.id))}>${s.name}</li>`)}</ul>`}
      </span>`}
    </div>
  </article>`;
}

function Ephemeral({ e, ctx, onAction, onDismiss, busy }) {
  return html`<article class="message ephemeral" data-ephemeral=${e.index}>
    <div class="message-head">
      <span class="author">warroom</span><span class="app-badge">APP</span>
      <span class="time">${timeOf(e.at, ctx.tz)}</span>
      <span class="only-you">Only visible to you</span>
      <button type="button" class="link-button" onClick=${onDismiss}>Dismiss</button>
    </div>
    <div class="message-body">
      ${e.blocks?.length ? html`<${Blocks} blocks=${e.blocks} ctx=${ctx} onAction=${(actionId, value) => onAction({ ephemeral: e.index }, actionId, value)} busy=${busy} />` : html`<${Mrkdwn} text=${e.text} ctx=${ctx} />`}
    </div>
  </article>`;
}

function Conversation({ open, ctx, act, busy, notice, shortcuts }) {
  const [draft, setDraft] = useState("");
  const [dismissed, setDismissed] = useState(() => new Set());
  const list = useRef(null);
  const items = [
    ...open.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts).map((m) => ({ at: Number(m.ts) * 1000, m })),
    ...open.ephemerals.filter((e) => !dismissed.has(e.index)).map((e) => ({ at: e.at, e })),
  ].sort((a, b) => a.at - b.at);
  const count = items.length;
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [count, open.id]);
  const onAction = (where, actionId, value) => act("interact", { channel: open.id, ...where, actionId, value });
  const onReact = (ts, name) => act("react", { channel: open.id, ts, name });
  const onShortcut = (ts, callbackId) => act("shortcut", { channel: open.id, ts, callbackId });
  const send = async (e) => {
    e.preventDefault();
    const text = draft;
    if (!text.trim()) return;
    setDraft("");
    const outcome = await act("composer", { channel: open.id, text });
    if (!outcome.ok && outcome.problem) setDraft(text);
  };
  const replies = (ts) => open.messages.filter((m) => m.thread_ts === ts && m.ts !== ts);
  return html`<section class="conversation-pane" aria-label=${open.kind === "dm" ? "Direct message" : `#${open.name}`}>
    <header class="conversation-head">
      <h1>${open.kind === "dm" ? "◆ " : "# "}${open.name} ${open.archived && html`<span class="tag">archived</span>`}</h1>
      ${open.topic && html`<div class="topic"><${Mrkdwn} text=${open.topic} ctx=${ctx} /></div>`}
      <div class="meta">${open.memberCount} members · ${open.pinned.length} pinned</div>
    </header>
    <div class="messages" ref=${list}>
      ${items.map(({ m, e }) =>
        m
          ? html`<div key=${m.ts} class="message-wrap">
              <${Message} m=${m} ctx=${ctx} pinned=${open.pinned.includes(m.ts)} onAction=${onAction} onReact=${onReact} onShortcut=${onShortcut} busy=${busy} shortcuts=${shortcuts} />
              ${replies(m.ts).length > 0 &&
              html`<div class="thread">${replies(m.ts).map((r) => html`<${Message} key=${r.ts} m=${r} ctx=${ctx} pinned=${open.pinned.includes(r.ts)} onAction=${onAction} onReact=${onReact} onShortcut=${onShortcut} busy=${busy} shortcuts=${shortcuts} />`)}</div>`}
            </div>`
          : html`<${Ephemeral} key=${`e${e.index}`} e=${e} ctx=${ctx} onAction=${onAction} busy=${busy} onDismiss=${() => setDismissed(new Set([...dismissed, e.index]))} />`,
      )}
    </div>
    ${notice && html`<div class="notice" role="status">${notice}</div>`}
    ${open.archived
      ? html`<div class="composer archived-note">You are viewing #${open.name}, an archived channel.</div>`
      : html`<form class="composer" onSubmit=${send}>
          <textarea aria-label="Message" rows="2" placeholder=${`Message ${open.kind === "dm" ? open.name : `#${open.name}`} — or type /incident help`} value=${draft}
            onInput=${(e) => setDraft(e.target.value)}
            onKeyDown=${(e) => e.key === "Enter" && !e.shiftKey && send(e)}></textarea>
          <button type="submit" class="kit-button primary" disabled=${busy}>Send</button>
        </form>`}
  </section>`;
}

/** The app's message shortcuts by callback_id, named the way the manifest's names read ("add_to_x" → "Add to x"). */
const shortcutsOf = (screen) => screen.shortcuts.map((id) => ({ id, name: id.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) }));

function App() {
  const [person, setPersonState] = useState(() => localStorage.getItem("sandbox-person") ?? "U_ALICE");
  const [channel, setChannel] = useState(() => location.hash.slice(1) || undefined);
  const { screen, trouble, reload } = useScreen(person, channel);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(undefined);
  const firstRender = useRef(false);
  // When each person last looked at each conversation (the ts of the newest message then), for the sidebar's bold.
  const [seen, setSeen] = useState(() => {
    try {
      return JSON.parse(localStorage.getItem("sandbox-seen") ?? "{}");
    } catch {
      return {};
    }
  });
  const remember = (next) => {
    localStorage.setItem("sandbox-seen", JSON.stringify(next));
    setSeen(next);
  };
  const onHome = channel === HOME;
  // What was typed in each modal view, kept while views are pushed on top of it.
  const drafts = useRef(new Map());

  useEffect(() => {
    const onHash = () => setChannel(location.hash.slice(1) || undefined);
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    if (screen && !firstRender.current) {
      firstRender.current = true;
      performance.mark("sandbox-first-render");
      document.body.dataset.ready = "true";
    }
  }, [screen]);
  // What the person has open they have seen, up to its newest message.
  const looking = !onHome && screen?.me === person ? screen?.conversations.find((c) => c.id === screen.open?.id) : undefined;
  useEffect(() => {
    if (!looking?.latest || seen[person]?.[looking.id] === looking.latest) return;
    remember({ ...seen, [person]: { ...seen[person], [looking.id]: looking.latest } });
  }, [person, looking?.id, looking?.latest]);

  const setPerson = (id) => {
    localStorage.setItem("sandbox-person", id);
    setNotice(undefined);
    setPersonState(id);
  };
  const openChannel = (id) => {
    setNotice(undefined);
    if (location.hash.slice(1) !== id) location.hash = id;
    setChannel(id);
  };
  const act = async (name, body) => {
    setBusy(true);
    setNotice(undefined);
    try {
      const outcome = await post(name, { as: person, ...body });
      if (!outcome.ok && outcome.problem) setNotice(outcome.problem);
      if (name === "reset" && outcome.ok) remember({});
      await reload();
      return outcome;
    } finally {
      setBusy(false);
    }
  };

  if (!screen) return html`<p class="loading">${trouble ?? "Loading the sandbox…"}</p>`;
  const me = screen.people.find((p) => p.id === person);
  const ctx = { names: screen.names, me: person, tz: me?.tz ?? "UTC", nowMs: Date.parse(screen.now), openChannel, people: screen.people };
  return html`<div class="app">
    <${Banner} busy=${busy} onReset=${() => act("reset", {})} />
    <${TopBar} screen=${screen} person=${person} setPerson=${setPerson} busy=${busy} onClock=${(minutes) => act("clock", { minutes })} />
    ${trouble && html`<div class="trouble" role="alert">${trouble}</div>`}
    <div class="workspace">
      <${Sidebar} screen=${screen} openId=${onHome ? HOME : screen.open?.id} onOpen=${openChannel} seenHere=${seen[person]} />
      ${onHome && screen.homeTab
        ? html`<${HomePane} key=${`home:${person}`} screen=${screen} ctx=${ctx} act=${act} busy=${busy} notice=${notice} />`
        : screen.open
        ? html`<${Conversation} key=${`${person}:${screen.open.id}`} open=${screen.open} ctx=${ctx} act=${act} busy=${busy} notice=${notice} shortcuts=${shortcutsOf(screen)} />`
        : html`<section class="conversation-pane"><p>No conversation.</p></section>`}
    </div>
    ${screen.modal &&
    html`<${Modal} key=${`${screen.modal.id}:${screen.modal.hash}`} modal=${screen.modal} ctx=${ctx} busy=${busy} drafts=${drafts.current}
        onSubmit=${(values) => act("submit", { viewId: screen.modal.id, values })}
        onClose=${(whole) => act("close", { viewId: screen.modal.id, whole })}
        onAction=${() => setNotice("Buttons inside modals are not part of the sandbox yet.")} />`}
  </div>`;
}

render(html`<${App} />`, document.getElementById("app"));
