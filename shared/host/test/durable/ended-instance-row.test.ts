// A host that dies between the last checkpoint's History write and its Instances write leaves
// the Instances row Running while the history has ended: Azure Tables have no transaction
// across the two tables. The messages that checkpoint did not delete come back; DTFx (since
// durabletask PR #1253) then sees the row out of step with the history and writes it again.
// With storageProvider.allowReplayingTerminalInstances (older, now obsolete) a message makes the
// instance replay instead. Found by `npm run faults` (SIGKILL at random moments). The crash
// window is recreated here by putting the row back as the checkpoint before the last one left it.

import { TableClient } from '@azure/data-tables';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { taskHubKey } from '../../src/index.ts';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  getStatus,
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForLog,
  waitForStatus,
  type Status,
  type TestAzurite,
} from './durable-helpers.ts';

const REPLAY_SETTING =
  'AzureFunctionsJobHost__extensions__durableTask__storageProvider__allowReplayingTerminalInstances';

let azurite: TestAzurite;
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
});
afterAll(async () => {
  await azurite?.stop();
});

/** A completed fanOut whose Instances row is back to what it was before its last checkpoint. */
async function endedButRowRunning(running: SpawnedHost): Promise<{ id: string; done: Status }> {
  const { id } = await startOrchestration(running, 'fanOut', 3);
  const done = await waitForStatus(running, id);
  expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 14, customStatus: { phase: 'done', count: 3 } });
  const instances = TableClient.fromConnectionString(azurite.connectionString, 'WorkshopTestsInstances', {
    allowInsecureConnection: true,
  });
  const {
    Output: _output,
    CompletedTime: _completed,
    etag: _etag,
    timestamp: _timestamp,
    ...row
  } = await instances.getEntity<Record<string, unknown>>(taskHubKey(id), '');
  await instances.upsertEntity(
    {
      ...row,
      partitionKey: taskHubKey(id),
      rowKey: '',
      RuntimeStatus: 'Running',
      CustomStatus: JSON.stringify({ phase: 'fan-out', count: 3 }),
    },
    'Replace',
  );
  expect((await getStatus(running, id))?.runtimeStatus).toBe('Running');
  return { id, done };
}

async function raiseEvent(running: SpawnedHost, id: string): Promise<void> {
  const res = await fetch(`${running.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/nudge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(202);
}

describe('an instance whose history has ended while its Instances row says Running', () => {
  it('with allowReplayingTerminalInstances (an app setting overriding host.json), a message for it writes its row again', async () => {
    host = await startDurableHost(azurite, { env: { [REPLAY_SETTING]: 'true' } });
    const { id, done } = await endedButRowRunning(host);
    // Any message does, as the setting's documentation says: an external event.
    await raiseEvent(host, id);
    const repaired = await waitForStatus(host, id, (s) => s.runtimeStatus !== 'Running');
    expect(repaired).toMatchObject({
      runtimeStatus: 'Completed',
      output: done.output,
      customStatus: done.customStatus,
    });
    await waitForLog(host, `fanOut (${id}) has completed in its history: replayed, its Instances row written again`);
  });

  it('without it (the default), a message for it writes the row again from the history', async () => {
    host = await startDurableHost(azurite);
    const { id, done } = await endedButRowRunning(host);
    await raiseEvent(host, id);
    const repaired = await waitForStatus(host, id, (s) => s.runtimeStatus !== 'Running');
    expect(repaired).toMatchObject({ runtimeStatus: 'Completed', output: done.output });
    await waitForLog(
      host,
      `${id}: its history has completed but its Instances row said Running: the row is written again from the history.`,
    );
  });

  it('leaves the row of an instance already in step alone: a late timer does not touch its times', async () => {
    host = await startDurableHost(azurite, { clock: 'virtual' });
    const { id } = await startOrchestration(host, 'approval');
    await waitForLog(host, `Orchestration approval (${id}) episode 1`);
    const raise = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/Approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('Ada'),
    });
    expect(raise.status).toBe(202);
    const done = await waitForStatus(host, id);
    // The cancelled one-hour timer still fires, for an instance that has completed.
    await host.advanceClock(61 * 60 * 1000);
    await waitForLog(host, `${id}: discarding TimerFired: the instance is Completed.`);
    expect(await getStatus(host, id)).toMatchObject({
      runtimeStatus: 'Completed',
      lastUpdatedTime: done.lastUpdatedTime,
    });
    expect(host.logs()).not.toContain(`${id}: its history has completed but`);
  });
});
