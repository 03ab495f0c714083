// Orchestrations and entities: callEntity (action 7) and signalEntity (action 9) as the extension
// replays them: an EventSent "op" with the RequestMessage in the orchestrator's history, the
// entity's answer an EventRaised named by the request id; operations of one orchestration applied
// in order, exactly once; an entity that throws fails the call as the SDK reports it, its state
// not rolled back; an entity signalling another; the determinism check for EventSent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { EventType, newEvent, type HistoryEvent } from '../../src/durable/history.ts';
import { decideEpisode, type OrchestratorResult } from '../../src/durable/replay.ts';
import { controlMessage } from '../../src/durable/task-hub-storage.ts';
import { startAzurite, startOrchestration, waitForStatus, type TestAzurite } from './durable-helpers.ts';
import { hubStorage, readState, signal, startEntityHost, waitForState } from './entities-helpers.ts';

let azurite: TestAzurite;
let host: SpawnedHost;

beforeAll(async () => {
  azurite = await startAzurite();
  host = await startEntityHost(azurite);
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('entities from orchestrations', () => {
  it('signals, then calls: callEntity returns the value', async () => {
    const { id } = await startOrchestration(host, 'counterOrchestrator', { key: 'orch1', adds: [1, 2, 3] });
    expect(await waitForStatus(host, id)).toMatchObject({ runtimeStatus: 'Completed', output: 6 });
    expect(await readState(host, 'counter', 'orch1')).toBe(6);
  });

  it("applies one orchestration's operations in order, exactly once", async () => {
    const { id } = await startOrchestration(host, 'logOrchestrator', { key: 'ordered', count: 25 });
    const expected = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(await waitForStatus(host, id, undefined, 30_000)).toMatchObject({
      runtimeStatus: 'Completed',
      output: expected,
    });
    expect(await readState(host, 'log', 'ordered')).toEqual(expected);
  });

  it('keeps the requests in the history as EventSent "op", and the answer as an EventRaised named by the request id', async () => {
    const { id } = await startOrchestration(host, 'counterOrchestrator', { key: 'history', adds: [4] });
    await waitForStatus(host, id);
    const history = await hubStorage(azurite).loadHistory(id);
    const sent = history.events.filter((e) => e.EventType === EventType.EventSent);
    expect(sent.map((e) => [e.EventId, e.Name, e.InstanceId])).toEqual([
      [0, 'op', '@counter@history'],
      [1, 'op', '@counter@history'],
    ]);
    const [signalRequest, callRequest] = sent.map((e) => JSON.parse(e.Input!) as Record<string, unknown>);
    expect(Object.keys(signalRequest!)).toEqual([
      'op',
      'signal',
      'input',
      'id',
      'parent',
      'parentExecution',
      'Timestamp',
      'Predecessor',
    ]);
    expect(signalRequest).toMatchObject({
      op: 'add',
      signal: true,
      input: '4',
      parent: id,
      parentExecution: history.executionId,
      Predecessor: '0001-01-01T00:00:00',
    });
    expect(callRequest).toMatchObject({ op: 'get', parent: id, Predecessor: signalRequest!.Timestamp });
    expect(callRequest).not.toHaveProperty('signal');
    expect(callRequest).not.toHaveProperty('input');
    const answer = history.events.find((e) => e.EventType === EventType.EventRaised);
    expect(answer).toMatchObject({ Name: callRequest!.id, Input: '{"result":"4"}' });
  });

  it('an entity that throws fails the call as the SDK reports it, and keeps what the operation changed', async () => {
    const { id } = await startOrchestration(host, 'failingCall', 'fails');
    // The SDK sends an Error as "{}" (message and stack are not enumerable), and makes Error({}) of it.
    expect(await waitForStatus(host, id)).toMatchObject({
      runtimeStatus: 'Completed',
      output: { error: 'Error: [object Object]', after: 1001 },
    });
    const history = await hubStorage(azurite).loadHistory(id);
    const answers = history.events.filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Input);
    expect(answers).toEqual(['{"result":null}', '{"result":"{}","exceptionType":"Error"}', '{"result":"1001"}']);
    expect(host.logs()).toMatch(
      /@counter@fails: operation 'fail' failed \(request [\w-]+\): the SDK passed the error on as \{\}: it serialises a thrown Error without its message/,
    );
  });

  it('drops a request delivered twice (the sorter: a timestamp at or before the last one from that sender)', async () => {
    const storage = hubStorage(azurite);
    const target = { InstanceId: '@counter@dup', ExecutionId: '' };
    const queue = storage.controlQueueFor(target.InstanceId);
    const request = (op: string, input: string, timestamp: string, predecessor: string) =>
      JSON.stringify({
        op,
        signal: true,
        input,
        id: crypto.randomUUID(),
        parent: 'some-orchestration',
        parentExecution: 'e1',
        Timestamp: timestamp,
        Predecessor: predecessor,
      });
    const first = request('add', '1', '2026-01-01T00:00:00.001Z', '0001-01-01T00:00:00');
    const send = (input: string, sequence: number) =>
      storage.send(
        queue,
        controlMessage(target, newEvent(EventType.EventRaised, new Date(), { Name: 'op', Input: input }), sequence),
        0,
      );
    await send(first, 1);
    await waitForState(host, 'counter', 'dup', (s) => s === 1);
    await send(first, 2);
    await send(request('add', '10', '2026-01-01T00:00:00.002Z', '2026-01-01T00:00:00.001Z'), 3);
    await waitForState(host, 'counter', 'dup', (s) => s === 11);
    // Nothing left in the queue: the duplicate was handled too, and dropped.
    for (const deadline = Date.now() + 10_000; ;) {
      const { approximateMessagesCount } = await queue.getProperties();
      if (approximateMessagesCount === 0) break;
      if (Date.now() > deadline) throw new Error('the control queue did not empty');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await readState(host, 'counter', 'dup')).toBe(11);
  });

  it('an entity signals another entity', async () => {
    expect((await signal(host, 'counter', 'fwd', 'add', 5)).status).toBe(202);
    await waitForState(host, 'counter', 'fwd', (s) => s === 5);
    expect((await signal(host, 'counter', 'fwd', 'forward')).status).toBe(202);
    expect(await waitForState(host, 'log', 'fwd', (s) => Array.isArray(s) && s.length > 0)).toEqual([5]);
  });
});

describe('the determinism check for entity messages', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const request = JSON.stringify({
    op: 'add',
    signal: true,
    input: '1',
    id: '6f1c0000-0000-5000-8000-000000000000',
    parent: 'orch',
    parentExecution: 'e1',
    Timestamp: '2026-01-01T00:00:00Z',
    Predecessor: '0001-01-01T00:00:00',
  });
  const past: HistoryEvent[] = [
    newEvent(EventType.OrchestratorStarted, t0),
    newEvent(EventType.ExecutionStarted, t0, { Name: 'orch', Input: null }),
    newEvent(EventType.EventSent, t0, { Name: 'op', InstanceId: '@counter@k', Input: request }, 0),
    newEvent(EventType.OrchestratorCompleted, t0),
  ];
  const next = [newEvent(EventType.OrchestratorStarted, new Date(t0.getTime() + 1000))];
  const ctx = {
    instanceId: 'orch',
    executionId: 'e1',
    pastEvents: past,
    newEvents: next,
    orchestratorName: 'orch',
    entityFunctions: ['counter'],
  };
  const sdk = (actions: unknown[]): OrchestratorResult =>
    ({ isDone: false, actions: [actions], schemaVersion: 2 }) as OrchestratorResult;

  it('replays a signal already sent without sending it again', () => {
    const d = decideEpisode(ctx, sdk([{ actionType: 9, instanceId: '@counter@k', operation: 'add', input: 1 }]));
    expect(d.nonDeterminism).toBeUndefined();
    expect(d.newWork).toEqual([]);
  });

  it('fails the instance when the code now schedules something else where history has an EventSent', () => {
    const d = decideEpisode(ctx, sdk([{ actionType: 0, functionName: 'x' }]));
    expect(d.nonDeterminism).toContain(
      "A previous execution of this orchestration scheduled a send event task with sequence ID 0, type 'EventSent', name 'op', instance ID '@counter@k', but the current orchestration replay instead scheduled a ScheduleTaskOrchestratorAction",
    );
    expect(d.completion?.status).toBe('Failed');
  });

  it('fails the instance when the EventSent is no longer scheduled', () => {
    const d = decideEpisode(ctx, sdk([]));
    expect(d.nonDeterminism).toContain(
      "scheduled a send event task with sequence ID 0, type 'EventSent' name 'op', instance ID '@counter@k', but the current replay execution hasn't (yet?) scheduled this task",
    );
  });

  it('a signal to an entity function the app does not have fails the orchestrator', () => {
    const fresh = { ...ctx, pastEvents: past.slice(0, 2), newEvents: [] };
    const d = decideEpisode(fresh, sdk([{ actionType: 9, instanceId: '@nope@k', operation: 'add' }]));
    expect(d.completion).toMatchObject({
      status: 'Failed',
      result:
        "Orchestrator function 'orch' failed: The function 'nope' doesn't exist, is disabled, or is not an entity function. Additional info: The following are the known entity functions: 'counter'.",
    });
  });
});
