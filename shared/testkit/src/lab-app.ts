import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '@workshop/azurite';
import { spawnHost } from '@workshop/host';
import { seedSamples } from '@workshop/samples';
import { labAppDir } from './app-dir.ts';

export interface LabAppOptions {
  /** The app folder; defaults to the one the checkpoint runner chose (WORKSHOP_APP_DIR). */
  dir?: string;
  /** Upload the sample images into the `samples` container before the host starts. */
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
  /** The Azurite account the app's `AzureWebJobsStorage` points at. */
  readonly blobs: BlobServiceClient;
  readonly connectionString: string;
  /** Everything the host has printed so far (function logs included). */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts a fresh in-memory Azurite on free ports and the local Functions host on the app
 * folder, the way `func start` would run it, with `AzureWebJobsStorage` pointing at that Azurite.
 */
export async function startLabApp(options: LabAppOptions = {}): Promise<LabApp> {
  const dir = options.dir ?? labAppDir();
  const azurite = await startAzurite();
  try {
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    if (options.seed) await seedSamples(blobs.getContainerClient('samples'));
    const host = await spawnHost({
      appDir: dir,
      port: 0,
      env: { AzureWebJobsStorage: azurite.connectionString, ...options.env },
    });
    return {
      url: host.url,
      dir,
      blobs,
      connectionString: azurite.connectionString,
      fetch: (path, init) => fetch(new URL(path, host.url), init),
      logs: () => host.logs(),
      async stop() {
        await Promise.allSettled([host.stop(), azurite.stop()]);
      },
    };
  } catch (error) {
    await stopQuietly(azurite);
    throw error;
  }
}

async function stopQuietly(azurite: RunningAzurite): Promise<void> {
  await azurite.stop().catch(() => undefined);
}
