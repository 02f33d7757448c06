// Knobs that make the fake Slack misbehave the way the real one does: 429s, 5xx, slow answers, lost answers.

export interface RateLimitFault {
  /** Share of matching calls answered with HTTP 429 (0..1). */
  ratio: number;
  retryAfterSec: number;
  methods?: string[];
}

export interface ServerErrorFault {
  ratio: number;
  status: number;
  methods?: string[];
}

export interface LatencyFault {
  ms: number;
  methods?: string[];
}

export interface FaultSettings {
  rateLimit?: RateLimitFault;
  serverError?: ServerErrorFault;
  latency?: LatencyFault;
}

export interface FailNextOptions {
  /** Apply the call's effect first, then fail: Slack acted but the answer was lost. */
  afterApply?: boolean;
  status?: number;
  retryAfterSec?: number;
  /** Answer HTTP 200 with { ok: false, error } instead: Slack refusing the call with one of its error codes. */
  error?: string;
  times?: number;
}

/** What the server should do to one call, decided before it runs. */
export type FaultDecision =
  | { kind: "none"; delayMs: number }
  | { kind: "fail"; status: number; retryAfterSec?: number; afterApply: boolean; delayMs: number; error?: string };

const applies = (methods: string[] | undefined, method: string) => !methods || methods.includes(method);

export class Faults {
  /** Calls per method as they arrive, before any delay: unlike FakeSlack.calls, it counts calls still in flight. */
  readonly arrivals = new Map<string, number>();
  private settings: FaultSettings = {};
  private readonly queued = new Map<string, Array<Required<Pick<FailNextOptions, "afterApply" | "status">> & { retryAfterSec?: number; error?: string }>>();

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

  clear(): void {
    this.settings = {};
    this.queued.clear();
  }

  decide(method: string): FaultDecision {
    this.arrivals.set(method, (this.arrivals.get(method) ?? 0) + 1);
    const { rateLimit, serverError, latency } = this.settings;
    const delayMs = latency && applies(latency.methods, method) ? latency.ms : 0;
    const next = this.queued.get(method)?.shift();
    if (next) return { kind: "fail", ...next, retryAfterSec: next.retryAfterSec ?? (next.status === 429 ? 1 : undefined), delayMs };
    if (rateLimit && applies(rateLimit.methods, method) && this.random() < rateLimit.ratio) {
      return { kind: "fail", status: 429, retryAfterSec: rateLimit.retryAfterSec, afterApply: false, delayMs };
    }
    if (serverError && applies(serverError.methods, method) && this.random() < serverError.ratio) {
      return { kind: "fail", status: serverError.status, afterApply: false, delayMs };
    }
    return { kind: "none", delayMs };
  }
}
