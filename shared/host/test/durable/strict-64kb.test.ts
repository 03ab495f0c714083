// The workshop's strict mode (WORKSHOP_DURABLE_STRICT_64KB=true, lab 07): no large-message
// blobs; a queue message over 64 KB is rejected as Azure Storage did in 2017, and the engine
// says so in the activity's or orchestration's failure.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForLog,
  waitForStatus,
  type TestAzurite,
} from './durable-helpers.ts';

let azurite: TestAzurite;
let host: SpawnedHost;

beforeAll(async () => {
  azurite = await startAzurite();
  host = await startDurableHost(azurite, { clock: 'auto', env: { WORKSHOP_DURABLE_STRICT_64KB: 'true' } });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

async function largeMessageBlobs(id: string): Promise<string[]> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'workshoptests-largemessages',
  );
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${id}/` })) names.push(blob.name);
  return names;
}

describe('strict 64 KB mode', () => {
  it('fails an activity whose result is over 64 KB, naming the size and the limit, and writes no large-message blob', async () => {
    const { id } = await startOrchestration(host, 'bigPayload');
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(
      /Activity function 'makeBig' failed: .*100 KB message .* over the 64 KB limit .*RequestBodyTooLarge/,
    );
    expect(await largeMessageBlobs(id)).toEqual([]);
    await waitForLog(host, /WORKSHOP_DURABLE_STRICT_64KB is on/);
  });

  it('fails an orchestration that schedules an activity with an input over 64 KB', async () => {
    const { id } = await startOrchestration(host, 'bigInput');
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(
      /Orchestrator function 'bigInput' failed: the input of activity 'measure' \(task #0\) could not be scheduled\. A 100 KB message .* 64 KB limit/,
    );
  });

  it('still sends messages under 64 KB as they are', async () => {
    const { id } = await startOrchestration(host, 'fanOut', 3);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Completed');
  });
});
