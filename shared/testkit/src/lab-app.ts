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
  /** Everything the host has printed so far (function logs included). */
  logs(): string;
  stop(): Promise<void>;

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
  const host = spawnHost({ appDir: dir, port: 0, env: { AzureWebJobsStorage: connectionString, ...options.env } });

  const [storageResult, hostResult] = await Promise.allSettled([storage, host]);
  if (storageResult.status === 'rejected' || hostResult.status === 'rejected') {
    await stopAll(settledValue(hostResult), settledValue(storageResult));
    throw storageResult.status === 'rejected' ? storageResult.reason : (hostResult as PromiseRejectedResult).reason;
  }
  const running = hostResult.value;
  const azurite = storageResult.value;
  const durable = new DurableInspector(running.url, connectionString, taskHubName(dir));
  return {
    url: running.url,
    dir,
    blobs: BlobServiceClient.fromConnectionString(connectionString),
    connectionString,
    fetch: (path, init) => fetch(new URL(path, running.url), init),
    logs: () => running.logs(),
    stop: () => stopAll(running, azurite),
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
