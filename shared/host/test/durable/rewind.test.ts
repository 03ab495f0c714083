// Rewind, as DTFx's Azure Storage provider does it: the failure rows of the current execution
// (and the TaskScheduled of each failed activity) become GenericEvents in the History table, the
// instance goes back to Pending, and a GenericEvent message wakes the deepest failed instance;
// the replay then schedules the failed work again, and only that.

import { odata, TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  host = await startDurableHost(azurite);
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

const rewind = (id: string, reason: string) =>
  fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}/rewind?reason=${encodeURIComponent(reason)}`, {
    method: 'POST',
  });

/** The History table's rows of an instance, in row-key order: [EventType, Name, Reason]. */
async function historyRows(instanceId: string): Promise<Array<[string, unknown, unknown]>> {
  const table = TableClient.fromConnectionString(azurite.connectionString, 'WorkshopTestsHistory', {
    allowInsecureConnection: true,
  });
  const rows: Array<[string, unknown, unknown]> = [];
  for await (const row of table.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
  }))
    if (row.rowKey !== 'sentinel') rows.push([String(row.EventType), row.Name, row.Reason]);
  return rows;
}

describe('rewind', () => {
  it('takes the failure out of the history and runs only the failed activity again', async () => {
    const key = `rewind-${Date.now()}`;
    const { id } = await startOrchestration(host, 'rewindable', key, key);
    const failed = await waitForStatus(host, id);
    expect(failed.runtimeStatus).toBe('Failed');

    const answer = await rewind(id, 'the blob is back');
    expect([answer.status, await answer.text()]).toEqual([202, '']);
    await waitForLog(host, `Management API: instance '${id}' rewound (reason: the blob is back)`);
    const done = await waitForStatus(host, id);
    expect([done.runtimeStatus, done.output]).toEqual(['Completed', ['Hello before', 'succeeded on attempt 2']]);

    const rows = await historyRows(id);
    const rewound = rows.filter(([type]) => type === 'GenericEvent');
    expect(rewound.map(([, name, reason]) => [name, reason])).toEqual([
      ['flaky', 'Rewound: TaskScheduled'],
      [undefined, 'Rewound: TaskFailed'],
      [undefined, 'Rewound: ExecutionCompleted'],
      [undefined, undefined], // the wake-up message itself
    ]);
    // sayHello ran once and is scheduled once; flaky is scheduled again under the same sequence number.
    expect(rows.filter(([type]) => type === 'TaskScheduled').map(([, name]) => name)).toEqual(['sayHello', 'flaky']);
    expect(rows.filter(([type]) => type === 'ExecutionCompleted')).toHaveLength(1);
  });

  it('rewinds a failed sub-orchestration and wakes only the child: the parent completes when the child does', async () => {
    const key = `rewind-parent-${Date.now()}`;
    const { id } = await startOrchestration(host, 'rewindableParent', key, key);
    expect((await waitForStatus(host, id)).runtimeStatus).toBe('Failed');
    expect((await waitForStatus(host, `${id}-child`)).runtimeStatus).toBe('Failed');

    expect((await rewind(id, 'retry the child')).status).toBe(202);
    const parent = await waitForStatus(host, id);
    expect([parent.runtimeStatus, parent.output]).toEqual([
      'Completed',
      { child: ['Hello before', 'succeeded on attempt 2'] },
    ]);
    expect((await waitForStatus(host, `${id}-child`)).runtimeStatus).toBe('Completed');
    const parentRows = await historyRows(id);
    // The parent still waits for the same child: its SubOrchestrationInstanceCreated keeps its type.
    expect(parentRows.filter(([type]) => type === 'SubOrchestrationInstanceCreated')).toEqual([
      ['SubOrchestrationInstanceCreated', 'rewindable', 'Rewound: SubOrchestrationInstanceCreated'],
    ]);
    expect(parentRows.filter(([type]) => type === 'SubOrchestrationInstanceCompleted')).toHaveLength(1);
  });
});
