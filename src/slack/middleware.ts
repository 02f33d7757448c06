// The Bolt global middleware every request passes through, outermost first: an answer, always, within Slack's 3
// seconds (never Bolt's 404 after them, never a 500); one workspace only; text PostgreSQL can store; and once only,
// so a replayed request changes nothing.
import { asTeam } from "./acting-for.js";
import { ErrorCode, type AnyMiddlewareArgs, type App, type Middleware, type RespondArguments } from "@slack/bolt";
import { makeStorable } from "../db/storable-text.js";
import { lateAnswers } from "./blocks/answers.js";
import type { ReplayVerdict } from "../http/seen-requests.js";
import type { Logger } from "../log.js";
import type { RequestsInFlight } from "./receiver.js";

type Ack = (answer?: unknown) => Promise<void>;
type Respond = (message: RespondArguments) => Promise<unknown>;
type Body = Record<string, any>;
type Args = Parameters<Middleware<AnyMiddlewareArgs>>[0];

/** What the receiver's door tells the middleware about a request it let through (HTTP only; see receiver.ts). */
export interface DoorNotes {
  /** Records the request's signature and says whether it was seen before (one database write: only when needed). */
  replayCheck: () => Promise<ReplayVerdict>;
  /** True once an answer has gone out on the HTTP response. */
  answered: () => boolean;
}

/**
 * How long a listener may take before the request is answered without it. Slack shows the person an error after 3
 * seconds; the answer still has to travel, and a busy event loop fires a timer late.
 */
export const ANSWER_WITHIN_MS = 2_500;

/** Tells a person something in a direct message (for answers a closed form can no longer show). */
export type TellPerson = (userId: string, text: string) => Promise<void>;

/**
 * One request's acknowledgement to Slack, given once: by a listener, or by the clock when the listener is taking too
 * long. The listeners call `forListeners` as their ack(); once the clock has answered, what they would have put in
 * the acknowledgement goes to `later` (the person is told another way) instead of failing as a second ack.
 */
export class RequestAnswer {
  private answered = false;
  private later: ((answer: unknown) => Promise<void>) | undefined;

  constructor(private readonly ack: Ack) {}

  /** True once Slack has been (or is being) answered. */
  get given(): boolean {
    return this.answered;
  }

  /** True when the clock answered for a listener that was too slow. */
  get byClock(): boolean {
    return this.later !== undefined;
  }

  readonly forListeners: Ack = async (answer) => {
    if (this.later) return this.later(answer);
    this.answered = true;
    await this.ack(answer);
  };

  /** Answers Slack now, unless someone already did; what the listener says afterwards goes to `later`. */
  async instead(answer: unknown, later: (answer: unknown) => Promise<void>): Promise<boolean> {
    if (this.answered) return false;
    this.answered = true;
    this.later = later;
    await this.ack(answer);
    return true;
  }

  /** What Slack hears late: the words the listener meant for the acknowledgement, told another way. */
  async tellLate(answer: unknown): Promise<void> {
    await this.later?.(answer);
  }
}

/**
 * Every request gets its RequestAnswer before Bolt's middleware runs: Bolt hands each middleware and listener the
 * receiver's ack() itself (HTTP and Socket Mode alike), so it is wrapped where the receiver hands the request over.
 */
function answerOnce(app: App): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const answer = new RequestAnswer(event.ack);
    return processEvent({ ...event, ack: answer.forListeners, customProperties: { ...event.customProperties, answer } });
  };
}

const notesOf = (args: Args): DoorNotes | undefined => (args.context as { door?: DoorNotes }).door;
const answerOf = (args: Args): RequestAnswer | undefined => (args.context as { answer?: RequestAnswer }).answer;
const ackOf = (args: Args): Ack | undefined => (args as { ack?: Ack }).ack;
const respondOf = (args: Args): Respond | undefined => (args as { respond?: Respond }).respond;

type Kind = "command" | "view" | "action" | "shortcut" | "event" | "other";

function kindOf(body: Body): Kind {
  if (typeof body.command === "string") return "command";
  switch (body.type) {
    case "view_submission":
      return "view";
    case "block_actions":
      return "action";
    case "shortcut":
    case "message_action":
      return "shortcut";
    case "event_callback":
      return "event";
    default:
      return "other";
  }
}

