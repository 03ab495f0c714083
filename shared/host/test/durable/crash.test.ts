// kill -9 of the host mid-orchestration: storage (Azurite, on disk, another process) keeps the
// checkpoints and the leased queue messages; a new host picks them up once their visibility
// runs out and the instance completes — activities run at least once, nothing is lost.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { startAzurite, startDurableHost, startOrchestration, waitForStatus } from './durable-helpers.ts';

let azurite: RunningAzurite;
let host: SpawnedHost | undefined;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-durable-crash-'));
  azurite = await startAzurite({ location: dir });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('crash recovery', () => {
  it('completes an orchestration after kill -9 of the host and a restart', async () => {
    const env = { WORKSHOP_DURABLE_LEASE_MS: '2000' };
    host = await startDurableHost(azurite, { env });
    const { id } = await startOrchestration(host, 'slowSequence');
    // Kill it while the third activity is running.
    await waitForStatus(host, id, () => host!.logs().includes(`Orchestration slowSequence (${id}) episode 3`), 20_000);
    const killed = new Promise((resolve) => host!.child.once('exit', resolve));
    host.kill('SIGKILL');
    await killed;

    host = await startDurableHost(azurite, { env });
    const done = await waitForStatus(host, id, undefined, 30_000);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: [0, 1, 2, 3, 4, 5] });
    // The new host replayed the checkpointed history rather than starting over.
    expect(host.logs()).not.toContain(`Orchestration slowSequence (${id}) episode 1:`);
  });
});
