// The shared packages' tests share one Azurite (issue #14), as lab runs do: each test file that
// asks for in-memory storage gets an account of its own in it (`claimSharedAccount`) instead of
// starting an emulator, about a second of CPU each. Tests that need an Azurite they can kill or
// that keeps data on disk still start their own.

import { SHARED_AZURITE_ENV, startSharedAzurite } from '@workshop/azurite';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The checkpoint runner loads this config for lab checks; it shares an Azurite of its own.
  if (project.config.include.every((pattern) => pattern.startsWith('labs/'))) return undefined;
  const shared = startSharedAzurite();
  // Read by the test processes, which Vitest forks after this.
  process.env[SHARED_AZURITE_ENV] = shared.env[SHARED_AZURITE_ENV];
  return async () => {
    delete process.env[SHARED_AZURITE_ENV];
    await shared.stop();
  };
}
