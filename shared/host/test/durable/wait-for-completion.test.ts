// The start route's wait (`?timeout=&pollingInterval=`, seconds), issue #10: the polling
// interval is clamped (0.000001 s was a 1 ms loop of status reads, 1e10 s overflowed Node's timer
// into the same), and the polling stops when the client disconnects (it went on until the
// instance ended: ~2.5 s of host CPU and 2 s of Azurite CPU every 10 s). The host's status reads
// are counted at the table endpoint, through a proxy in front of Azurite.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionStringFor, startStorageProxy } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import type { StatusPayload } from '../../src/durable/client.ts';
import {
  MAX_TIMER_MS,
  MIN_POLLING_INTERVAL_MS,
  waitForCompletion,
  waitParameters,
} from '../../src/durable/wait-for-completion.ts';
import { eventually } from '../helpers.ts';
import { startAzurite, startDurableHost, type TestAzurite } from './durable-helpers.ts';

const query = (text: string) => new URLSearchParams(text);

describe('waitParameters', () => {
  it('asks for no wait unless both values are given, as the extension', () => {
    expect(waitParameters(query(''))).toBeUndefined();
    expect(waitParameters(query('timeout=10'))).toBeUndefined();
    expect(waitParameters(query('pollingInterval=1'))).toBeUndefined();
    expect(waitParameters(query('timeout=&pollingInterval=1'))).toBeUndefined();
    expect(waitParameters(query('timeout=10&pollingInterval=1'))).toEqual({ timeoutMs: 10_000, intervalMs: 1000 });
  });

  it('polls at most every 100 ms, however small the interval', () => {
    for (const interval of ['0', '0.000001', '1e-300', '0.05']) {
      expect(waitParameters(query(`timeout=10&pollingInterval=${interval}`))!.intervalMs, interval).toBe(
        MIN_POLLING_INTERVAL_MS,
      );
    }
  });

  it("keeps the interval within Node's timer range (2^31-1 ms), where the extension's Task.Delay still accepts it", () => {
    expect(waitParameters(query('timeout=4000000&pollingInterval=3000000'))).toEqual({
      timeoutMs: 4e9,
      intervalMs: MAX_TIMER_MS,
    });
  });
});

function fakeStatus(runtimeStatus: StatusPayload['runtimeStatus']): StatusPayload {
  return {
    name: 'x',
    instanceId: 'i',
    runtimeStatus,
    input: null,
    customStatus: null,
    output: 'done',
    createdTime: '',
    lastUpdatedTime: '',
  };
}

describe('waitForCompletion', () => {
  it('returns the status once the instance has ended', async () => {
    let reads = 0;
    const result = await waitForCompletion(
      async () => fakeStatus(++reads < 3 ? 'Running' : 'Completed'),
      { timeoutMs: 10_000, intervalMs: 1 },
      new AbortController().signal,
    );
    expect(result?.runtimeStatus).toBe('Completed');
    expect(reads).toBe(3);
  });

  it('stops reading as soon as its signal aborts', async () => {
    let reads = 0;
    const controller = new AbortController();
    const waiting = waitForCompletion(
      async () => (reads++, fakeStatus('Running')),
      { timeoutMs: 60_000, intervalMs: 100 },
      controller.signal,
    );
    await eventually(() => reads >= 2, 5000, 'two reads');
    controller.abort();
    const ended = await Promise.race([waiting.then(() => 'ended'), sleep(50).then(() => 'still waiting')]);
    expect(ended).toBe('ended');
    const afterAbort = reads;
    await sleep(300);
    expect(reads).toBe(afterAbort);
  });
});

/** A proxy to Azurite's table endpoint that counts reads of one instance's row. */
async function countingTableProxy(
  tableEndpoint: string,
): Promise<{ endpoint: string; reads(instanceId: string): number; close(): Promise<void> }> {
  const paths: string[] = [];
  const proxy = await startStorageProxy(tableEndpoint, {
    onRequest: (method, url) => {
      if (method === 'GET') paths.push(decodeURIComponent(url));
    },
  });
  return {
    endpoint: proxy.endpoint,
    reads: (instanceId) => paths.filter((p) => p.includes(`Instances(PartitionKey='${instanceId}',RowKey='')`)).length,
    close: () => proxy.close(),
  };
}

describe('the start route waiting on a real host', () => {
  let azurite: TestAzurite;
  let proxy: Awaited<ReturnType<typeof countingTableProxy>>;
  let host: SpawnedHost;

  beforeAll(async () => {
    azurite = await startAzurite();
    proxy = await countingTableProxy(azurite.tableEndpoint);
    const connectionString = connectionStringFor({
      blobEndpoint: azurite.blobEndpoint,
      queueEndpoint: azurite.queueEndpoint,
      tableEndpoint: proxy.endpoint,
    });
    host = await startDurableHost(azurite, { env: { AzureWebJobsStorage: connectionString } });
  });
  afterAll(async () => {
    await host?.stop();
    await proxy?.close();
    await azurite?.stop();
  });

  const start = (path: string, signal?: AbortSignal) =>
    fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/${path}`, {
      method: 'POST',
      ...(signal ? { signal } : {}),
    });

  it('answers 200 with the output when the instance completes in time', async () => {
    const res = await start('helloSequence/wait-ok?timeout=20&pollingInterval=0.1');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
  });

  it('answers 202 with the management URLs when it does not', async () => {
    const started = performance.now();
    const res = await start('waiting/wait-timeout?timeout=0.5&pollingInterval=0.1');
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: string }).id).toBe('wait-timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  /** Starts `waiting` (which waits for an event) with `wait`, lets it poll, then disconnects. */
  async function pollThenDisconnect(id: string, wait: string, pollMs: number): Promise<number> {
    const controller = new AbortController();
    const request = start(`waiting/${id}?${wait}`, controller.signal).catch(() => undefined);
    // The start's own read (is there such an instance?), then the wait's first.
    await eventually(() => proxy.reads(id) >= 2, 10_000, `the first status read of ${id}`);
    const first = proxy.reads(id);
    await sleep(pollMs);
    const polled = proxy.reads(id) - first;
    controller.abort();
    await request;
    return polled;
  }

  it('polls at most every 100 ms when asked for 0.000001 s', async () => {
    const polled = await pollThenDisconnect('wait-tiny-interval', 'timeout=60&pollingInterval=0.000001', 1000);
    expect(polled).toBeGreaterThanOrEqual(3);
    expect(polled).toBeLessThanOrEqual(1000 / MIN_POLLING_INTERVAL_MS + 2);
  });

  it("does not poll in a loop when the interval is beyond Node's timer range", async () => {
    const polled = await pollThenDisconnect('wait-huge-interval', 'timeout=4000000&pollingInterval=3000000', 1000);
    expect(polled).toBe(0);
  });

  it('stops polling when the client disconnects', async () => {
    const id = 'wait-disconnect';
    await pollThenDisconnect(id, 'timeout=600&pollingInterval=0.1', 300);
    await sleep(300); // a read in flight at the disconnect may still arrive
    const afterDisconnect = proxy.reads(id);
    await sleep(1000);
    expect(proxy.reads(id)).toBe(afterDisconnect);
  });
});
