// A seeded fuzzer that drives the real bot (its HTTP receiver, listeners, outbox and database) through the fake
// Slack with correctly signed but adversarial requests: every /incident subcommand with odd text, clicks with odd
// values and on buttons no message shows, forms submitted with odd state and metadata, reactions and shortcuts
// from war rooms and from elsewhere, all interleaved with ordinary declares and lifecycle steps so there are real
// incidents in every state to hit. After each request it waits for everything the request caused to settle and
// checks what a person would notice: an answer came, no error page, nothing Slack refused, nothing that pings
// everyone, no stack trace or SQL, no "Something went wrong"; at the end, nothing doubled and nothing lost.
import { asc, eq } from "drizzle-orm";
import { incidents, type Incident } from "../../src/db/schema.js";
import { SlackDriver, type InteractionAnswer } from "../../src/fake-slack/driver.js";
import type { RecordedCall } from "../../src/fake-slack/server.js";
import type { FakeEphemeral, FakeMessage, FakeView } from "../../src/fake-slack/workspace.js";
import { ActionItemActions, CardMenu, NudgeActions, OncallActions, PostmortemActions, Shortcuts, Views, WarRoomActions } from "../../src/slack/ids.js";
import type { TestBot } from "../support/bot.js";
import { duplicatesIn, lostIn } from "./invariants.js";
import { Dice, oddDates, oddIds, oddMetadata, oddNumbers, oddText, oddTimes, oddUserIds, typeableText } from "./odd-text.js";

type Json = Record<string, any>;

export interface FuzzFigures {
  seed: number;
  /** Signed requests sent to the bot. */
  inputs: number;
  /** Exceptions or promise failures nobody caught, and a bot that stopped answering. */
  crashes: number;
  /** HTTP 5xx answers. */
  serverErrors: number;
  /** Requests without an answer: no HTTP answer, a 4xx, or a slash command that got neither words nor a form. */
  unanswered: number;
  /** HTTP answers that took longer than Slack's 3 seconds (Slack shows the person an error and may retry). */
  lateAnswers: number;
  /** The slowest HTTP answer, in ms. */
  slowestAnswerMs: number;
  /** <!channel>, <!here> or <!everyone> in anything the bot said in Slack. */
  unescapedBroadcasts: number;
  /** Stack traces, error class names or SQL in anything the bot said. */
  leakedInternals: number;
  /** "Something went wrong" for input that is merely odd (no fault was injected). */
  wentWrong: number;
  /** Calls Slack answered with ok: false (invalid_blocks, msg_too_long, is_archived, …) or views Slack would refuse. */
  refusedSlackCalls: number;
  /** Channels, cards, pins or posts made twice. */
  duplicates: number;
  /** Deliveries that gave up, and declared incidents without a war room. */
  lostDeliveries: number;
  /** Lines the bot logged at error level. */
  errorsLogged: number;
  /** Incidents in the database at the end. */
  incidents: number;
}

export interface FuzzRun {
  figures: FuzzFigures;
  /** Each problem once, with the input that caused it (seed and index reproduce it). */
  problems: string[];
  /** Requests sent, by kind. */
  kinds: Record<string, number>;
}

export interface FuzzOptions {
  seed: number;
  /** Stop after at least this many requests. */
  count: number;
  /** The bot's log lines (JSON), to count errors. */
  logLines?: string[];
  /** Called every so often with the figures so far (the CLI prints them). */
  onProgress?: (figures: FuzzFigures) => void;
  /** Called the first time each kind of problem is seen, with the input that caused it. */
  onNewProblem?: (problem: string) => void;
}

/** Who types and clicks: an admin (INCIDENT_ADMINS) and two others. Someone who left is added at set-up, to be picked. */
const ADMIN = "U_ALICE";
const people = ["U_ALICE", "U_BOB", "U_CAROL"] as const;

const subcommandWords = [
  "",
  "help",
  "HELP",
  "declare",
  "ack",
  "acknowledge",
  "status",
  "status identified",
  "status monitoring",
  "status resolved",
  "status banana",
  "sev",
  "severity",
  "sev 1",
  "sev 9",
  "sev -1",
  "role",
  "roles",
  "role ic",
  "role tech",
  "role comms",
  "role scribe",
  "role janitor",
  "note",
  "timeline",
  "list",
  "list all",
  "list resolved",
  "list closed sev1",
  "search",
  "search sev:1",
  "search status:resolved",
  "search service:",
  "resolve",
  "close",
  "reopen",
  "oncall",
  "oncall schedule",
  "oncall cover",
  "oncall covers",
  "oncall cover Payments primary",
  "oncall covers Payments primary",
  "oncall schedule Payments primary",
  "escalation",
  "escalation policy",
  "postmortem",
  "postmortem review",
  "postmortem publish",
  "postmortem export",
  "postmortem waive",
  "action",
  "action add",
  "action done",
  "action start",
  "action reopen",
  "action snooze",
  "action wontdo",
  "actions",
  "actions mine",
  "actions overdue",
  "audit",
  "audit #1",
  "audit before:3",
  "frobnicate",
  "💥",
];

const knownActions = [...Object.values(WarRoomActions), ...Object.values(ActionItemActions), ...Object.values(NudgeActions), PostmortemActions.start, OncallActions.removeCover];
const knownViews = Object.values(Views);

