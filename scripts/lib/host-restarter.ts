import { join } from 'node:path';
import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '@workshop/host';
import { dim, red } from './style.ts';
import { watchTree } from './watch-tree.ts';

/**
 * Keeps the local host running on an app folder and restarts it when the app's sources or
 * settings change, as the Functions host restarts itself when its files change. A save that
 * breaks the app is reported, and the next good save brings the host back.
 */
export class HostRestarter {
  readonly #options: SpawnHostOptions;
  #host: SpawnedHost | undefined;
  #watcher: { close(): void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> = Promise.resolve();
  #stopping = false;

  constructor(options: SpawnHostOptions) {
    this.#options = options;
  }

  get host(): SpawnedHost | undefined {
    return this.#host;
  }

  /** Starts the host; an app that fails to load is reported, and watched until it loads. */
  async start(): Promise<SpawnedHost | undefined> {
    await this.#spawn();
    this.#watcher = watchTree(this.#options.appDir, (file) => {
      if (!/^(src[\\/]|host\.json$|local\.settings\.json$|package\.json$)/.test(file)) return;
      // Editors write a file in several steps; wait for the burst to end.
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#restart(join(this.#options.appDir, file)), 250);
    });
    return this.#host;
  }

  #restart(changed: string): void {
    this.#restarting = this.#restarting.then(async () => {
      console.log(dim(`\n${changed} changed: restarting the host…`));
      const old = this.#host;
      this.#host = undefined;
      await old?.stop();
      await this.#spawn();
    });
  }

  async #spawn(): Promise<void> {
    this.#host = undefined;
    try {
      const host = await spawnHost(this.#options);
      this.#host = host;
      // A crash of the app (an uncaught exception) ends the host; the Functions host would
      // restart its worker, so do the same.
      host.child.once('exit', (code, signal) => {
        if (this.#host !== host || this.#stopping) return;
        console.log(red(`The host stopped unexpectedly (${signal ?? `exit code ${code}`}); starting it again, as the Functions host restarts a crashed worker.`));
        this.#restarting = this.#restarting.then(() => this.#spawn());
      });
    } catch (error) {
      console.log(red(error instanceof Error ? error.message : String(error)));
      console.log(dim('Fix it and save: the host starts again by itself.'));
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#watcher?.close();
    clearTimeout(this.#timer);
    await this.#restarting;
    await this.#host?.stop();
  }
}
