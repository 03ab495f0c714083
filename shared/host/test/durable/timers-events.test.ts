// Durable timers under the virtual clock, external events, terminate, suspend/resume and purge.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  getStatus,
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
  host = await startDurableHost(azurite, { clock: 'virtual' });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

const base = () => `${host.url}/runtime/webhooks/durabletask`;

describe('virtual clock', () => {
  it('fires a one-hour timer only when the clock passes it, at the exact virtual time', async () => {
    const t0 = await host.now();
    const { id } = await startOrchestration(host, 'sleeper');
    const running = await waitForStatus(
      host,
      id,
      (s) => s.runtimeStatus === 'Running' && host.logs().includes(`Orchestration sleeper (${id}) episode 1`),
    );
    expect(running.runtimeStatus).toBe('Running');

    await host.advanceClock(59 * 60 * 1000);
    // Nothing fires before the hour: the engine goes idle with the timer pending.
    expect((await getStatus(host, id))!.runtimeStatus).toBe('Running');

    const after = await host.advanceClock(60 * 1000);
    expect(after.getTime() - t0.getTime()).toBe(60 * 60 * 1000);
    const done = await waitForStatus(host, id);
    const output = done.output as { started: string; woke: string };
    expect(new Date(output.woke).getTime() - new Date(output.started).getTime()).toBeGreaterThanOrEqual(60 * 60 * 1000);
    expect(new Date(output.woke).getTime()).toBe(after.getTime());
  });

  it('replays activities that returned null or nothing from the History table', async () => {
    const { id } = await startOrchestration(host, 'nothingThenSleep');
    await waitForStatus(host, id, () => host.logs().includes(`Orchestration nothingThenSleep (${id}) episode 3`));
    await host.advanceClock(60 * 1000);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus, JSON.stringify(done.output)).toBe('Completed');
    expect(done.output).toEqual({ a: null, b: null });
  });

  it('answers clock requests over IPC', async () => {
    const a = await host.now();
    const b = await host.advanceClock(1234);
    expect(b.getTime() - a.getTime()).toBe(1234);
  });
});

describe('external events', () => {
  it('completes an approval when the event arrives before the timeout, cancelling the timer', async () => {
    const { id, sendEventPostUri } = await startOrchestration(host, 'approval');
    await waitForStatus(host, id, () => host.logs().includes(`Orchestration approval (${id}) episode 1`));
    const raise = await fetch(sendEventPostUri!.replace('{eventName}', 'Approval'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('Ada'),
    });
    expect(raise.status).toBe(202);
    const done = await waitForStatus(host, id);
    expect(done.output).toMatchObject({ outcome: 'approved', by: 'Ada' });
    const history = (await getStatus(host, id, '?showHistory=true'))!.historyEvents!.map((e) => e.EventType);
    expect(history).toContain('EventRaised');
    expect(history).toContain('TimerCreated');
    expect(history).not.toContain('TimerFired');
  });

  it('times out when the clock passes the deadline first', async () => {
    const { id } = await startOrchestration(host, 'approval');
    await waitForStatus(host, id, () => host.logs().includes(`Orchestration approval (${id}) episode 1`));
    await host.advanceClock(60 * 60 * 1000);
    const done = await waitForStatus(host, id);
    expect(done.output).toMatchObject({ outcome: 'timed out' });
  });

  it('buffers an event raised before the orchestrator waits for it', async () => {
    const start = await fetch(`${base()}/orchestrators/waiting`, { method: 'POST' });
    const { id } = (await start.json()) as { id: string };
    // Raised at once, possibly before the first episode ran.
    const raise = await fetch(`${base()}/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
    expect(raise.status).toBe(202);
    expect((await waitForStatus(host, id)).output).toEqual({ got: { n: 1 } });
  });

  it('rejects a raiseEvent that is not JSON, and answers 410 once the instance is done', async () => {
    const { id } = await startOrchestration(host, 'waiting');
    const notJson = await fetch(`${base()}/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(notJson.status).toBe(400);
    await fetch(`${base()}/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '1',
    });
    await waitForStatus(host, id);
    const late = await fetch(`${base()}/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '2',
    });
    expect(late.status).toBe(410);
  });
});

describe('terminate, suspend, resume, purge', () => {
  it('terminates a waiting instance with the reason as output', async () => {
    const { id, terminatePostUri } = await startOrchestration(host, 'waiting');
    await waitForStatus(host, id, (s) => s.runtimeStatus === 'Running');
    const response = await fetch(terminatePostUri!.replace('{text}', 'no longer needed'), { method: 'POST' });
    expect(response.status).toBe(202);
    const done = await waitForStatus(host, id);
    expect(done).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
    expect((await fetch(terminatePostUri!.replace('{text}', 'again'), { method: 'POST' })).status).toBe(410);
  });

  it('suspends and resumes; events arriving while suspended wait for the resume', async () => {
    const { id, suspendPostUri, resumePostUri } = await startOrchestration(host, 'waiting');
    await waitForStatus(host, id, (s) => s.runtimeStatus === 'Running');
    expect((await fetch(suspendPostUri!.replace('{text}', 'pause'), { method: 'POST' })).status).toBe(202);
    await waitForStatus(host, id, (s) => s.runtimeStatus === 'Suspended');
    await fetch(`${base()}/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '"later"',
    });
    await waitForStatus(host, id, () => host.logs().includes(`waiting (${id}) is suspended; 1 event(s) recorded`));
    expect((await getStatus(host, id))!.runtimeStatus).toBe('Suspended');
    expect((await fetch(resumePostUri!.replace('{text}', 'go on'), { method: 'POST' })).status).toBe(202);
    expect((await waitForStatus(host, id)).output).toEqual({ got: 'later' });
  });

  it('purges an instance: its rows are gone and the status answers 404', async () => {
    const { id, purgeHistoryDeleteUri } = await startOrchestration(host, 'helloSequence');
    await waitForStatus(host, id);
    const purge = await fetch(purgeHistoryDeleteUri!, { method: 'DELETE' });
    expect(purge.status).toBe(200);
    expect(await purge.json()).toEqual({ instancesDeleted: 1 });
    expect(await getStatus(host, id)).toBeUndefined();
    expect((await fetch(purgeHistoryDeleteUri!, { method: 'DELETE' })).status).toBe(404);
  });
});