/** Broadcasts in text Slack renders as mrkdwn: a message's text, mrkdwn objects, a topic. */
const broadcastPattern = /<!(?:channel|here|everyone)(?:\|[^>]*)?>/;
/** What an error's insides look like: a stack frame, an error class, the database talking. */
const internalsPattern =
  /\n\s+at [\w.<>$]+ \(|node_modules|\b(?:TypeError|ReferenceError|RangeError|SyntaxError|ZodError|DrizzleError|DrizzleQueryError|PostgresError)\b|Failed query|invalid input syntax|violates [a-z ]*constraint|duplicate key value|syntax error at or near|out of range for type|invalid byte sequence|unsupported Unicode escape|relation "\w+"|column "\w+"|\bundefined\b|\[object Object\]|\bNaN\b/;
const wentWrongPattern = /something went wrong/i;
/** Slack waits this long for an HTTP answer, then shows the person an error (and retries events). */
const SLACK_ANSWER_MS = 3000;

export class Fuzzer {
  private readonly dice: Dice;
  private readonly problems = new Map<string, { count: number; examples: string[] }>();
  private readonly kinds: Record<string, number> = {};
  private readonly figures: FuzzFigures;
  private seenCalls = 0;
  private index = 0;
  private current = "";
  private readonly otherTeam: SlackDriver;

  constructor(
    private readonly h: TestBot,
    private readonly options: FuzzOptions,
  ) {
    this.dice = new Dice(options.seed);
    this.figures = {
      seed: options.seed,
      inputs: 0,
      crashes: 0,
      serverErrors: 0,
      unanswered: 0,
      lateAnswers: 0,
      slowestAnswerMs: 0,
      unescapedBroadcasts: 0,
      leakedInternals: 0,
      wentWrong: 0,
      refusedSlackCalls: 0,
      duplicates: 0,
      lostDeliveries: 0,
      errorsLogged: 0,
      incidents: 0,
    };
    // The same app installed in a second workspace: Slack signs its requests with the same secret.
    this.otherTeam = new SlackDriver({ fake: h.fake, botUrl: `http://127.0.0.1:${h.bot.port}/slack/events`, signingSecret: h.config.SLACK_SIGNING_SECRET, teamId: "T0OTHER001" });
  }

  private get driver(): SlackDriver {
    return this.h.driver;
  }

  async run(): Promise<FuzzRun> {
    const onCrash = (error: unknown) => this.problem("crashes", "crash", `${String((error as Error)?.stack ?? error)}`);
    process.on("uncaughtException", onCrash);
    process.on("unhandledRejection", onCrash);
    try {
      await this.setUp();
      while (this.figures.inputs < this.options.count) {
        this.index++;
        await this.oneInput();
        await this.settle();
        this.checkWhatSlackSaw();
        if (this.index % 50 === 0) this.options.onProgress?.({ ...this.figures });
      }
      await this.checkTheEnd();
    } finally {
      process.off("uncaughtException", onCrash);
      process.off("unhandledRejection", onCrash);
    }
    return { figures: { ...this.figures }, problems: [...this.problems].map(([key, p]) => `${key} (${p.count}×)\n    ${p.examples.join("\n    ")}`), kinds: { ...this.kinds } };
  }

  // ---- the workspace before the first odd input ----

  private async setUp(): Promise<void> {
    const fake = this.h.fake;
    fake.addUser({ id: "U_GONE", name: "gone", real_name: "Gone Person", deleted: true });
    fake.createChannel({ name: "secret-plans", creator: "U_BOB", members: ["U_BOB", "U_ALICE"], isPrivate: true });
    this.current = "set-up: schedule";
    const schedule = await this.command(ADMIN, this.general(), "oncall schedule");
    const scheduleView = await this.viewOpenedBy(schedule);
    if (scheduleView) {
      await this.submit("setup", scheduleView, {
        values: { name: "Payments primary", members: ["U_BOB", "U_CAROL"], time_zone: "UTC", handoff: "09:00", length: "24", start_date: "2026-11-22" },
      });
    }
    for (const title of ["Checkout is down", "Search is slow"]) {
      this.current = `set-up: declare ${title}`;
      await this.declare(ADMIN, title, { severity: "sev2" });
    }
    await this.settle();
    this.checkWhatSlackSaw();
  }

  // ---- one input, chosen by the dice ----

  private async oneInput(): Promise<void> {
    const kind = this.dice.weighted<() => Promise<void>>([
      [8, () => this.oddDeclare()],
      [30, () => this.oddCommand()],
      [12, () => this.lifecycleStep()],
      [12, () => this.clickSomething()],
      [8, () => this.submitAnOpenForm()],
      [5, () => this.forgedClick()],
      [5, () => this.forgedSubmission()],
      [8, () => this.reactSomewhere()],
      [5, () => this.shortcutSomewhere()],
      [2, () => this.fromAnotherWorkspace()],
      [2, () => this.misshapen()],
    ]);
    await kind();
  }

  private async oddDeclare(): Promise<void> {
    const ordinary = this.dice.chance(0.4);
    const title = ordinary ? this.dice.pick(["Checkout is down", "Payments 502", "DB failover", "Latency in EU"]) : oddText(this.dice);
    await this.declare(this.person(), title, { odd: !ordinary });
  }

  private async oddCommand(): Promise<void> {
    const incident = await this.someIncident();
    const reference = incident && this.dice.chance(0.3) ? `#${incident.number} ` : "";
    const word = this.dice.pick(subcommandWords);
    const [first = "", ...more] = word.split(" ");
    const args = this.dice.chance(0.15) ? "" : oddText(this.dice);
    const text = [first, reference + [...more, args].join(" ")].join(" ").trim();
    const answer = await this.command(this.person(), await this.someChannel(incident), text);
    if (answer && this.dice.chance(0.5)) {
      const view = await this.viewOpenedBy(answer);
      if (view) await this.submitOddly(view);
    }
  }

  /** Ordinary steps by the admin, with odd words, so incidents reach every state (resolved, closed, reopened). */
  private async lifecycleStep(): Promise<void> {
    const incident = await this.someIncident();
    if (!incident) return this.oddDeclare();
    const odd = () => oddText(this.dice, { long: 0.1 });
    const n = `#${incident.number}`;
    const text = this.dice.pick([
      `ack ${n}`,
      `status ${n} identified ${odd()}`,
      `status ${n} monitoring ${odd()}`,
      `status ${n}`,
      `sev ${n} ${1 + this.dice.below(4)} ${odd()}`,
      `note ${n} ${odd()}`,
      `note ${n} ${odd()}`,
      `resolve ${n} ${odd()}`,
      `resolve ${n} ${odd()}`,
      `resolve ${n}`,
      `close ${n}`,
      `close ${n}`,
      `reopen ${n} ${odd()}`,
      `role ${n} ${this.dice.pick(["ic", "tech", "comms", "scribe"])} @${this.dice.pick(["alice", "bob", "carol", "gone", "nobody"])}`,
      `role ${n}`,
      `postmortem waive ${n} ${odd()}`,
      `postmortem review ${n}`,
      `postmortem publish ${n}`,
      `postmortem export ${n}`,
      `postmortem ${n}`,
      `action add ${n} ${odd()}`,
      `action add ${n} ${odd()}`,
      `action add ${n} ${odd()}`,
      `action add ${n} ${odd()}`,
      `actions ${n}`,
      `timeline ${n}`,
      `action ${this.dice.pick(["done", "start", "reopen", "snooze", "wontdo"])} ${this.dice.pick(["1", "2", "3", "4", "5", "#1", "0"])} ${odd()}`,
    ]);
    const user = this.dice.chance(0.8) ? ADMIN : this.person();
    const answer = await this.command(user, await this.someChannel(incident, true), text);
    if (answer) {
      const view = await this.viewOpenedBy(answer);
      if (view) await this.submitOddly(view);
    }
  }

  /** Any button or menu the bot put in a message or an ephemeral, clicked with its own value or an odd one. */
  private async clickSomething(): Promise<void> {
    const targets = this.clickables();
    if (targets.length === 0) return this.oddCommand();
    const target = this.dice.pick(targets);
    const user = this.dice.chance(0.7) ? ADMIN : this.person();
    const el = target.element;
    let value: string | undefined;
    let answer: { triggerId?: string } | undefined;
    if (el.type === "button") {
      value = this.dice.chance(0.6) ? String(el.value ?? "") : this.dice.pick(oddIds);
    } else {
      const options = (el.options as Json[] | undefined) ?? [];
      value = this.dice.chance(0.8) && options.length ? String(this.dice.pick(options).value) : undefined;
    }
    if (value === undefined) {
      await this.send("forged-click", `${el.action_id} with an option nobody offered`, () => this.forgedBlockAction(user, String(el.action_id), target.channel, target.message?.ts, el.type === "button" ? "button" : String(el.type)));
    } else if (target.ephemeral) {
      const ephemeral = target.ephemeral;
      answer = await this.send("click", `${el.action_id}=${JSON.stringify(value)} in an ephemeral`, () => this.driver.clickInEphemeral({ userId: ephemeral.user, ephemeral, actionId: String(el.action_id), value }));
    } else {
      const message = target.message!;
      answer = await this.send("click", `${el.action_id}=${JSON.stringify(value)} on ${message.ts} in ${target.channel}`, () =>
        this.driver.clickButton({ userId: user, channelId: target.channel, messageTs: message.ts, actionId: String(el.action_id), value }),
      );
    }
    if (answer && this.dice.chance(0.7)) {
      const view = await this.viewOpenedBy(answer);
      if (view) await this.submitOddly(view);
    }
  }

  private async submitAnOpenForm(): Promise<void> {
    const open = this.h.fake.views.filter((v) => !v.closed && v.view.submit);
    if (open.length === 0) return this.clickSomething();
    await this.submitOddly(this.dice.pick(open.slice(-20)));
  }

  /** A click on a button no message shows: a known action id with an odd value, or an action nobody knows. */
  private async forgedClick(): Promise<void> {
    const actionId = this.dice.chance(0.7) ? this.dice.pick(knownActions) : this.dice.pick(["incident_retired_button", "", "x".repeat(255), "__proto__", "constructor", "incident_acknowledge "]);
    const incident = await this.someIncident();
    const channel = await this.someChannel(incident);
    const ts = this.dice.chance(0.5) ? incident?.summaryTs ?? undefined : this.dice.pick(["1.000001", "0", "not-a-ts"]);
    await this.send("forged-click", `${JSON.stringify(actionId)} in ${channel}`, () => this.forgedBlockAction(this.person(), actionId, channel, ts, this.dice.pick(["button", "overflow", "static_select", "users_select", "datepicker"])));
  }

  private forgedBlockAction(userId: string, actionId: string, channel: string, messageTs: string | undefined, type: string) {
    const value = this.dice.pick(oddIds);
    const action: Json = { type, action_id: actionId, block_id: this.dice.pick(["b", "", "actions"]), action_ts: String(Date.now() / 1000) };
    if (type === "button") action.value = value;
    else if (type === "users_select") action.selected_user = this.dice.pick(oddUserIds);
    else if (type === "datepicker") action.selected_date = this.dice.pick(oddDates);
    else if (this.dice.chance(0.8)) action.selected_option = { text: { type: "plain_text", text: "x" }, value: this.dice.pick([...Object.values(CardMenu), ...oddIds]) };
    const payload: Json = {
      type: "block_actions",
      user: { id: userId, username: userId, name: userId, team_id: this.h.fake.teamId },
      api_app_id: this.h.fake.workspace.bot.appId,
      token: "deprecated-verification-token",
      trigger_id: this.h.fake.issueTriggerId(userId),
      team: { id: this.h.fake.teamId, domain: this.h.fake.workspace.team.domain },
      enterprise: null,
      is_enterprise_install: false,
      response_url: this.h.fake.issueResponseUrl({ userId, channelId: channel, messageTs }),
      actions: [action],
      state: { values: {} },
    };
    if (this.dice.chance(0.85)) payload.channel = { id: channel, name: this.h.fake.channel(channel)?.name ?? "" };
    if (messageTs && this.dice.chance(0.85)) payload.container = { type: "message", message_ts: messageTs, channel_id: channel, is_ephemeral: false };
    if (messageTs && this.dice.chance(0.5)) payload.message = { type: "message", ts: messageTs, text: "", blocks: [] };
    return this.driver.interaction(payload);
  }

  /** A form submission for a form that was never opened (or no longer exists), with odd state and metadata. */
  private async forgedSubmission(): Promise<void> {
    const callbackId = this.dice.chance(0.85) ? this.dice.pick(knownViews) : this.dice.pick(["", "retired_form", "__proto__"]);
    const userId = this.person();
    const values: Json = {};
    for (const block of this.dice.pick([["title", "severity"], ["summary", "root_cause"], ["status", "message"], ["description", "owner", "due"], ["name", "members"], [] as string[]])) {
      values[block] = { [`${block}_input`]: this.oddElementState(this.dice.pick(["plain_text_input", "static_select", "users_select", "datepicker", "multi_users_select", "number_input"]), undefined) };
    }
    const view: Json = {
      id: this.dice.pick(["V0NOSUCHVIEW", "V0" + "9".repeat(8)]),
      team_id: this.h.fake.teamId,
      type: "modal",
      callback_id: callbackId,
      private_metadata: this.dice.pick(oddMetadata),
      blocks: [],
      hash: "1.x",
      title: { type: "plain_text", text: "x" },
      app_id: this.h.fake.workspace.bot.appId,
      bot_id: this.h.fake.botId,
    };
    if (this.dice.chance(0.85)) view.state = { values };
    await this.send("forged-view", `${callbackId} with metadata ${JSON.stringify(String(view.private_metadata).slice(0, 60))}`, () =>
      this.driver.interaction({
        type: "view_submission",
        team: { id: this.h.fake.teamId, domain: this.h.fake.workspace.team.domain },
        user: { id: userId, username: userId, name: userId, team_id: this.h.fake.teamId },
        api_app_id: this.h.fake.workspace.bot.appId,
        token: "deprecated-verification-token",
        trigger_id: this.h.fake.issueTriggerId(userId),
        view,
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      }),
    );
  }

  /** A person writes something odd (in a war room or elsewhere) and someone pins it with a reaction, or a forged reaction. */
  private async reactSomewhere(): Promise<void> {
    const fake = this.h.fake;
    const user = this.person();
    const incident = await this.someIncident();
    const channel = this.openChannel(await this.someChannel(incident, true));
    if (this.dice.chance(0.15)) {
      // Slack would not send these, but a signed request could: a reaction to a message nobody can find.
      const event = { type: "reaction_added", user, reaction: this.dice.pick(["pushpin", "round_pushpin", "+1"]), item_user: user, item: this.dice.pick([{ type: "message", channel, ts: "1.000001" }, { type: "file", file: "F123" }, { type: "message", channel: "C0NOWHERE1", ts: "" }]) };
      await this.send("event", `forged reaction ${JSON.stringify(event.item)}`, () => this.driver.sendEvent(event));
      return;
    }
    const ordinary = fake.messagesIn(channel).filter((m) => !m.subtype);
    const message = this.dice.chance(0.6) || ordinary.length === 0 ? fake.postAsUser(channel, user, oddText(this.dice, { surrogates: true })) : this.dice.pick(ordinary);
    if (!fake.channel(channel)!.members.includes(user)) fake.postAsUser(channel, user, "joining");
    const reaction = this.dice.pick(["pushpin", "pushpin", "pushpin", "round_pushpin", "+1", "💥"]);
    await this.send("event", `:${reaction}: on ${message.ts} in ${channel}`, () => this.driver.react({ userId: user, channelId: channel, ts: message.ts, name: reaction, retryNum: this.dice.chance(0.1) ? 1 : undefined }));
  }

  private async shortcutSomewhere(): Promise<void> {
    const fake = this.h.fake;
    const user = this.person();
    const incident = await this.someIncident();
    const channel = this.openChannel(await this.someChannel(incident, true));
    const candidates = fake.messagesIn(channel);
    const message = this.dice.chance(0.5) || candidates.length === 0 ? fake.postAsUser(channel, user, oddText(this.dice, { surrogates: true })) : this.dice.pick(candidates);
    const callbackId = this.dice.chance(0.85) ? Shortcuts.addToTimeline : this.dice.pick(["retired_shortcut", ""]);
    const answer = await this.send("shortcut", `${callbackId} on ${message.ts} in ${channel}`, () => this.driver.messageShortcut({ userId: user, channelId: channel, messageTs: message.ts, callbackId }));
    if (answer) this.expectWords(answer, "shortcut");
  }

  /**
   * A signed body in a shape Slack never sends (a view without an id, an input value that is a number, a reaction
   * to nothing): the receiver's door answers 400 before Bolt reads it. Any answer but a 5xx or silence will do.
   */
  private async misshapen(): Promise<void> {
    const userId = this.person();
    const fake = this.h.fake;
    const who = { id: userId, username: userId, name: userId, team_id: fake.teamId };
    const team = { id: fake.teamId, domain: fake.workspace.team.domain };
    const [what, send] = this.dice.pick<[string, () => Promise<{ status: number; body: unknown; elapsedMs: number }>]>([
      ["a view without an id", () => this.driver.interaction({ type: "view_submission", team, user: who, view: { id: "", callback_id: Views.declare, private_metadata: "" } })],
      ["an input whose value is a number", () => this.driver.interaction({ type: "view_submission", team, user: who, view: { id: "V0NOSUCHVIEW", callback_id: Views.resolve, state: { values: { summary: { summary_input: { type: "plain_text_input", value: 5 } } } } } })],
      ["selected_users that is not a list", () => this.driver.interaction({ type: "view_submission", team, user: who, view: { id: "V0NOSUCHVIEW", callback_id: Views.policy, state: { values: { level_1_users: { level_1_users_input: { type: "multi_users_select", selected_users: "U_BOB" } } } } } })],
      ["a click without actions", () => this.driver.interaction({ type: "block_actions", team, user: who, actions: [] })],
      ["a reaction to nothing", () => this.driver.sendEvent({ type: "reaction_added", user: userId, reaction: "pushpin", item: {} })],
      ["a shortcut without a message", () => this.driver.interaction({ type: "message_action", callback_id: Shortcuts.addToTimeline, team, user: who, trigger_id: fake.issueTriggerId(userId), response_url: "x", channel: { id: this.general() } })],
      ["a command without a channel", () => this.driver.raw({ contentType: "application/x-www-form-urlencoded", body: new URLSearchParams({ command: "/incident", text: "note x", team_id: fake.teamId, user_id: userId, trigger_id: "t", response_url: "x" }).toString() })],
    ]);
    await this.send("misshapen", what, send, { misshapen: true });
  }

  private async fromAnotherWorkspace(): Promise<void> {
    const text = `${this.dice.pick(subcommandWords)} ${oddText(this.dice)}`;
    const answer = await this.send("other-team", `/incident ${JSON.stringify(text.slice(0, 200))}`, () => this.otherTeam.slashCommand({ userId: this.person(), channelId: this.general(), text }));
    if (answer) this.expectWords(answer, "command");
  }

  // ---- forms ----

  private async declare(userId: string, title: string, opts: { severity?: string; odd?: boolean } = {}): Promise<void> {
    const answer = await this.command(userId, this.dice.chance(0.8) ? this.general() : await this.someChannel(await this.someIncident()), `declare ${title}`);
    const view = answer ? await this.viewOpenedBy(answer) : undefined;
    if (!view || view.callback_id !== Views.declare) return;
    if (opts.odd) return this.submitOddly(view);
    await this.submit("declare", view, { values: { severity: opts.severity ?? this.dice.pick(["sev1", "sev2", "sev3", "sev4"]), description: typeableText(this.dice, 3000), commander: this.dice.pick([...people]) } });
  }

  /** Submits a form as its user would (odd but typeable), as a broken client would (odd state), or without state. */
  private async submitOddly(view: FakeView): Promise<void> {
    const stored = this.h.fake.view(view.id);
    // A form without a submit button (one that only says something) cannot be submitted.
    if (!stored || stored.closed || !stored.view.submit) return;
    if (this.dice.chance(0.1)) stored.view.private_metadata = this.dice.pick(oddMetadata);
    const userId = this.dice.chance(0.85) ? stored.user : this.person();
    const mode = this.dice.weighted<"typed" | "state" | "beyond" | "without">([
      [60, "typed"],
      [25, "state"],
      [10, "beyond"],
      [5, "without"],
    ]);
    const inputs = inputBlocks(stored);
    if (mode === "without") return void (await this.submit(mode, stored, { withoutState: true, userId }));
    if (mode === "state") {
      const state: Record<string, Record<string, unknown>> = {};
      for (const block of inputs) {
        if (this.dice.chance(0.15)) continue;
        const actionId = this.dice.chance(0.95) ? String(block.element.action_id) : "wrong_action";
        state[block.block_id] = { [actionId]: this.oddElementState(String(block.element.type), block.element) };
      }
      return void (await this.submit(mode, stored, { state, userId }));
    }
    const values: Record<string, string | string[] | null> = {};
    for (const block of inputs) {
      if (this.dice.chance(0.2)) continue;
      const typed = this.typedValue(block.element, mode === "beyond");
      if (typed !== undefined) values[block.block_id] = typed;
    }
    await this.submit(mode, stored, { values, beyondClientLimits: mode === "beyond", userId });
  }

  /** What a person can put in an element with Slack's own client (odd text, any offered option, any date). */
  private typedValue(el: Json, beyond: boolean): string | string[] | null | undefined {
    const options = ((el.options as Json[] | undefined) ?? []).map((o) => String(o.value));
    switch (el.type) {
      case "plain_text_input":
        return beyond ? oddText(this.dice, { long: 0.6 }) : typeableText(this.dice, typeof el.max_length === "number" ? el.max_length : 3000);
      case "number_input":
        return this.dice.pick(["-5", "0", "1", "3", "61", "1441", "100000", "1.5", "999999999"]);
      case "static_select":
      case "radio_buttons":
        return options.length ? this.dice.pick(options) : undefined;
      case "multi_static_select":
      case "checkboxes":
        return options.filter(() => this.dice.chance(0.5));
      case "users_select":
        return this.dice.pick(["U_ALICE", "U_BOB", "U_CAROL", "U_GONE", "UBOT", null]);
      case "multi_users_select":
        return ["U_ALICE", "U_BOB", "U_CAROL", "U_GONE", "UBOT"].filter(() => this.dice.chance(0.4));
      case "datepicker":
        return this.dice.pick(["2026-11-22", "2026-12-31", "2999-12-31", "9999-12-31", "1970-01-01", "0001-01-01", "2036-11-23", null]);
      case "timepicker":
        return this.dice.pick(["00:00", "09:00", "23:59", "12:30", null]);
      case "conversations_select":
      case "channels_select":
        return this.dice.pick([this.general(), "C0NOWHERE1", null]);
      default:
        return undefined;
    }
  }

  /** An element's state as a broken or hand-made client could send it: any type, any value. */
  private oddElementState(type: string, el: Json | undefined): Json {
    const wrongType = this.dice.chance(0.1);
    const text = () => oddText(this.dice, { surrogates: true, long: 0.1 });
    switch (wrongType ? this.dice.pick(["plain_text_input", "static_select", "users_select", "datepicker"]) : type) {
      case "plain_text_input":
        return { type, value: this.dice.chance(0.1) ? null : text() };
      case "number_input":
        return { type, value: this.dice.pick(oddNumbers) };
      case "static_select":
      case "radio_buttons": {
        const offered = ((el?.options as Json[] | undefined) ?? []).map((o) => String(o.value));
        const value = this.dice.chance(0.4) && offered.length ? this.dice.pick(offered) : this.dice.pick([...oddIds, "sev0", "sev5", "SEV1", "resolved", "closed"]);
        return { type, selected_option: this.dice.chance(0.1) ? null : { text: { type: "plain_text", text: text().slice(0, 75) || "x" }, value } };
      }
      case "multi_static_select":
      case "checkboxes":
        return { type, selected_options: this.dice.chance(0.1) ? [] : [{ text: { type: "plain_text", text: "x" }, value: this.dice.pick([...oddIds, "share", "another", "default"]) }] };
      case "users_select":
        return { type, selected_user: this.dice.pick(oddUserIds) };
      case "multi_users_select":
        return { type, selected_users: oddUserIds.filter(() => this.dice.chance(0.3)) };
      case "datepicker":
        return { type, selected_date: this.dice.pick(oddDates) };
      case "timepicker":
        return { type, selected_time: this.dice.pick(oddTimes) };
      default:
        return { type, value: text() };
    }
  }

  private async submit(kind: string, view: FakeView, opts: { values?: Json; state?: Record<string, Record<string, unknown>>; withoutState?: boolean; beyondClientLimits?: boolean; userId?: string }) {
    const userId = opts.userId ?? view.user;
    const shown = JSON.stringify(opts.state ?? opts.values ?? "without state").slice(0, 300);
    const answer = await this.send(`submit-${kind}`, `${view.callback_id} as ${userId}: ${shown}`, () =>
      this.driver.submitView({ viewId: view.id, userId, values: opts.values as never, state: opts.state, withoutState: opts.withoutState, beyondClientLimits: opts.beyondClientLimits }),
    );
    return answer;
  }

  // ---- sending, and what each answer must be ----

  private async command(userId: string, channelId: string, text: string): Promise<InteractionAnswer | undefined> {
    const answer = await this.send("command", `/incident ${JSON.stringify(text).slice(0, 300)} by ${userId} in ${channelId}`, () => this.driver.slashCommand({ userId, channelId, text }));
    if (answer) this.expectWords(answer, "command");
    return answer;
  }

  /** Sends one request and checks its HTTP answer; undefined when there was none. */
  private async send<A extends { status: number; body: any; elapsedMs: number; rejectedBySlack?: string[] }>(kind: string, what: string, request: () => Promise<A>, opts: { misshapen?: boolean } = {}): Promise<A | undefined> {
    this.figures.inputs++;
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
    this.current = `#${this.index} ${kind}: ${what}`;
    let answer: A;
    try {
      answer = await request();
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      // The driver's own checks: Slack refusing to show what the bot answered with.
      if (/Slack would refuse/.test(message)) this.problem("refusedSlackCalls", "answer Slack would refuse", message);
      else this.problem("unanswered", "no answer", message);
      return undefined;
    }
    this.figures.slowestAnswerMs = Math.max(this.figures.slowestAnswerMs, Math.round(answer.elapsedMs));
    if (answer.elapsedMs > SLACK_ANSWER_MS) this.problem("lateAnswers", "answered after Slack's 3 seconds", `${Math.round(answer.elapsedMs)} ms`);
    if (answer.status >= 500) this.problem("serverErrors", `HTTP ${answer.status}`, JSON.stringify(answer.body).slice(0, 200));
    else if (opts.misshapen ? answer.status >= 300 && answer.status !== 400 : answer.status !== 200) this.problem("unanswered", `HTTP ${answer.status}`, JSON.stringify(answer.body).slice(0, 200));
    if (answer.rejectedBySlack?.length) this.problem("refusedSlackCalls", "an answer Slack would refuse", answer.rejectedBySlack.join("; "));
    this.checkSaid("the answer", answer.body, { mrkdwn: true });
    return answer;
  }

  /** A person who ran a command (or shortcut) hears back: words in the answer, a form, or words through the response URL. */
  private expectWords(answer: InteractionAnswer, what: "command" | "shortcut"): void {
    this.pendingAnswers.push({ answer, what, input: this.current });
  }

  private pendingAnswers: Array<{ answer: InteractionAnswer; what: string; input: string }> = [];

  private checkPendingAnswers(): void {
    const fake = this.h.fake;
    for (const { answer, what, input } of this.pendingAnswers.splice(0)) {
      if (answer.status !== 200) continue;
      const inBody = typeof answer.body === "object" && answer.body !== null && (answer.body.text || answer.body.blocks);
      const form = fake.views.some((v) => v.triggerId === answer.triggerId);
      const later = fake.workspace.ephemerals.some((e) => e.responseUrl === answer.responseUrl);
      // A shortcut that pins a message answers with the reaction's effect (the timeline), not words: only commands must speak.
      if (!inBody && !form && !later && what === "command") this.problem("unanswered", "a command without an answer", input, input);
    }
  }

  /**
   * Waits until everything the last request caused has happened: its listeners (a form opened after the ack),
   * the deliveries they enqueued, and Slack's side of them; again while a round still set anything off.
   */
  private async settle(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (let round = 0; round < 5; round++) {
      const calls = this.h.fake.calls.length;
      await this.h.bot.requestsIdle();
      await this.h.bot.outbox.waitUntilIdle(Math.max(1000, deadline - Date.now())).catch((error: Error) => this.problem("lostDeliveries", "deliveries stuck", error.message));
      await this.h.fake.quiet();
      if (this.h.fake.calls.length === calls) break;
    }
    this.checkPendingAnswers();
  }

  /** Everything the bot sent to Slack since the last look: refused calls and what the words say. */
  private checkWhatSlackSaw(): void {
    const calls = this.h.fake.calls;
    for (; this.seenCalls < calls.length; this.seenCalls++) {
      const call = calls[this.seenCalls]!;
      if (!call.ok && !expectedRefusal(call)) this.problem("refusedSlackCalls", `${call.method} refused with ${call.error}`, describeCall(call));
      this.checkSaid(call.method, spokenArgs(call), { mrkdwn: true });
    }
  }

  /** Words shown to a person: never a broadcast, an error's insides, or "Something went wrong". */
  private checkSaid(where: string, said: unknown, opts: { mrkdwn: boolean }): void {
    if (said === undefined || said === null || said === "") return;
    const all = JSON.stringify(said);
    const rendered = JSON.stringify(withoutPlainText(said));
    const broadcast = opts.mrkdwn ? broadcastPattern.exec(rendered) : null;
    if (broadcast) this.problem("unescapedBroadcasts", `${broadcast[0]} in ${where}`, excerpt(rendered, broadcast.index));
    const leak = internalsPattern.exec(all);
    if (leak) this.problem("leakedInternals", `"${leak[0]}" in ${where}`, excerpt(all, leak.index));
    const wrong = wentWrongPattern.exec(all);
    if (wrong) this.problem("wentWrong", `"Something went wrong" in ${where}`, excerpt(all, wrong.index));
  }

  // ---- the end: nothing doubled, nothing lost, still up ----

  private async checkTheEnd(): Promise<void> {
    this.current = "the end";
    await this.settle();
    this.checkWhatSlackSaw();
    for (const problem of await duplicatesIn(this.h.fake, this.h.database.db)) this.problem("duplicates", "doubled", problem);
    for (const problem of await lostIn(this.h.fake, this.h.database.db)) this.problem("lostDeliveries", "lost", problem);
    this.figures.incidents = (await this.incidents()).length;
    const errors = (this.options.logLines ?? []).map((line) => safeParse(line)).filter((l) => (l?.level ?? 0) >= 50);
    for (const e of errors) this.problem("errorsLogged", "logged an error", `${e.msg}: ${String(e.err?.message ?? "").slice(0, 200)}`);
    try {
      const health = await fetch(`${this.botBase()}/healthz`);
      if (!health.ok) this.problem("crashes", "crash", `healthz answered ${health.status}`);
    } catch (error) {
      this.problem("crashes", "crash", `the bot no longer answers: ${String(error)}`);
    }
  }

  private botBase(): string {
    return `http://127.0.0.1:${this.h.bot.port}`;
  }

  // ---- picking things ----

  private person(): string {
    return this.dice.pick(people);
  }

  private general(): string {
    return this.h.fake.channelByName("general")!.id;
  }

  private incidents(): Promise<Incident[]> {
    return this.h.database.db.select().from(incidents).where(eq(incidents.teamId, this.h.fake.teamId)).orderBy(asc(incidents.number));
  }

  private async someIncident(): Promise<Incident | undefined> {
    const all = await this.incidents();
    return all.length ? this.dice.pick(all) : undefined;
  }

  /** Where a person types: the incident's war room (or one it had), another channel, a DM, a channel the bot is not in. */
  private async someChannel(incident: Incident | undefined, preferWarRoom = false): Promise<string> {
    const fake = this.h.fake;
    const rooms = incident ? [incident.channelId, ...(incident.previousChannelIds ?? [])].filter((c): c is string => Boolean(c)) : [];
    if (rooms.length && (preferWarRoom ? this.dice.chance(0.7) : this.dice.chance(0.45))) {
      const room = this.dice.pick(rooms);
      // Nobody can type in an archived channel.
      if (!fake.channel(room)?.is_archived) return room;
    }
    return this.dice.weighted([
      [5, this.general()],
      [2, fake.channelByName("incidents")!.id],
      [1, fake.channelByName("secret-plans")!.id],
      [1, fake.workspace.imWith(this.dice.pick(people)).id],
      [1, "C0NOWHERE1"],
    ]);
  }

  /** A channel where a person can write (not archived, not one that does not exist). */
  private openChannel(channel: string): string {
    const c = this.h.fake.channel(channel);
    return c && !c.is_archived && !c.is_im ? channel : this.general();
  }

  private clickables(): Array<{ channel: string; message?: FakeMessage; ephemeral?: FakeEphemeral; element: Json }> {
    const fake = this.h.fake;
    const found: Array<{ channel: string; message?: FakeMessage; ephemeral?: FakeEphemeral; element: Json }> = [];
    for (const channel of fake.channels) {
      for (const message of fake.messagesIn(channel.id).slice(-30)) {
        if (message.user !== fake.botUserId) continue;
        for (const element of interactiveElements(message.blocks)) found.push({ channel: channel.id, message, element });
      }
    }
    for (const ephemeral of fake.workspace.ephemerals.slice(-30)) {
      for (const element of interactiveElements(ephemeral.blocks)) if (element.type === "button") found.push({ channel: ephemeral.channel, ephemeral, element });
    }
    return found;
  }

  private async viewOpenedBy(answer: { triggerId?: string } | undefined): Promise<FakeView | undefined> {
    if (!answer?.triggerId) return undefined;
    await this.h.bot.requestsIdle();
    return this.h.fake.views.find((v) => v.triggerId === answer.triggerId && !v.closed);
  }

  private problem(figure: keyof FuzzFigures, what: string, details: string, input = this.current): void {
    (this.figures[figure] as number)++;
    const key = `${figure}: ${what}`;
    const seen = this.problems.get(key) ?? { count: 0, examples: [] };
    if (seen.count === 0) this.options.onNewProblem?.(`${key} — ${details.slice(0, 300)}\n      after input ${input.slice(0, 300)}`);
    seen.count++;
    if (seen.examples.length < 3) seen.examples.push(`${details.slice(0, 400)}\n      after input ${input.slice(0, 400)}`);
    this.problems.set(key, seen);
  }

}

/**
 * Slack answers that are part of ordinary work: "already so" (a retry, a person already there, a name in use), and
 * "no such person" to a lookup, which is how the bot checks a user id a request named.
 */
function expectedRefusal(call: RecordedCall): boolean {
  if (call.method === "users.info" && call.error === "user_not_found") return true;
  return ["already_in_channel", "already_pinned", "name_taken", "already_archived"].includes(call.error ?? "");
}

function describeCall(call: RecordedCall): string {
  return JSON.stringify(call.args).slice(0, 300);
}

/** The parts of a call's arguments a person reads (what a message, topic, modal or response says). */
function spokenArgs(call: RecordedCall): unknown {
  const a = call.args as Json;
  switch (call.method) {
    case "chat.postMessage":
    case "chat.update":
    case "chat.postEphemeral":
    case "response_url":
      return { text: a.text, blocks: a.blocks };
    case "conversations.setTopic":
      return { text: a.topic };
    case "views.open":
    case "views.push":
    case "views.update":
      // What a person typed, echoed back into an input box or kept in private_metadata, is never rendered as mrkdwn.
      return withoutKeys(typeof a.view === "string" ? safeParse(a.view) : a.view, ["initial_value", "private_metadata"]);
    default:
      return undefined;
  }
}

/** plain_text objects show their text as is (no mentions, no pings); values and ids are never shown. */
function withoutPlainText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPlainText);
  if (typeof value !== "object" || value === null) return value;
  if ((value as Json).type === "plain_text") return null;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !["value", "action_id", "block_id", "url", "metadata", "initial_value", "private_metadata", "username"].includes(k)).map(([k, v]) => [k, withoutPlainText(v)]));
}

function withoutKeys(value: unknown, keys: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutKeys(v, keys));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, withoutKeys(v, keys)]));
}

function inputBlocks(view: FakeView): Array<{ block_id: string; element: Json }> {
  return ((view.view.blocks as Json[] | undefined) ?? []).filter((b) => b.type === "input" && typeof b.block_id === "string" && b.element) as Array<{ block_id: string; element: Json }>;
}

function interactiveElements(blocks: unknown): Json[] {
  const found: Json[] = [];
  for (const block of (Array.isArray(blocks) ? blocks : []) as Json[]) {
    for (const el of [...((block.elements as Json[] | undefined) ?? []), ...(block.accessory ? [block.accessory as Json] : [])]) {
      if (el && typeof el.action_id === "string" && ["button", "overflow", "static_select"].includes(String(el.type))) found.push(el);
    }
  }
  return found;
}

function excerpt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 80), at + 120);
}

function safeParse(text: unknown): any {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}
