import { spawnHost, type SpawnedHost } from '@workshop/host/launcher';
import { ACTIVITIES, LAB06_APP } from './thumbnail-fleet.ts';

export interface FleetHostOptions {
  connectionString: string;
  /** Fixed, so the management URLs stay valid across restarts; 0 picks a free one once. */
  port?: number;
  /** WORKSHOP_DURABLE_LEASE_MS: how soon a killed host's messages reappear. */
  leaseMs?: number;
  /** More app settings for the host. */
  env?: Record<string, string>;
  /** The app; default the lab 06 solution. */
  appDir?: string;
}

/**
 * The host on the lab 06 solution, restartable on the same port and storage. It counts the
 * activity executions it starts (`Executing 'Functions.makeThumbnail'` …) over all its lives:
 * set against the History table's TaskScheduled rows, that is how many ran more than once.
 */
export class FleetHost {
  readonly #options: FleetHostOptions;
  readonly #executions = new Map<string, number>();
  #current!: SpawnedHost;
  /** The current life's 'close': after it, its output has been read to the end and every execution it started is counted. */
  #closed: Promise<unknown> = Promise.resolve();
  #earlierLogs = '';
  /** Set while this tool stops or kills the host itself: any other exit is a crash. */
  #deliberate = false;
  readonly #crashes: string[] = [];
  #life = 0;
  #startsThisLife = 0;
  #lifeWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(options: FleetHostOptions) {
    this.#options = options;
  }

  static async start(options: FleetHostOptions): Promise<FleetHost> {
    const host = new FleetHost(options);
    await host.#spawn(options.port ?? 0);
    return host;
  }

  get url(): string {
    return this.#current.url;
  }

  get pid(): number | undefined {
    return this.#current.child.pid;
  }

  /** Activity executions started, by activity name, over every life of the host. */
  get executions(): ReadonlyMap<string, number> {
    return this.#executions;
  }

  /**
   * Exits this tool did not ask for (the host crashed by itself), with the host's last lines.
   * The host is started again after each, as a machine that died would be replaced.
   */
  get crashes(): readonly string[] {
    return this.#crashes;
  }

  /** Everything every life of the host printed. */
  logs(): string {
    return this.#earlierLogs + this.#current.logs();
  }

  /** Resolves when this life of the host has started `count` activity executions. */
  whenActivitiesStarted(count: number): Promise<void> {
    if (this.#startsThisLife >= count) return Promise.resolve();
    return new Promise((resolve) => this.#lifeWaiters.push({ count, resolve }));
  }

  /** Exits of the Node worker the host reported (\`Language Worker Process exited\`), every life together. */
  get workerExits(): number {
    return this.logs().match(/Language Worker Process exited\./g)?.length ?? 0;
  }

  /** The process id of the Node worker of this life of the host, if one runs. */
  workerPid(): Promise<number | undefined> {
    return this.#current.workerPid();
  }

  /**
   * SIGKILLs the Node worker of this life of the host: the invocations it runs fail and their
   * work goes back to its queues; the host starts a new worker. Resolves once it is gone.
   */
  async killWorker(): Promise<boolean> {
    const pid = await this.workerPid();
    if (pid === undefined) return false;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return false; // it was already gone
    }
    return true;
  }

  /** SIGKILL: no clean-up, its leases stay taken until they run out. */
  async kill(): Promise<void> {
    const child = this.#current.child;
    this.#deliberate = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.#closed;
  }

  /** Starts a new life on the same port and storage. */
  async restart(): Promise<void> {
    this.#earlierLogs += `${this.#current.logs()}\n--- host restarted ---\n`;
    await this.#spawn(this.#current.port);
  }

  stop(): Promise<void> {
    this.#deliberate = true;
    return this.#current.stop();
  }

  async #spawn(port: number): Promise<void> {
    const life = ++this.#life;
    this.#startsThisLife = 0;
    this.#lifeWaiters = [];
    const { connectionString, leaseMs, env } = this.#options;
    this.#current = await spawnHost({
      appDir: this.#options.appDir ?? LAB06_APP,
      port,
      env: {
        AzureWebJobsStorage: connectionString,
        ...(leaseMs ? { WORKSHOP_DURABLE_LEASE_MS: String(leaseMs) } : {}),
        ...env,
      },
      onOutput: (line) => this.#onLine(line, life),
    });
    this.#deliberate = false;
    const child = this.#current.child;
    this.#closed =
      child.exitCode === null && child.signalCode === null
        ? new Promise((resolve) => child.once('close', resolve))
        : Promise.resolve();
    child.once('exit', (code, signal) => {
      if (this.#deliberate || life !== this.#life) return;
      this.#crashes.push(
        `exit ${signal ?? code}:\n${this.#current.logs().trimEnd().split('\n').slice(-15).join('\n')}`,
      );
      void this.#closed
        .then(() => this.restart())
        .catch((err: unknown) => this.#crashes.push(`could not restart: ${String(err)}`));
    });
  }

  #onLine(line: string, life: number): void {
    const name = /Executing 'Functions\.(\w+)'/.exec(line)?.[1];
    if (name === undefined || !(ACTIVITIES as readonly string[]).includes(name)) return;
    this.#executions.set(name, (this.#executions.get(name) ?? 0) + 1);
    if (life !== this.#life) return;
    this.#startsThisLife++;
    this.#lifeWaiters = this.#lifeWaiters.filter((waiter) => {
      if (this.#startsThisLife < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}