/** The team the listeners will act for: the same fields, in the same order, as they read it. */
function teamOfRequest(body: Body): string | undefined {
  if (typeof body.team_id === "string") return body.team_id;
  const team = body.team?.id ?? body.user?.team_id;
  return typeof team === "string" ? team : undefined;
}

/** A form's first input, where a sentence about the whole form can be shown without losing what was typed. */
function firstInputOf(body: Body): string | undefined {
  const blocks: unknown = body.view?.blocks;
  if (!Array.isArray(blocks)) return undefined;
  const input = blocks.find((b: Body | null) => b?.type === "input" && typeof b.block_id === "string") as Body | undefined;
  return input?.block_id as string | undefined;
}

/** Answers the request with these words, in the way its kind allows; a form keeps what the person typed. */
async function answerWith(args: Args, text: string, logger: Logger): Promise<void> {
  const body = args.body as Body;
  const ack = ackOf(args);
  const respond = respondOf(args);
  const kind = kindOf(body);
  const firstInput = kind === "view" ? firstInputOf(body) : undefined;
  const answer = kind === "command" ? { response_type: "ephemeral", text } : firstInput ? { response_action: "errors", errors: { [firstInput]: text } } : undefined;
  const answeredNow = ack ? await ackIfNobodyDid(args, ack, answer) : false;
  // A form Slack already closed for a slow listener cannot show the sentence: the person is told in a DM.
  if (kind === "view" && !answeredNow && answerOf(args)?.byClock) return answerOf(args)!.tellLate({ failed: text });
  if ((kind === "command" && answeredNow) || kind === "view" || kind === "event" || !respond) return;
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    logger.warn({ err: error }, "could not tell the person their request failed"),
  );
}

/** Acknowledges unless a listener already did; true when this call was the answer. */
async function ackIfNobodyDid(args: Args, ack: Ack, answer?: unknown): Promise<boolean> {
  if (notesOf(args)?.answered() || answerOf(args)?.given) return false;
  try {
    await ack(answer);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === ErrorCode.ReceiverMultipleAckError) return false;
    throw error;
  }
}

const wentWrong = "Something went wrong on my side. Please check whether your change is there, and try again in a moment if it is not.";
const otherWorkspace =
  "This Warroom is installed for another Slack workspace, so it cannot act on requests from yours; nothing was done. Ask your Slack admin to install Warroom in this workspace.";

/** The title of the form a view submission came from, as its person saw it. */
const formTitleOf = (body: Body): string | undefined => (typeof body.view?.title?.text === "string" ? body.view.title.text : undefined);

/**
 * Where a slow listener's words go once the clock has answered Slack for it. A slash command's answer goes to the
 * person through the command's response_url (an ephemeral message, as the acknowledgement would have been). A form
 * Slack has closed (a view_submission answers with response_action within 3 seconds or not at all) can no longer
 * show errors or a next step, so the person gets a DM saying what happened; a form that went through needs no
 * word (the change shows where it happened). Buttons and shortcuts put nothing in their acknowledgement.
 * `{ failed }` is not Slack's: it is the middleware's own sentence for a listener that threw after the clock answered.
 */
function lateWords(args: Args, logger: Logger, tellPerson: TellPerson | undefined): (answer: unknown) => Promise<void> {
  const body = args.body as Body;
  const kind = kindOf(body);
  return async (answer) => {
    const said = (answer ?? {}) as Body;
    try {
      if (kind === "command") {
        const respond = respondOf(args);
        if (!respond || (!said.text && !said.blocks)) return;
        await respond({ response_type: "ephemeral", ...said } as RespondArguments);
        return;
      }
      if (kind !== "view" || !tellPerson || typeof body.user?.id !== "string") return;
      const title = formTitleOf(body);
      let text: string | undefined;
      if (typeof said.failed === "string") text = lateAnswers.formFailed(title, said.failed);
      else if (said.response_action === "errors") text = lateAnswers.formRefused(title, Object.values((said.errors ?? {}) as Record<string, string>).map(String));
      else if (said.response_action === "update" || said.response_action === "push") text = lateAnswers.formNextStep(title);
      const team = teamOfRequest(body);
      // In the person's own workspace (with OAuth, its token): this runs outside the listener's context.
      if (text && team) await asTeam(team, () => tellPerson(body.user.id, text));
    } catch (error) {
      logger.warn({ err: error, kind }, "could not tell a person what a slow request came to");
    }
  };
}

