// An answer that arrives before the history it answers (found by the newcomer walkthrough).
// Ctrl+C on `npm start` in the middle of a checkpoint stopped the host and Azurite after the
// episode's new messages were sent and before its history was written. After the restart, the
// activities ran and answered tasks that the history did not hold: their answers were poison
// within 3 s, and the job was terminated, while the message whose episode writes that history
// again was still leased, for 10 s. Here the answer is sent at once, and the event that makes the
// orchestrator schedule its task only becomes visible later, as that message does when its lease
// runs out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { EventType, newEvent } from '../../src/durable/history.ts';
import { controlMessage, TaskHubStorage } from '../../src/durable/task-hub-storage.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForStatus,
  type TestAzurite,
} from './durable-helpers.ts';

const HUB = 'WorkshopTests';
const LEASE_MS = 6000;

let azurite: TestAzurite;
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('an answer that arrives before the history it answers', () => {
  it('waits for that history (up to two leases), and the orchestration completes', { timeout: 60_000 }, async () => {
    host = await startDurableHost(azurite, { env: { WORKSHOP_DURABLE_LEASE_MS: String(LEASE_MS) } });
    const { id } = await startOrchestration(host, 'eventThenActivity');
    await waitForStatus(host, id, (s) => s.runtimeStatus === 'Running');
    const storage = new TaskHubStorage(azurite.connectionString, HUB);
    const { executionId } = await storage.loadHistory(id);
    const target = { InstanceId: id, ExecutionId: executionId! };
    const queue = storage.controlQueueFor(id);
    // The answer of task #0 (the square of 7), which the history does not hold yet…
    await storage.send(
      queue,
      controlMessage(target, newEvent(EventType.TaskCompleted, new Date(), { TaskScheduledId: 0, Result: '49' }), 1),
    );
    // …and, 6 s later (longer than the answer's first five tries take), the event whose episode schedules task #0.
    await storage.send(
      queue,
      controlMessage(target, newEvent(EventType.EventRaised, new Date(), { Name: 'go', Input: '7' }), 2),
      6000,
    );
    // Held back by the engine, the answer is work still to come: the task hub is not idle
    // before the orchestration has used it.
    await host.whenIdle();
    expect((await waitForStatus(host, id, () => true)).runtimeStatus, host.logs()).toBe('Completed');
    const done = await waitForStatus(host, id, undefined, 40_000);
    expect(done.runtimeStatus, host.logs()).toBe('Completed');
    expect(done.output).toBe(49);
    expect(host.logs()).not.toContain('PoisonMessageDetected');
  });
});
