// The official samples' patterns through the real SDK, under the auto-skipping virtual clock:
// retries (with DTFx's sequence numbers), fan-out/fan-in with custom status,
// sub-orchestrations, a monitor with continue-as-new, and a 100 KB payload that travels
// through `{hub}-largemessages`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  getStatus,
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
  host = await startDurableHost(azurite, { clock: 'auto' });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

async function historyRows(instanceId: string): Promise<Array<Record<string, unknown>>> {
  const table = TableClient.fromConnectionString(azurite.connectionString, 'WorkshopTestsHistory', {
    allowInsecureConnection: true,
  });
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${instanceId}'` } }))
    rows.push(row);
  return rows;
}

describe('retries', () => {
  it('retries a failing activity with retry timers, numbering them like DTFx', async () => {
    const { id } = await startOrchestration(host, 'retrying', { key: `k-${Date.now()}`, succeedOn: 3, attempts: 5 });
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'succeeded on attempt 3' });
    const rows = await historyRows(id);
    const scheduling = rows
      .filter((r) => ['TaskScheduled', 'TimerCreated'].includes(String(r.EventType)))
      .map((r) => `${r.EventType}#${r.EventId}`);
    expect(scheduling).toEqual([
      'TaskScheduled#0',
      'TimerCreated#1',
      'TaskScheduled#2',
      'TimerCreated#3',
      'TaskScheduled#4',
    ]);
    expect(rows.map((r) => r.rowKey)).toContain('0000000000000000');
    expect(rows.map((r) => r.rowKey)).toContain('sentinel');
  });

  it('fails the orchestration once the attempts are used up', async () => {
    const { id } = await startOrchestration(host, 'retrying', { key: `k-${Date.now()}`, succeedOn: 99, attempts: 2 });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toMatch(
      /^Orchestrator function 'retrying' failed: gave up: Activity function 'flaky' failed: attempt 2 failed/,
    );
  });
});

describe('fan-out/fan-in', () => {
  it('runs activities in parallel with Task.all and reports custom status', async () => {
    const { id } = await startOrchestration(host, 'fanOut', 10);
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 385, customStatus: { phase: 'done', count: 10 } });
    await waitForLog(
      host,
      new RegExp(
        `Orchestration fanOut \\(${id}\\) episode 1: replayed 0 task\\(s\\) from history, scheduled 10 new: square#0, square#1`,
      ),
    );
  });
});

describe('sub-orchestrations', () => {
  it('runs sub-orchestrations (generated and explicit ids) and returns their outputs', async () => {
    const { id } = await startOrchestration(host, 'parent');
    const done = await waitForStatus(host, id);
    const hello = ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'];
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: [hello, hello] });
    expect((await getStatus(host, `${id}-child`))!.runtimeStatus).toBe('Completed');
  });
});

describe('continue-as-new', () => {
  it('restarts the monitor with a new execution and a fresh history until it finishes', async () => {
    const { id } = await startOrchestration(host, 'monitor', 0);
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'finished after 3 rounds', input: 3 });
    const history = (await getStatus(host, id, '?showHistory=true'))!.historyEvents!.map((e) => e.EventType);
    expect(history).toEqual(['ExecutionStarted', 'ExecutionCompleted']);
  });
});

describe('large payloads', () => {
  it('moves a 100 KB result through {hub}-largemessages, gzipped, and completes', async () => {
    const { id } = await startOrchestration(host, 'bigPayload');
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { length: 102400, tail: 'xxx' } });
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'workshoptests-largemessages',
    );
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: `${id}/` })) names.push(blob.name);
    expect(names.some((n) => /^[0-9a-f]+\/message-[0-9a-f]{32}-TaskCompleted\.json\.gz$/.test(n))).toBe(true);
    expect(names.some((n) => /\/history-[0-9A-F]{16}-TaskCompleted-[0-9A-F]{8}-Result\.json\.gz$/.test(n))).toBe(true);
    const rows = await historyRows(id);
    expect(rows.some((r) => typeof r.ResultBlobName === 'string')).toBe(true);
  });
});
