import { BlobServiceClient } from '@azure/storage-blob';
import { connectionStringFor, endpointsFor, freePorts, startAzurite, UNREACHABLE_STORAGE, type RunningAzurite } from '@workshop/azurite';
import { spawnHost, type SpawnedHost } from '@workshop/host';
import { seedSamples } from '@workshop/samples';
import { labAppDir } from './app-dir.ts';
import { DurableInspector, taskHubName, type OrchestrationStatus, type StatusOptions } from './durable.ts';

export interface LabAppOptions {
  /** The app folder; defaults to the one the checkpoint runner chose (WORKSHOP_APP_DIR). */
  dir?: string;
  /**
   * `azurite` (the default): a fresh in-memory Azurite on free ports.
   * `unreachable`: `AzureWebJobsStorage` points at a port nobody listens on, to check what the
   * app answers when storage is down.
   */
  storage?: 'azurite' | 'unreachable';
  /** Upload the sample images into the `samples` container before the checks run. */
  seed?: boolean;
  /** Extra app settings; they win over local.settings.json and over the test storage account. */
  env?: Record<string, string>;
  /**
   * Durable Functions time. `real` (default); `virtual`: moves only with `app.clock.advance`;
   * `auto`: virtual, and skips to the next durable timer whenever the app is idle — a one-hour
   * timer fires at once, at exactly the right virtual time.
   */
  clock?: 'real' | 'virtual' | 'auto';
}

export interface LabApp {
  /** The host's origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  /** `fetch` against the host: `app.fetch('/api/hello?name=Ada')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The storage account the app's `AzureWebJobsStorage` points at. */
  readonly blobs: BlobServiceClient;
  readonly connectionString: string;
  /** Everything the host has printed so far (function logs included), across restarts. */
  logs(): string;
  stop(): Promise<void>;
  /**
   * Stops the host — with `kill: true` as `kill -9` would, mid-work — and starts it again on
   * the same port and storage, as after a crash. Azurite keeps running throughout.
   */
  restartHost(options?: { kill?: boolean }): Promise<void>;
  /** The host's durable clock. */
  readonly clock: { advance(ms: number): Promise<Date>; now(): Promise<Date> };

  /** An orchestration's status, through the public management API; undefined when unknown. */
  status(instanceId: string, options?: StatusOptions): Promise<OrchestrationStatus | undefined>;
  /** Resolves once the orchestration is Completed, Failed or Terminated. */
  waitForCompletion(instanceId: string, options?: { timeoutMs?: number }): Promise<OrchestrationStatus>;
  /** The instance's rows of the `{Hub}History` table, in order. */
  history(instanceId: string): Promise<Array<Record<string, unknown>>>;
}

/**
 * Starts the local Functions host on the app folder, the way `func start` would run it, with
 * `AzureWebJobsStorage` pointing at a fresh in-memory Azurite. Azurite and the host start side
 * by side: Azurite's ports are chosen first, so the host knows its connection string at once.
 */
export async function startLabApp(options: LabAppOptions = {}): Promise<LabApp> {
  const dir = options.dir ?? labAppDir();
  let connectionString = UNREACHABLE_STORAGE;
  let storage: Promise<RunningAzurite | undefined> = Promise.resolve(undefined);
  if ((options.storage ?? 'azurite') === 'azurite') {
    const [blobPort = 0, queuePort = 0, tablePort = 0] = await freePorts(3);
    connectionString = connectionStringFor(endpointsFor({ blobPort, queuePort, tablePort }));
    storage = startAzurite({ blobPort, queuePort, tablePort }).then(async (azurite) => {
      if (options.seed) await seedSamples(BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('samples'));
      return azurite;
    });
  }
  const hostOptions = {
    appDir: dir,
    env: { AzureWebJobsStorage: connectionString, ...options.env },
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const host = spawnHost({ ...hostOptions, port: 0 });

  const [storageResult, hostResult] = await Promise.allSettled([storage, host]);
  if (storageResult.status === 'rejected' || hostResult.status === 'rejected') {
    await stopAll(settledValue(hostResult), settledValue(storageResult));
    throw storageResult.status === 'rejected' ? storageResult.reason : (hostResult as PromiseRejectedResult).reason;
  }
  let running = hostResult.value;
  let earlierLogs = '';
  const azurite = storageResult.value;
  const durable = new DurableInspector(running.url, connectionString, taskHubName(dir));
  return {
    url: running.url,
    dir,
    blobs: BlobServiceClient.fromConnectionString(connectionString),
    connectionString,
    fetch: (path, init) => fetch(new URL(path, running.url), init),
    logs: () => earlierLogs + running.logs(),
    stop: () => stopAll(running, azurite),
    async restartHost(restart = {}) {
      if (restart.kill) {
        const child = running.child;
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          running.kill('SIGKILL');
          await exited;
        }
      } else {
        await running.stop();
      }
      earlierLogs += running.logs() + `\n--- host ${restart.kill ? 'killed (SIGKILL)' : 'stopped'}; starting again ---\n`;
      running = await spawnHost({ ...hostOptions, port: running.port });
    },
    clock: {
      advance: (ms) => running.advanceClock(ms),
      now: () => running.now(),
    },
    status: (id, statusOptions) => durable.status(id, statusOptions),
    waitForCompletion: (id, waitOptions) => durable.waitForCompletion(id, waitOptions),
    history: (id) => durable.history(id),
  };
}

function settledValue<T>(result: PromiseSettledResult<T>): T | undefined {
  return result.status === 'fulfilled' ? result.value : undefined;
}

async function stopAll(host: SpawnedHost | undefined, azurite: RunningAzurite | undefined): Promise<void> {
  await Promise.allSettled([host?.stop(), azurite?.stop()]);
}
