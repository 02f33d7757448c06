// Knobs that make the fake Slack misbehave the way the real one does: 429s, 5xx, slow answers, lost answers, and
// calls Slack applies long after the caller stopped waiting.

interface RateLimitFault {
  /** Share of matching calls answered with HTTP 429 (0..1). */
  ratio: number;
  retryAfterSec: number;
  methods?: string[];
}

interface ServerErrorFault {
  ratio: number;
  status: number;
  methods?: string[];
}

/**
 * A slow Slack: the call is applied only after the delay, whether or not the caller is still waiting. With a delay
 * longer than the client's timeout this is "Slack acted, but answered after we gave up".
 */
interface LatencyFault {
  ms: number;
  /** Share of matching calls that are slow (default: all). */
  ratio?: number;
  methods?: string[];
}

/** Slack applies the call, then the answer is lost (a 5xx instead of the result). */
interface LostAnswerFault {
  ratio: number;
  status?: number;
  methods?: string[];
}

export interface FaultSettings {
  rateLimit?: RateLimitFault;
  serverError?: ServerErrorFault;
  latency?: LatencyFault;
  lostAnswer?: LostAnswerFault;
}

interface FailNextOptions {
  /** Apply the call's effect first, then fail: Slack acted but the answer was lost. */
  afterApply?: boolean;
  status?: number;
  retryAfterSec?: number;
  /** Answer HTTP 200 with { ok: false, error } instead: Slack refusing the call with one of its error codes. */
  error?: string;
  times?: number;
}

/** A call the fake keeps waiting (neither applied nor answered) until the test lets it go. */
interface HeldCall {
  /** Resolves when the call has reached the fake and is being held. */
  readonly arrived: Promise<void>;
  /** Lets the call go on: it is applied and answered (if the caller still listens). */
  release(): void;
}

/** What the server should do to one call, decided before it runs. */
type FaultDecision = (
  | { kind: "none" }
  | { kind: "fail"; status: number; retryAfterSec?: number; afterApply: boolean; error?: string }
) & { delayMs: number; hold?: Promise<void> };

const applies = (methods: string[] | undefined, method: string) => !methods || methods.includes(method);

export class Faults {
  /** Calls per method as they arrive, before any delay: unlike FakeSlack.calls, it counts calls still in flight. */
  readonly arrivals = new Map<string, number>();
  private settings: FaultSettings = {};
  private readonly queued = new Map<string, Array<Required<Pick<FailNextOptions, "afterApply" | "status">> & { retryAfterSec?: number; error?: string }>>();
  private readonly holds = new Map<string, Array<{ arrive: () => void; released: Promise<void> }>>();

  constructor(private readonly random: () => number = Math.random) {}

  set(settings: FaultSettings): void {
    this.settings = { ...this.settings, ...settings };
  }

  failNext(method: string, opts: FailNextOptions = {}): void {
    const list = this.queued.get(method) ?? [];
    for (let i = 0; i < (opts.times ?? 1); i++) {
      list.push({ afterApply: opts.afterApply ?? false, status: opts.error ? 200 : (opts.status ?? 500), retryAfterSec: opts.retryAfterSec, error: opts.error });
    }
    this.queued.set(method, list);
  }

  /** The next call of `method` waits, unapplied, until released. */
  holdNext(method: string): HeldCall {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const released = new Promise<void>((r) => (release = r));
    const list = this.holds.get(method) ?? [];
    list.push({ arrive, released });
    this.holds.set(method, list);
    return { arrived, release };
  }

  clear(): void {
    this.settings = {};
    this.queued.clear();
    this.holds.clear();
  }

  decide(method: string): FaultDecision {
    this.arrivals.set(method, (this.arrivals.get(method) ?? 0) + 1);
    const { rateLimit, serverError, latency, lostAnswer } = this.settings;
    const delayMs = latency && applies(latency.methods, method) && (latency.ratio === undefined || this.random() < latency.ratio) ? latency.ms : 0;
    const held = this.holds.get(method)?.shift();
    held?.arrive();
    const hold = held?.released;
    const next = this.queued.get(method)?.shift();
    if (next) return { kind: "fail", ...next, retryAfterSec: next.retryAfterSec ?? (next.status === 429 ? 1 : undefined), delayMs, hold };
    if (rateLimit && applies(rateLimit.methods, method) && this.random() < rateLimit.ratio) {
      return { kind: "fail", status: 429, retryAfterSec: rateLimit.retryAfterSec, afterApply: false, delayMs, hold };
    }
    if (serverError && applies(serverError.methods, method) && this.random() < serverError.ratio) {
      return { kind: "fail", status: serverError.status, afterApply: false, delayMs, hold };
    }
    if (lostAnswer && applies(lostAnswer.methods, method) && this.random() < lostAnswer.ratio) {
      return { kind: "fail", status: lostAnswer.status ?? 500, afterApply: true, delayMs, hold };
    }
    return { kind: "none", delayMs, hold };
  }
}
