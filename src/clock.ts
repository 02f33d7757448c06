// The one source of "now": injected wherever time matters so tests can move it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance; it never moves by itself. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = "2026-11-22T09:00:00Z") {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}

/**
 * The system clock plus an offset that only grows: time passes as usual and can be moved forward on request
 * (the sandbox's "+1 h"), so reminders and escalations can be seen without waiting for them.
 */
export class ShiftedClock implements Clock {
  constructor(private ahead = 0) {}
  now(): Date {
    return new Date(Date.now() + this.ahead);
  }
  /** How far ahead of the system clock it runs, in ms. */
  get aheadMs(): number {
    return this.ahead;
  }
  advance(ms: number): void {
    if (ms < 0) throw new Error("a clock that went backwards would replay the past");
    this.ahead += ms;
  }
  reset(): void {
    this.ahead = 0;
  }
}
