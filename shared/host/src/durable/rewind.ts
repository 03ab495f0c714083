// Rewind, as DTFx's Azure Storage provider does it (AzureTableTrackingStore.RewindHistoryAsync,
// then AzureStorageOrchestrationService.RewindTaskOrchestrationAsync). The History table is
// edited in place, so the next replay no longer sees the failure:
//   - every failure row of the current execution (TaskFailed, SubOrchestrationInstanceFailed,
//     and the ExecutionCompleted whose status is Failed) becomes a GenericEvent whose Reason says
//     "Rewound: <its old type>"; the row stays, so the row keys after it do not move;
//   - the TaskScheduled of a failed activity becomes such a GenericEvent too, so the replayed
//     orchestrator schedules the activity again under the same sequence number;
//   - the SubOrchestrationInstanceCreated of a failed sub-orchestration keeps its type (the child
//     instance is still the one to wait for) and gets the Reason; the child is rewound the same way;
//   - each rewound instance's Instances row goes back to Pending.
// Only the deepest failed instances (those with no failed sub-orchestration) are sent the
// GenericEvent message that wakes them: a parent wakes when its child's completion arrives.
// What DTFx cannot rewind, this cannot either: an activity retried with RetryOptions leaves
// timers between its attempts, and the replay then finds a timer it did not schedule
// (a non-determinism failure), as it would on Azure.

import type { TableEntity } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { EventType, eventTypeName } from './history.ts';
import { SENTINEL, type TaskHubStorage } from './task-hub-storage.ts';
import { escapeKey } from './table-keys.ts';

type Row = TableEntity<Record<string, unknown>> & { etag?: string; timestamp?: string };

/** The row as it is written back: the service's own metadata left out. */
function writable(row: Row): TableEntity<Record<string, unknown>> {
  const { etag: _etag, timestamp: _timestamp, ...rest } = row;
  return rest;
}

/**
 * Rewinds the failed current execution of `instanceId` and of its failed sub-orchestrations in
 * storage; returns the ids of the instances to wake, deepest first.
 */
export async function rewindHistory(storage: TaskHubStorage, instanceId: string, now: Date): Promise<string[]> {
  const rows: Row[] = [];
  for await (const row of storage.history.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${escapeKey(instanceId)}` },
  }))
    rows.push(row as Row);
  const sentinel = rows.find((r) => r.rowKey === SENTINEL);
  const executionId = sentinel?.ExecutionId ?? rows.find((r) => r.rowKey !== SENTINEL)?.ExecutionId;
  const current = rows
    .filter((r) => r.rowKey !== SENTINEL && r.ExecutionId === executionId)
    .sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
  const failures = current.filter(
    (r) =>
      r.OrchestrationStatus === 'Failed' ||
      r.EventType === eventTypeName(EventType.TaskFailed) ||
      r.EventType === eventTypeName(EventType.SubOrchestrationInstanceFailed),
  );

  const leaves: string[] = [];
  let failedChildren = false;
  const scheduledBy = (type: number, id: unknown) =>
    current.find((r) => r.EventType === eventTypeName(type) && r.EventId === id);
  for (const failure of failures) {
    if (failure.EventType === eventTypeName(EventType.TaskFailed)) {
      const scheduled = scheduledBy(EventType.TaskScheduled, failure.TaskScheduledId);
      if (scheduled) await markRewound(storage, scheduled, true);
    } else if (failure.EventType === eventTypeName(EventType.SubOrchestrationInstanceFailed)) {
      failedChildren = true;
      const created = scheduledBy(EventType.SubOrchestrationInstanceCreated, failure.TaskScheduledId);
      if (created) {
        await markRewound(storage, created, false);
        if (typeof created.InstanceId === 'string')
          leaves.push(...(await rewindHistory(storage, created.InstanceId, now)));
      }
    }
    await markRewound(storage, failure, true);
  }
  await storage.mergeInstance(instanceId, { RuntimeStatus: 'Pending', LastUpdatedTime: now });
  if (!failedChildren) leaves.push(instanceId);
  return leaves;
}

/** Adds the "Rewound: <type>" reason; a GenericEvent from now on unless `keepType`. */
async function markRewound(storage: TaskHubStorage, row: Row, asGenericEvent: boolean): Promise<void> {
  const rewound: TableEntity<Record<string, unknown>> = {
    ...writable(row),
    Reason: `Rewound: ${String(row.EventType)}`,
  };
  if (asGenericEvent) rewound.EventType = eventTypeName(EventType.GenericEvent);
  await storage.history.updateEntity(rewound, 'Replace', { etag: row.etag ?? '*' });
}