/**
 * Outermost: whatever a listener does or throws, Slack gets an answer within its 3 seconds; a listener still busy
 * after ANSWER_WITHIN_MS (several Slack calls in a row, each up to 1.5 s) is answered for, and what it says later
 * reaches the person another way (see lateWords). The request counts as in flight until its listeners return, so a
 * stopping bot lets their work (often after the ack) finish.
 */
function answerEveryRequest(logger: Logger, inFlight: RequestsInFlight, tellPerson: TellPerson | undefined): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const done = inFlight.begin();
    const answer = answerOf(args);
    const clock =
      answer && !answer.given
        ? setTimeout(() => {
            const kind = kindOf(args.body as Body);
            const first = kind === "command" ? { response_type: "ephemeral", text: lateAnswers.working } : undefined;
            answer.instead(first, lateWords(args, logger, tellPerson)).then(
              (answered) => answered && logger.warn({ kind, afterMs: ANSWER_WITHIN_MS }, "answered Slack for a listener still at work; what it says next goes to the person another way"),
              (error: unknown) => logger.error({ err: error, kind }, "could not answer Slack for a slow listener"),
            );
          }, ANSWER_WITHIN_MS)
        : undefined;
    try {
      await args.next();
      // A listener that returned without answering (a kind of request nobody handles) must not leave Slack waiting.
      // In Socket Mode there is no way to tell whether a listener answered, and no connection is held open.
      const ack = ackOf(args);
      if (ack && notesOf(args)) await ackIfNobodyDid(args, ack);
    } catch (error) {
      logger.error({ err: error, kind: kindOf(args.body as Body) }, "a request from Slack failed");
      await answerWith(args, wentWrong, logger).catch((e: unknown) => logger.error({ err: e }, "could not answer a failed request"));
    } finally {
      clearTimeout(clock);
      done();
    }
  };
}

/**
 * With one bot token, the bot acts in that token's workspace only: a request from any other team (the same app
 * installed elsewhere, a Slack Connect guest's command) is refused before any listener runs. With OAuth (no
 * teamId), Bolt's authorize has already refused teams without a live installation. Either way the listeners run
 * acting for the request's team: the gateway calls Slack with that workspace's token.
 */
function oneWorkspace(teamId: string | undefined, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const team = teamOfRequest(args.body as Body) ?? (args.context as { teamId?: string }).teamId;
    if (team && (teamId === undefined || team === teamId)) return asTeam(team, () => args.next());
    logger.warn({ team: team ?? null, ours: teamId ?? null, kind: kindOf(args.body as Body) }, "refused a request from another workspace");
    await answerWith(args, otherWorkspace, logger);
  };
}

/** Text PostgreSQL refuses (NUL, lone surrogates) is made storable once, here, for every listener. */
function storableInput(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (makeStorable(args.body)) logger.info({ kind: kindOf(args.body as Body) }, "removed characters the database cannot store from a request");
    await args.next();
  };
}

/**
 * A request whose signature was seen before is answered 200 and changes nothing. Requests that only read (or
 * open a form, or name nothing we handle) cannot change anything even when replayed, so they skip the check:
 * the ack path of those costs no database write at all.
 */
export function onceOnly(changesNothing: (body: Body) => boolean, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const notes = notesOf(args);
    const body = args.body as Body;
    if (!notes || changesNothing(body)) return args.next();
    if ((await notes.replayCheck()) !== "repeat") return args.next();
    logger.warn({ kind: kindOf(body), team: teamOfRequest(body) ?? null }, "ignored a repeated request (same signature as one already handled)");
    const ack = ackOf(args);
    if (ack) await ackIfNobodyDid(args, ack);
  };
}

export function useRequestMiddleware(
  app: App,
  opts: { teamId: string | undefined; logger: Logger; inFlight: RequestsInFlight; changesNothing: (body: Body) => boolean; tellPerson?: TellPerson },
): void {
  answerOnce(app);
  app.use(answerEveryRequest(opts.logger, opts.inFlight, opts.tellPerson));
  app.use(oneWorkspace(opts.teamId, opts.logger));
  app.use(storableInput(opts.logger));
  app.use(onceOnly(opts.changesNothing, opts.logger));
}
