// Non-determinism detection (DTFx's NonDeterministicOrchestrationException): the orchestrator's
// code changes while an instance waits; on the next replay the instance fails with a message
// naming the sequence number, the old task and the new one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceDetail } from '@workshop/dashboard/wire';
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
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('non-determinism', () => {
  it('fails the instance when the replayed code schedules another activity at the same sequence number', async () => {
    host = await startDurableHost(azurite, { env: { NDE_VARIANT: 'A' } });
    const { id } = await startOrchestration(host, 'changing');
    // Wait until stepA completed and the orchestrator waits for 'go'.
    await waitForStatus(host, id, () => host!.logs().includes(`Orchestration changing (${id}) episode 2`));
    await host.stop();

    // "Deploy" the changed code, then wake the instance up.
    host = await startDurableHost(azurite, { env: { NDE_VARIANT: 'B' } });
    const raise = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'true',
    });
    expect(raise.status).toBe(202);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'stepA', " +
        "but the current orchestration replay instead scheduled an activity task named 'stepB' with this sequence number. " +
        'Was a change made to the orchestrator code after this instance had already started running?',
    );
    expect(await waitForLog(host, `Orchestration changing (${id}): Non-Deterministic workflow detected`)).toContain(
      'Non-Deterministic',
    );

    // The dashboard's replay view: the episode that failed says what the history held against what the code did.
    const detail = (await (await fetch(`${host.url}/dashboard/api/instances/${id}`)).json()) as InstanceDetail;
    const failed = detail.episodes.at(-1)!;
    expect(failed.seen?.nonDeterminism).toBe(done.output);
    expect(failed.outcome).toEqual({ status: 'Failed', reason: done.output });
    const said = detail.history
      .slice(0, failed.replayedRows)
      .find((row) => row.type === 'TaskScheduled' && row.eventId === 0);
    expect(said?.name).toBe('stepA');
  });
});
