import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from '@workshop/azurite';
import { repoRoot } from './manifest.ts';

/** The ports `UseDevelopmentStorage=true` and Storage Explorer expect. */
export const DEV_PORTS = { blobPort: 10000, queuePort: 10001, tablePort: 10002 } as const;
export const dataDir = join(repoRoot, '.workshop', 'azurite');

async function azuriteAlreadyListening(): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${DEV_PORTS.blobPort}/devstoreaccount1?comp=list`, {
      signal: AbortSignal.timeout(1000),
    });
    return (res.headers.get('server') ?? '').startsWith('Azurite');
  } catch {
    return false;
  }
}

/**
 * Storage for serving a lab: Azurite on the default ports with its data on disk, so blobs
 * and orchestrations survive a restart. An Azurite the learner already runs is reused.
 */
export async function startDevStorage(onOutput?: (line: string) => void): Promise<RunningAzurite | 'reused'> {
  if (await azuriteAlreadyListening()) return 'reused';
  return startAzurite({ location: dataDir, ...DEV_PORTS, ...(onOutput ? { onOutput } : {}) });
}
