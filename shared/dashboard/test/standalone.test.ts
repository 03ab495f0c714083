// `npm run dashboard` without a host: it reads any task hub, writes nothing until asked, says
// plainly when the hub or the storage is not there, and its actions are queue messages that the
// hub's own host carries out when it runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { UNREACHABLE_STORAGE } from '@workshop/azurite';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForStatus,
  type TestAzurite,
} from '../../host/test/durable/durable-helpers.ts';
import { startDashboardServer } from '../src/standalone.ts';
import type { InstanceDetail, InstancePage } from '../src/wire.ts';

const HUB = 'WorkshopTests'; // the engine's fixture app's hub

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

async function tokenOf(url: string): Promise<string> {
  return /name="dashboard-token" content="([^"]+)"/.exec(await (await fetch(url)).text())![1]!;
}

describe('npm run dashboard', () => {
  it('says a hub does not exist, and creates nothing when asked about it', async () => {
    const dashboard = await startDashboardServer({
      connectionString: azurite.connectionString,
      hubName: 'NoSuchHub',
      port: 0,
    });
    try {
      const list = await fetch(`${dashboard.url}api/instances`);
      expect(list.status).toBe(404);
      expect(((await list.json()) as { message: string }).message).toMatch(/no task hub named NoSuchHub/);
      expect((await fetch(`${dashboard.url}api/instances/some-id`)).status).toBe(404);
      const tables: string[] = [];
      for await (const table of TableServiceClient.fromConnectionString(azurite.connectionString, {
        allowInsecureConnection: true,
      }).listTables())
        tables.push(table.name!);
      const queues: string[] = [];
      for await (const queue of QueueServiceClient.fromConnectionString(azurite.connectionString).listQueues())
        queues.push(queue.name);
      expect([...tables, ...queues].filter((name) => name.toLowerCase().startsWith('nosuchhub'))).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it('says storage is not reachable', async () => {
    const dashboard = await startDashboardServer({ connectionString: UNREACHABLE_STORAGE, hubName: HUB, port: 0 });
    try {
      const list = await fetch(`${dashboard.url}api/instances`);
      expect(list.status).toBe(503);
      expect(((await list.json()) as { message: string }).message).toMatch(/Is Azurite running/);
    } finally {
      await dashboard.close();
    }
  });

  it("reads a hub another host ran, and its terminate reaches the instance when that hub's host runs again", async () => {
    let host = await startDurableHost(azurite);
    const { id: done } = await startOrchestration(host, 'helloSequence', ['Ada']);
    await waitForStatus(host, done);
    const { id: waiting } = await startOrchestration(host, 'waiting');
    await waitForStatus(host, waiting, (s) => s.runtimeStatus === 'Running');
    await host.stop();

    const dashboard = await startDashboardServer({ connectionString: azurite.connectionString, hubName: HUB, port: 0 });
    try {
      const page = (await (await fetch(`${dashboard.url}api/instances`)).json()) as InstancePage;
      expect(page.instances.map((i) => i.instanceId).sort()).toEqual([done, waiting].sort());
      const detail = (await (await fetch(`${dashboard.url}api/instances/${done}`)).json()) as InstanceDetail;
      // No engine here: the history alone, no pick-up times.
      expect(detail.unseen).toBe(true);
      expect(detail.episodes.length).toBeGreaterThan(1);
      expect(
        detail.timeline
          .filter((b) => b.kind === 'activity')
          .every((b) => b.pickedUp === undefined && b.end !== undefined),
      ).toBe(true);

      const token = await tokenOf(dashboard.url);
      const terminate = await fetch(`${dashboard.url}api/instances/${waiting}/terminate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dashboard-token': token },
        body: JSON.stringify({ reason: 'from npm run dashboard' }),
      });
      expect(terminate.status).toBe(202);
    } finally {
      await dashboard.close();
    }
    host = await startDurableHost(azurite);
    try {
      const ended = await waitForStatus(host, waiting);
      expect([ended.runtimeStatus, ended.output]).toEqual(['Terminated', 'from npm run dashboard']);
    } finally {
      await host.stop();
    }
  });
});
