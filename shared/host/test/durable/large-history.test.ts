// The large-message blobs a history load downloads are logged once per real load: with
// extended sessions (the fixture's host.json) the next episodes use the history in memory and
// download nothing, so they log nothing.

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
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

describe('large-message blobs of a history load', () => {
  it('are logged by the episode that loads the history from storage, not by the cached episodes after it', async () => {
    host = await startDurableHost(azurite);
    const { id } = await startOrchestration(host, 'bigThenEvent');
    // Episode 2 records the 100 KB result (a history blob) and waits for the event. Stop the
    // host only once that checkpoint is in the History table (stopping does not wait for it).
    await waitForStatus(
      host,
      id,
      (s) => s.historyEvents?.some((e) => e.EventType === 'TaskCompleted') === true,
      20_000,
      '?showHistory=true',
    );
    await host.stop();

    // A new host has no session: the event's episode loads the history, blob included.
    host = await startDurableHost(azurite);
    const raise = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(raise.status).toBe(202);
    const done = await waitForStatus(host, id, undefined, 30_000);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { length: 102400 } });
    const logs = await waitForLog(host, `bigThenEvent (${id}) completed.`);
    const lines = logs.split('\n').filter((l) => l.includes(id));
    const isDownload = (l: string) => l.includes(`${id}: loading the history for this episode downloaded`);
    // The event's episode (or a redelivery just before it) loaded the history with its blob.
    expect(lines.find(isDownload)).toMatch(/downloaded 1 large-message blob\(s\)/);
    // The last episode (measure's result) ran on the history in memory: no download line between
    // the episode before it and its own summary.
    const last = lines.findIndex((l) => /episode \d+: .*new results: measure#/.test(l));
    expect(last).toBeGreaterThan(0);
    const previous = lines.slice(0, last).findLastIndex((l) => /episode \d+:/.test(l));
    expect(previous).toBeGreaterThanOrEqual(0);
    expect(lines.slice(previous + 1, last).filter(isDownload)).toEqual([]);
  });
});
