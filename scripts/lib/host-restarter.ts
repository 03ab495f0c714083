import { join } from 'node:path';
import { KeepRunning, type KeepRunningEvent } from '@workshop/azurite';
import { spawnHost, type SpawnedHost, type SpawnHostOptions } from '@workshop/host/launcher';
import { portTakenAdvice } from './port-holder.ts';
import { dim, red } from './style.ts';
import { watchTree } from './watch-tree.ts';

/**
 * Keeps the local host running on an app folder and restarts it when the app's sources or
 * settings change, as the Functions host restarts itself when its files change. A save that
 * breaks the app is reported, and the next good save brings the host back. A crash of the app
 * (an uncaught exception) ends the host; the Functions host would restart its worker, so the
 * keeper does the same, until the app crashes again and again.
 */
export interface HostRestarterOptions extends SpawnHostOptions {
  /** The command that serves the same app on another port, for when the port is taken. */
  retryCommand?: (freePort: number) => string;
}

export class HostRestarter {
  readonly #options: HostRestarterOptions;
  #stopSignal: NodeJS.Signals = 'SIGTERM';
  readonly #keeper: KeepRunning<SpawnedHost>;
  #watcher: { close(): void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> = Promise.resolve();
  /** The host's last lines: a load error it printed itself is not printed twice. */
  readonly #recent: string[] = [];

  constructor(options: HostRestarterOptions) {
    this.#options = options;
    const spawnOptions: SpawnHostOptions = {
      ...options,
      onOutput: (line, stream) => {
        this.#recent.push(line);
        if (this.#recent.length > 50) this.#recent.shift();
        options.onOutput?.(line, stream);
      },
    };
    this.#keeper = new KeepRunning({
      start: () => spawnHost(spawnOptions),
      processOf: (host) => host.child,
      stop: (host) => host.stop(undefined, this.#stopSignal),
      onEvent: (event) => this.#reportCrash(event),
      // A function that crashes the host on every call is restarted at every call; only an app
      // that crashes on its own, right after each start, is a loop.
      maxStops: 5,
    });
  }

  get host(): SpawnedHost | undefined {
    return this.#keeper.current;
  }

  /** Starts the host; an app that fails to load is reported, and watched until it loads. */
  async start(): Promise<SpawnedHost | undefined> {
    await this.#keeper.start().catch((error: unknown) => this.#reportLoadFailure(error));
    this.#watcher = watchTree(this.#options.appDir, (file) => {
      if (!/^(src[\\/]|host\.json$|local\.settings\.json$|package\.json$)/.test(file)) return;
      // Editors write a file in several steps; wait for the burst to end.
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#restart(join(this.#options.appDir, file)), 250);
    });
    return this.host;
  }

  #restart(changed: string): void {
    this.#restarting = this.#restarting.then(async () => {
      console.log(dim(`\n${changed} changed: restarting the host…`));
      await this.#keeper.restart().catch((error: unknown) => this.#reportLoadFailure(error));
    });
  }

  /**
   * Stops the host and stops watching. `signal` is what the host is told: SIGINT after a Ctrl+C,
   * which the host got from the terminal too, so that it logs the signal the learner sent.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.#stopSignal = signal;
    this.#watcher?.close();
    clearTimeout(this.#timer);
    await this.#restarting;
    await this.#keeper.stop();
  }

  async #reportLoadFailure(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const port = /Port (\d+) is unavailable/.exec(message)?.[1];
    if (port !== undefined && this.#options.retryCommand) {
      // Saving a lab file frees no port: say who holds it and how to serve elsewhere.
      for (const line of await portTakenAdvice(Number(port), this.#options.retryCommand)) console.log(red(line));
      console.log(dim('Once it is free, save a file here: the host starts again by itself.'));
      return;
    }
    const firstLine = message.split('\n')[0]!.trim();
    const alreadyShown = firstLine !== '' && this.#recent.some((line) => line.includes(firstLine));
    this.#recent.length = 0;
    if (alreadyShown) console.log(dim('Fix it and save: the host starts again by itself.'));
    else reportLoadFailure(error);
  }

  #reportCrash(event: KeepRunningEvent<SpawnedHost>): void {
    if (event.type === 'restart failed') void this.#reportLoadFailure(event.error);
    else reportCrash(event);
  }
}

function reportLoadFailure(error: unknown): void {
  console.log(red(error instanceof Error ? error.message : String(error)));
  console.log(dim('Fix it and save: the host starts again by itself.'));
}

function reportCrash(event: KeepRunningEvent<SpawnedHost>): void {
  if (event.type === 'restarted') return;
  if (event.type === 'restart failed') {
    reportLoadFailure(event.error);
    return;
  }
  if (event.crashLoop) {
    const { stops, withinMs } = event.crashLoop;
    console.log(
      red(
        `The host stopped unexpectedly (${event.how}), ${stops} times within ${withinMs / 1000} s: not starting it again until you save a file.`,
      ),
    );
    console.log(dim('Read the error above, fix it and save: the host starts again by itself.'));
    return;
  }
  console.log(
    red(`The host stopped unexpectedly (${event.how}); starting it again; its work goes on from the last checkpoint.`),
  );
}
