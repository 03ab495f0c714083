// The engine's notion of time. Serving uses the real clock. Tests use a virtual clock: it
// stands still until the parent advances it (`advance`), or — in auto mode, like Temporal's
// time-skipping test server — jumps to the earliest pending timer whenever the engine is idle.
// Everything time-related in the engine goes through here: OrchestratorStarted timestamps
// (hence `context.df.currentUtcDateTime`), timer due times, retry delays.

export type ClockMode = 'real' | 'virtual' | 'auto';

export interface Clock {
  readonly mode: ClockMode;
  now(): Date;
  /** Calls `callback` once the clock reaches `at`; returns a cancel function. */
  at(at: Date, callback: () => void): () => void;
}

export class RealClock implements Clock {
  readonly mode = 'real' as const;
  now(): Date {
    return new Date();
  }
  at(at: Date, callback: () => void): () => void {
    // setTimeout takes at most 2^31-1 ms; longer waits are re-armed.
    let timer: NodeJS.Timeout;
    const arm = () => {
      const delay = at.getTime() - Date.now();
      if (delay <= 0) return callback();
      timer = setTimeout(arm, Math.min(delay, 2 ** 31 - 1));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }
}

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  readonly mode: 'virtual' | 'auto';
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(mode: 'virtual' | 'auto', start: Date = new Date()) {
    this.mode = mode;
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  at(at: Date, callback: () => void): () => void {
    const entry: Pending = { at: at.getTime(), seq: this.#seq++, callback };
    if (entry.at <= this.#now) {
      queueMicrotask(callback);
      return () => undefined;
    }
    this.#pending.push(entry);
    this.#pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return () => {
      this.#pending = this.#pending.filter((p) => p !== entry);
    };
  }

  /** Moves time forward by `ms` and runs every callback that became due, in due order. */
  advance(ms: number): Date {
    if (!(ms >= 0)) throw new RangeError('The clock only moves forward.');
    this.#now += ms;
    this.#fireDue();
    return this.now();
  }

  /** The earliest pending due time, if any. */
  nextDue(): Date | undefined {
    const first = this.#pending[0];
    return first ? new Date(first.at) : undefined;
  }

  /** Auto mode: jump to the earliest pending due time (when the engine is idle). */
  skipToNext(): boolean {
    const first = this.#pending[0];
    if (!first) return false;
    this.#now = Math.max(this.#now, first.at);
    this.#fireDue();
    return true;
  }

  #fireDue(): void {
    const due = this.#pending.filter((p) => p.at <= this.#now);
    this.#pending = this.#pending.filter((p) => p.at > this.#now);
    for (const p of due) p.callback();
  }
}

export function createClock(mode: ClockMode, start?: Date): Clock {
  return mode === 'real' ? new RealClock() : new VirtualClock(mode, start);
}
