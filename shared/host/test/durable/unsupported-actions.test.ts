// The actions this host still does not run fail the orchestrator with a message that names
// them: a scheduled entity signal (action 10; neither Node API creates one: the SDK's
// signalEntity takes no delivery time) and the critical-section actions 13 and 14 (the SDK's
// lock() refuses under replay schema V3 before it sends them). Raw actions, as a newer SDK
// would send them.

import { describe, expect, it } from 'vitest';
import { EventType, newEvent } from '../../src/durable/history.ts';
import { decideEpisode, type OrchestratorResult } from '../../src/durable/replay.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const ctx = {
  instanceId: 'orch',
  executionId: 'e1',
  pastEvents: [],
  newEvents: [
    newEvent(EventType.OrchestratorStarted, t0),
    newEvent(EventType.ExecutionStarted, t0, { Name: 'orch', Input: null }),
  ],
  orchestratorName: 'orch',
  entityFunctions: ['counter'],
};
const episode = (action: { actionType: number } & Record<string, unknown>) =>
  decideEpisode(ctx, { isDone: false, actions: [[action]], schemaVersion: 2 } as OrchestratorResult);

describe('actions this host does not run', () => {
  it('a scheduled entity signal fails the orchestrator, saying so', () => {
    const d = episode({
      actionType: 10,
      instanceId: '@counter@k',
      operation: 'add',
      input: 1,
      scheduledTime: '2026-01-02T00:00:00Z',
    });
    expect(d.completion).toMatchObject({
      status: 'Failed',
      result:
        "Orchestrator function 'orch' failed: The orchestrator sent an entity signal with a delivery time (ScheduledSignalEntity, action 10), which this local host does not support yet.",
    });
    expect(d.newWork).toEqual([]);
  });

  it('locks and their release fail it too, naming critical sections', () => {
    expect(episode({ actionType: 13, entities: [] }).completion?.result).toBe(
      "Orchestrator function 'orch' failed: The orchestrator locked entities for a critical section (LockEntities, action 13), which this local host does not support yet.",
    );
    expect(episode({ actionType: 14 }).completion?.result).toBe(
      "Orchestrator function 'orch' failed: The orchestrator released the entities of a critical section (ReleaseEntities, action 14), which this local host does not support yet.",
    );
  });

  it('an action it does not know by number is named by its number', () => {
    expect(episode({ actionType: 99 }).completion?.result).toBe(
      "Orchestrator function 'orch' failed: The orchestrator sent action 99, which this local host does not know.",
    );
  });
});
