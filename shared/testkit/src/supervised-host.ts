import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '@workshop/host/launcher';

const TAIL_LINES = 15;

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

/**
 * The host process under a check. The host outlives the app's crashes (it restarts its worker
 * process); a request the worker died under fails with the host's last lines instead of a bare
 * 500. Should the host itself die (a deliberate kill, the lab 09 crash switch), this starts it
 * again, and a request that the crash cut off fails with its last words instead of "fetch failed".
 */
export class SupervisedHost {
  readonly #options: Omit<SpawnHostOptions, 'port'>;
  #current: SpawnedHost;
  #earlierLogs = '';
  #deliberate = false;
  #restarting: Promise<void> | undefined;
  #lastCrash: string | undefined;
  readonly #afterCrash: () => Promise<number>;

  /** `afterCrash` runs once the host is back after a crash, and says how many leases it ended. */
  constructor(
    options: Omit<SpawnHostOptions, 'port'>,
    first: SpawnedHost,
    afterCrash: () => Promise<number> = async () => 0,
  ) {
    this.#options = options;
    this.#current = first;
    this.#afterCrash = afterCrash;
    this.#supervise(first);
  }

  get url(): string {
    return this.#current.url;
  }

  get current(): SpawnedHost {
    return this.#current;
  }

  logs(): string {
    return this.#earlierLogs + this.#current.logs();
  }

  #supervise(host: SpawnedHost): void {
    host.child.once('exit', (code, signal) => {
      if (this.#deliberate || host !== this.#current) return;
      this.#lastCrash = tail(host.logs());
      this.#restarting = this.#replace(
        `crashed (exit ${code ?? signal}); restarted, as Azure replaces a machine that died`,
      ).then(async () => {
        // Best effort: a lease not ended runs out by itself.
        const ended = await this.#afterCrash().catch(() => 0);
        if (ended > 0) {
          this.#earlierLogs += `--- the leases the crashed host held ended at once (${ended}): the check skips the time they take to run out ---\n`;
        }
      });
    });
  }

  async #replace(reason: string): Promise<void> {
    this.#earlierLogs += this.#current.logs() + `\n--- host ${reason} ---\n`;
    this.#current = await spawnHost({ ...this.#options, port: this.#current.port });
    this.#supervise(this.#current);
  }

  async fetch(path: string, init?: RequestInit): Promise<Response> {
    await this.#restarting;
    const logsBefore = this.logs().length;
    try {
      const response = await fetch(new URL(path, this.#current.url), init);
      if (response.status === 500) await this.#explainWorkerExit(path, init, logsBefore);
      return response;
    } catch (error) {
      // The connection drops a moment before the process is reported gone: wait for the exit.
      const host = this.#current;
      if (host.child.exitCode === null && host.child.signalCode === null) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise((resolve) => host.child.once('exit', resolve)),
          new Promise((resolve) => (timer = setTimeout(resolve, 2_000))),
        ]);
        clearTimeout(timer);
      }
      if (!this.#lastCrash) throw error;
      throw new Error(
        `The local Functions host crashed while answering ${init?.method ?? 'GET'} ${path}. Its last lines:\n` +
          `${this.#lastCrash ?? tail(this.#current.logs())}`,
        { cause: error },
      );
    }
  }

  /**
   * The host answers 500 when the app's worker process died under the request (an uncaught
   * exception, out of memory): say so with the host's last lines, not as a bare 500. The exit
   * line reaches us through a pipe, a moment after the response.
   */
  async #explainWorkerExit(path: string, init: RequestInit | undefined, logsBefore: number): Promise<void> {
    const deadline = Date.now() + 2_000;
    for (;;) {
      const since = this.logs().slice(logsBefore);
      if (/Language Worker Process exited\./.test(since)) {
        throw new Error(
          `The app's worker process exited while answering ${init?.method ?? 'GET'} ${path}; the host started a new one. Its last lines:\n${tail(since)}`,
        );
      }
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops (or, with `kill`, SIGKILLs) the host and starts it again on the same port. */
  async restart(kill: boolean): Promise<void> {
    await this.#restarting;
    this.#deliberate = true;
    const host = this.#current;
    if (kill) {
      if (host.child.exitCode === null && host.child.signalCode === null) {
        const exited = new Promise((resolve) => host.child.once('exit', resolve));
        host.kill('SIGKILL');
        await exited;
      }
    } else {
      await host.stop();
    }
    this.#deliberate = false;
    await this.#replace(kill ? 'killed (SIGKILL); starting again' : 'stopped; starting again');
  }

  async stop(): Promise<void> {
    await this.#restarting?.catch(() => undefined);
    this.#deliberate = true;
    await this.#current.stop();
  }
}
