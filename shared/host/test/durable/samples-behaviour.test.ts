// Behaviour the official durable-functions samples rely on, found by running them unchanged:
// activity binding data from the input's properties (backupSiteContent's `backups/{backupPath}`),
// and queue-message leases that survive a renewal racing the delete (long fan-outs).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { TaskHubStorage } from '../../src/durable/task-hub-storage.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForStatus,
  type TestAzurite,
} from './durable-helpers.ts';

let azurite: TestAzurite;
let host: SpawnedHost;

beforeAll(async () => {
  azurite = await startAzurite();
  host = await startDurableHost(azurite);
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('activity binding data', () => {
  it("resolves an output binding's {property} from the activity's object input", async () => {
    const files = [
      { folder: 'a', fileName: 'one.txt', text: 'first' },
      { folder: 'b', fileName: 'two.txt', text: 'second!' },
    ];
    const { id } = await startOrchestration(host, 'archiving', files);
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 12 });
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
    expect((await container.getBlockBlobClient('a/one.txt').downloadToBuffer()).toString()).toBe('first');
    expect((await container.getBlockBlobClient('b/two.txt').downloadToBuffer()).toString()).toBe('second!');
  });
});

describe('queue message leases', () => {
  it('runs a renewal and a delete of one message one after the other, and skips renewals after the delete', async () => {
    const storage = new TaskHubStorage(azurite.connectionString, 'LeaseRace');
    await storage.init();
    for (let round = 0; round < 5; round++) {
      await storage.send(storage.workItems, {
        ActivityId: `a${round}`,
        SequenceNumber: round,
        TaskMessage: {
          Event: { EventType: 4, EventId: 0, IsPlayed: false, Timestamp: new Date().toISOString() },
          SequenceNumber: 0,
          OrchestrationInstance: { InstanceId: 'i', ExecutionId: 'e' },
        },
      });
      const [message] = await storage.receive(storage.workItems, 1, 10_000);
      expect(message).toBeDefined();
      // Started together, as the lease renewer and a finished activity do.
      await Promise.all([storage.renew(message!, 10_000), storage.delete(message!), storage.renew(message!, 10_000)]);
      expect(message!.deleted).toBe(true);
    }
    const left = await storage.workItems.peekMessages({ numberOfMessages: 32 });
    expect(left.peekedMessageItems).toHaveLength(0);
  });
});
