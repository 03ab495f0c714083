// Ctrl+C on `npm start` stops Azurite and the host together (found by the newcomer walkthrough):
// the host's polls then met a closed port, the storage SDK retried them for seconds, and the host
// was still serving, and holding its port, when npm start killed it 5 s later. A stopping host
// ends its polls at once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { startAzurite, startDurableHost } from './durable-helpers.ts';

let azurite: RunningAzurite;
let host: SpawnedHost | undefined;

beforeAll(async () => {
  // An Azurite of its own: the test stops it.
  azurite = await startAzurite({});
});
afterAll(async () => {
  host?.kill('SIGKILL');
  await azurite?.stop();
});

describe('a durable host whose storage is gone', () => {
  it('stops by itself when asked, without waiting for the storage SDK to give up', async () => {
    host = await startDurableHost(azurite, { clock: 'virtual' });
    await azurite.stop();
    // Moving the clock polls every queue: the polls now meet a closed port, and the SDK retries them.
    await host.advanceClock(1000);
    await host.stop(3000);
    expect(
      { exitCode: host.child.exitCode, signal: host.child.signalCode },
      `the host did not end within 3 s of SIGTERM, and was killed. It printed:\n${host.logs()}`,
    ).toEqual({ exitCode: 0, signal: null });
  });
});
