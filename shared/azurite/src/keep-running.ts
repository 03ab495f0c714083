/** What a keeper watches: a child process, or anything that says `exit` as one does. */
export interface Exiting {
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

export interface KeepRunningOptions<T> {
  /** Starts the process; rejects when it cannot. */
  start(): Promise<T>;
  processOf(running: T): Exiting;
  /** Stops it on purpose (Ctrl+C, a restart asked for): no event, no restart. */
  stop(running: T): Promise<void>;
  /** Told about every unexpected stop and what follows, to say it in the caller's words. */
  onEvent(event: KeepRunningEvent<T>): void;
  /** Crash-loop protection: the `maxStops`-th unexpected stop within `windowMs` is not restarted. */
  maxStops?: number;
  windowMs?: number;
  /** After a failed start, the next try waits this long. */
  retryDelayMs?: number;
  now?: () => number;
}

/** Set when the keeper gives up: this many stops within `withinMs` (a failed start counts as one). */
export interface CrashLoop {
  stops: number;
  withinMs: number;
}

export type KeepRunningEvent<T> =
  /** It stopped without being asked to (`how`: `SIGKILL`, `exit code 1`); restarted unless `crashLoop`. */
  | { type: 'stopped'; how: string; crashLoop?: CrashLoop }
  /** Starting it again failed; tried again after `retryInMs` unless `crashLoop`. */
  | { type: 'restart failed'; error: unknown; retryInMs: number; crashLoop?: CrashLoop }
  | { type: 'restarted'; running: T; downMs: number };

export const KEEP_RUNNING_DEFAULTS = { maxStops: 3, windowMs: 10_000, retryDelayMs: 1000 } as const;

/**
 * Keeps a process running: when it stops without being asked to (a crash, a `kill -9`), it is
 * started again, as the Functions host restarts its worker; when it keeps stopping, the
 * keeper gives up rather than restart it forever. `restart()` and `stop()` are the stops on
 * purpose, and `restart()` also forgets past crashes, so a fix can start over.
 */
export class KeepRunning<T> {
  readonly #options: KeepRunningOptions<T>;
  readonly #limits: { maxStops: number; windowMs: number; retryDelayMs: number };
  readonly #now: () => number;
  #current: T | undefined;
  #stops: number[] = [];
  // Starts and stops one at a time, in the order they were asked for.
  #queue: Promise<unknown> = Promise.resolve();
  #stopping = false;
  // Bumped by restart(): a recovery still retrying gives way to it.
  #generation = 0;
  #wakeRetry: (() => void) | undefined;

  constructor(options: KeepRunningOptions<T>) {
    this.#options = options;
    this.#limits = {
      maxStops: options.maxStops ?? KEEP_RUNNING_DEFAULTS.maxStops,
      windowMs: options.windowMs ?? KEEP_RUNNING_DEFAULTS.windowMs,
      retryDelayMs: options.retryDelayMs ?? KEEP_RUNNING_DEFAULTS.retryDelayMs,
    };
    this.#now = options.now ?? Date.now;
  }

  /** The process running now: undefined while it is being restarted, or after the keeper gave up. */
  get current(): T | undefined {
    return this.#current;
  }

  /** Starts it for the first time; rejects as `start` does. */
  start(): Promise<T> {
    return this.#enqueue(() => this.#startWatched());
  }

  /** Stops it on purpose and starts it again, forgetting past crashes; rejects as `start` does. */
  restart(): Promise<T> {
    this.#generation++;
    this.#wakeRetry?.();
    return this.#enqueue(async () => {
      this.#stops = [];
      await this.#stopCurrent();
      return this.#startWatched();
    });
  }

  /** Stops it for good: no restart follows, not even one under way. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeRetry?.();
    await this.#enqueue(() => this.#stopCurrent());
  }

  #enqueue<R>(work: () => Promise<R>): Promise<R> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #startWatched(): Promise<T> {
    const running = await this.#options.start();
    if (this.#stopping) {
      await this.#options.stop(running);
      throw new Error('Stopped while starting.');
    }
    this.#current = running;
    this.#options.processOf(running).once('exit', (code, signal) => {
      if (this.#current !== running || this.#stopping) return;
      this.#current = undefined;
      const generation = this.#generation;
      void this.#enqueue(() => this.#recover(signal ?? `exit code ${code}`, generation));
    });
    return running;
  }

  async #stopCurrent(): Promise<void> {
    const running = this.#current;
    this.#current = undefined;
    if (running !== undefined) await this.#options.stop(running);
  }

  /** After an unexpected stop: start again, retrying failed starts, until too many stops. */
  async #recover(how: string, generation: number): Promise<void> {
    const stoppedAt = this.#now();
    // A restart asked for since the stop has started it again, or will.
    const givenWay = () => this.#stopping || generation !== this.#generation;
    if (givenWay()) return;
    const crashLoop = this.#countStop();
    this.#options.onEvent({ type: 'stopped', how, ...(crashLoop ? { crashLoop } : {}) });
    if (crashLoop) return;
    while (!givenWay()) {
      try {
        const running = await this.#startWatched();
        this.#options.onEvent({ type: 'restarted', running, downMs: this.#now() - stoppedAt });
        return;
      } catch (error) {
        if (givenWay()) return;
        const crashLoop = this.#countStop();
        const retryInMs = this.#limits.retryDelayMs;
        this.#options.onEvent({ type: 'restart failed', error, retryInMs, ...(crashLoop ? { crashLoop } : {}) });
        if (crashLoop) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryInMs);
          this.#wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wakeRetry = undefined;
      }
    }
  }

  /** Counts one more stop; the crash loop when it is one too many for the window. */
  #countStop(): CrashLoop | undefined {
    const now = this.#now();
    const { maxStops, windowMs } = this.#limits;
    this.#stops = [...this.#stops.filter((at) => now - at < windowMs), now];
    return this.#stops.length >= maxStops ? { stops: this.#stops.length, withinMs: windowMs } : undefined;
  }
}
