// The Bolt global middleware every request passes through, outermost first: an answer, always (never Bolt's 404
// after Slack's 3 seconds, never a 500); one workspace only; text PostgreSQL can store; and once only, so a
// replayed request changes nothing.
import { ErrorCode, type AnyMiddlewareArgs, type App, type Middleware, type RespondArguments } from "@slack/bolt";
import { makeStorable } from "../db/storable-text.js";
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

const notesOf = (args: Args): DoorNotes | undefined => (args.context as { door?: DoorNotes }).door;
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
  if ((kind === "command" && answeredNow) || kind === "view" || kind === "event" || !respond) return;
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    logger.warn({ err: error }, "could not tell the person their request failed"),
  );
}

/** Acknowledges unless a listener already did; true when this call was the answer. */
async function ackIfNobodyDid(args: Args, ack: Ack, answer?: unknown): Promise<boolean> {
  if (notesOf(args)?.answered()) return false;
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

/**
 * Outermost: whatever a listener does or throws, Slack gets an answer within its 3 seconds. The request counts as
 * in flight until its listeners return, so a stopping bot lets their work (often after the ack) finish.
 */
function answerEveryRequest(logger: Logger, inFlight: RequestsInFlight): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const done = inFlight.begin();
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
      done();
    }
  };
}

/**
 * With one bot token, the bot acts in that token's workspace only: a request from any other team (the same app
 * installed elsewhere, a Slack Connect guest's command) is refused before any listener runs.
 */
function oneWorkspace(teamId: string, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const team = teamOfRequest(args.body as Body);
    if (team === teamId) return args.next();
    logger.warn({ team: team ?? null, ours: teamId, kind: kindOf(args.body as Body) }, "refused a request from another workspace");
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

export function useRequestMiddleware(app: App, opts: { teamId: string; logger: Logger; inFlight: RequestsInFlight; changesNothing: (body: Body) => boolean }): void {
  app.use(answerEveryRequest(opts.logger, opts.inFlight));
  app.use(oneWorkspace(opts.teamId, opts.logger));
  app.use(storableInput(opts.logger));
  app.use(onceOnly(opts.changesNothing, opts.logger));
}
