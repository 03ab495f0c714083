// The shared packages' tests share one Azurite (issue #14), as lab runs do: each test file that
// asks for in-memory storage gets an account of its own in it (`claimSharedAccount`) instead of
// starting an emulator, about a second of CPU each. Tests that need an Azurite they can kill or
// that keeps data on disk still start their own.

import { SHARED_AZURITE_ENV, startSharedAzurite } from '@workshop/azurite';

export default async function setup(): Promise<() => Promise<void>> {
  const shared = startSharedAzurite();
  // Read by the test processes, which Vitest forks after this.
  process.env[SHARED_AZURITE_ENV] = shared.env[SHARED_AZURITE_ENV];
  return async () => {
    delete process.env[SHARED_AZURITE_ENV];
    await shared.stop();
  };
}
