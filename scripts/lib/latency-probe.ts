// Asks a URL again and again while something else goes on, and keeps how long each answer
// took: `npm run faults` probes the management API and an HTTP function while the worker
// crash-loops, to show the host keeps answering.

export interface ProbeFigures {
  /** Requests sent. */
  sent: number;
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer: the errors. */
  failures: string[];
  /** The slowest answer, in milliseconds. */
  slowestMs: number;
  /** Answers slower than `slowMs`. */
  slow: number;
}

export class LatencyProbe {
  readonly #url: string;
  readonly #slowMs: number;
  readonly #figures: ProbeFigures = { sent: 0, statuses: new Map(), failures: [], slowestMs: 0, slow: 0 };
  #stopped = false;
  readonly #loop: Promise<void>;

  /** Starts asking `url` every `intervalMs`, one request at a time; an answer slower than `slowMs` counts as slow. */
  constructor(url: string, options: { intervalMs: number; slowMs: number }) {
    this.#url = url;
    this.#slowMs = options.slowMs;
    this.#loop = this.#run(options.intervalMs);
  }

  /** Stops asking; resolves with the figures once the request in flight has ended. */
  async stop(): Promise<ProbeFigures> {
    this.#stopped = true;
    await this.#loop;
    return this.#figures;
  }

  async #run(intervalMs: number): Promise<void> {
    while (!this.#stopped) {
      const began = performance.now();
      this.#figures.sent++;
      try {
        const response = await fetch(this.#url, { signal: AbortSignal.timeout(60_000) });
        await response.arrayBuffer();
        this.#figures.statuses.set(response.status, (this.#figures.statuses.get(response.status) ?? 0) + 1);
      } catch (err) {
        this.#figures.failures.push((err as Error).message);
      }
      const took = performance.now() - began;
      this.#figures.slowestMs = Math.max(this.#figures.slowestMs, took);
      if (took > this.#slowMs) this.#figures.slow++;
      // Not synchronisation: the pace of the probe.
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** How many requests got `status`. */
export function answeredWith(figures: ProbeFigures, status: number): number {
  return figures.statuses.get(status) ?? 0;
}
