import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '@workshop/host';

const TAIL_LINES = 15;

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

/**
 * The host process under a check. When the app crashes it (an uncaught exception in a
 * function, say), the Functions host would restart its worker and carry on: this does the
 * same, and a request that the crash cut off fails with the host's last words instead of a
 * bare "fetch failed".
 */
export class SupervisedHost {
  readonly #options: Omit<SpawnHostOptions, 'port'>;
  #current: SpawnedHost;
  #earlierLogs = '';
  #deliberate = false;
  #restarting: Promise<void> | undefined;
  #lastCrash: string | undefined;

  constructor(options: Omit<SpawnHostOptions, 'port'>, first: SpawnedHost) {
    this.#options = options;
    this.#current = first;
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
      this.#restarting = this.#replace(`crashed (exit ${code ?? signal}); restarted, as the Functions host restarts its worker`);
    });
  }

  async #replace(reason: string): Promise<void> {
    this.#earlierLogs += this.#current.logs() + `\n--- host ${reason} ---\n`;
    this.#current = await spawnHost({ ...this.#options, port: this.#current.port });
    this.#supervise(this.#current);
  }

  async fetch(path: string, init?: RequestInit): Promise<Response> {
    await this.#restarting;
    try {
      return await fetch(new URL(path, this.#current.url), init);
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
