// The management HTTP API's query parameters, headers and instance ids, against a real host and
// Azurite: every value that storage would refuse (or that would loop the host) is a 400 with a
// JSON message that says which parameter is wrong, answered before anything is started or read.
// Issue #10: these were 500s (storage's InvalidInput, the table SDK's TypeErrors) or ignored.
// And a list query that reached storage wrong: an instanceIdPrefix with '^'.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { escapeKey } from '../../src/durable/table-keys.ts';
import {
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
  host = await startDurableHost(azurite);
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

const api = (path: string, init?: RequestInit) => fetch(`${host.url}/runtime/webhooks/durabletask${path}`, init);

/** A 400 with a JSON `Message` matching `message`. */
async function expect400(response: Response, message: RegExp, what = ''): Promise<void> {
  const text = await response.text();
  expect(response.status, `${what}: ${text.slice(0, 300)}`).toBe(400);
  expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect((JSON.parse(text) as { Message: string }).Message, what).toMatch(message);
}

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('instance ids and their table keys', () => {
  it('stores an id of 256 × ^ as DTFx escapes it (^^ each: 512 characters, within the 1 KiB of a key), where storage refused the longer escape with a 500', async () => {
    const carets = '^'.repeat(256);
    const started = await startOrchestration(host, 'helloSequence', undefined, encodeURIComponent(carets));
    expect(started.id).toBe(carets);
    expect((await waitForStatus(host, carets)).runtimeStatus).toBe('Completed');
    expect((await api(`/instances/${encodeURIComponent(carets)}`)).status).toBe(200);
  });
});

describe('the instance list', () => {
  it('answers 400 to a continuation token whose fields are not strings, or that has other fields', async () => {
    const bad = [
      token({ nextPartitionKey: 'a', nextRowKey: { x: 1 } }),
      token({ nextPartitionKey: 'a', nextRowKey: ['x'] }),
      token({ nextPartitionKey: 'a', nextRowKey: 5 }),
      token({ nextPartitionKey: 5 }),
      token({ nextPartitionKey: '' }),
      token({ nextPartitionKey: 'a', other: 'b' }),
      token(['a']),
      token({ nextPartitionKey: 'x'.repeat(10_000) }),
      token({ nextPartitionKey: 'a\ud800' }),
    ];
    for (const t of bad)
      await expect400(
        await api('/instances', { headers: { 'x-ms-continuation-token': t } }),
        /continuation token is not valid/,
        t,
      );
  });

  it('answers 400 to an instanceIdPrefix longer than any instance id can be (12 KB)', async () => {
    await expect400(await api(`/instances?instanceIdPrefix=${'p'.repeat(12 * 1024)}`), /instanceIdPrefix/);
  });

  it('matches instanceIdPrefix against the ids, not their escaped table keys', async () => {
    await startOrchestration(host, 'helloSequence', undefined, encodeURIComponent('pre^1'));
    await startOrchestration(host, 'helloSequence', undefined, encodeURIComponent('pre^5x'));
    const res = await api(`/instances?instanceIdPrefix=${encodeURIComponent('pre^5')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ instanceId: string }>).map((s) => s.instanceId)).toEqual(['pre^5x']);
  });

  it('takes back its tokens whatever their keys hold: they are opaque, not instance ids', async () => {
    // Azurite base64-encodes the next key: the token after 'pg-!' names 'pg-!Oé' as 'cGctIU/DqQ=='.
    const ids = ['pg-!', 'pg-!Oé', 'pg-~'];
    for (const id of ids) await startOrchestration(host, 'helloSequence', undefined, encodeURIComponent(id));
    const seen: string[] = [];
    let continuation: string | null = null;
    for (let page = 0; page < 6; page++) {
      const res: Response = await api(`/instances?top=1&instanceIdPrefix=pg-`, {
        headers: continuation ? { 'x-ms-continuation-token': continuation } : {},
      });
      expect(res.status).toBe(200);
      seen.push(...((await res.json()) as Array<{ instanceId: string }>).map((s) => s.instanceId));
      continuation = res.headers.get('x-ms-continuation-token');
      if (!continuation) break;
    }
    expect(seen).toEqual(ids);
  });

  it('answers 400 to runtimeStatus with 500 entries, duplicates or unknown names; accepts each status once', async () => {
    await expect400(
      await api(`/instances?runtimeStatus=${Array(500).fill('Running').join(',')}`),
      /runtimeStatus/,
      '500 entries',
    );
    await expect400(await api('/instances?runtimeStatus=Running,Completed,Running'), /more than once/, 'duplicate');
    await expect400(
      await api('/instances?runtimeStatus=Running&runtimeStatus=Running'),
      /more than once/,
      'duplicate, repeated parameter',
    );
    await expect400(await api('/instances?runtimeStatus=running'), /'Running'/, 'wrong case');
    await expect400(await api('/instances?runtimeStatus=Bogus'), /Bogus/, 'unknown');
    const all = 'Running,Completed,ContinuedAsNew,Failed,Canceled,Terminated,Pending,Suspended';
    expect((await api(`/instances?runtimeStatus=${all}`)).status).toBe(200);
    expect((await api('/instances?runtimeStatus=Running&runtimeStatus=Completed')).status).toBe(200);
  });

  it('answers 400 to createdTimeFrom/To that are not dates storage can compare', async () => {
    for (const value of [
      'garbage',
      '2024-02-30',
      '2024-13-01',
      '1500-01-01',
      '275760-09-13',
      '2024-01-01T25:00:00Z',
      '1e9',
    ]) {
      await expect400(await api(`/instances?createdTimeFrom=${encodeURIComponent(value)}`), /createdTimeFrom/, value);
      await expect400(await api(`/instances?createdTimeTo=${encodeURIComponent(value)}`), /createdTimeTo/, value);
    }
    for (const value of [new Date().toISOString(), '2024-05-01', '2024-05-01T10:00:00', '2024-05-01T10:00:00+02:00']) {
      expect((await api(`/instances?createdTimeFrom=${encodeURIComponent(value)}`)).status, value).toBe(200);
    }
  });

  it('answers 400 to a top that is not a page size from 1 to 1000', async () => {
    for (const value of ['0', '-1', '1e9', '1000000000', 'abc', '1001', '1.5']) {
      await expect400(await api(`/instances?top=${value}`), /top/, value);
    }
    expect((await api('/instances?top=1000')).status).toBe(200);
    // An empty value is no value, as in the extension.
    expect((await api('/instances?top=')).status).toBe(200);
    await expect400(await api('/instances?top=1&top=2'), /more than once/);
  });

  it('answers 400 to a showInput that is not true or false', async () => {
    await expect400(await api('/instances?showInput=yes'), /showInput/);
  });
});

describe('the status route', () => {
  it('answers 400 to showHistory, showHistoryOutput, showInput or returnInternalServerErrorOnFailure that are not true or false', async () => {
    const { id } = await startOrchestration(host, 'helloSequence');
    for (const name of ['showHistory', 'showHistoryOutput', 'showInput', 'returnInternalServerErrorOnFailure']) {
      await expect400(await api(`/instances/${id}?${name}=maybe`), new RegExp(name), name);
      // Before the 404 of an unknown instance too: the request itself is wrong.
      await expect400(await api(`/instances/no-such-instance?${name}=1`), new RegExp(name), name);
    }
    expect((await api(`/instances/${id}?showHistory=TRUE&showInput=False`)).status).toBeLessThan(300);
  });
});

describe("the start route's timeout and pollingInterval", () => {
  it('answers 400 to values that are not seconds, and starts nothing', async () => {
    const cases: Array<[query: string, message: RegExp]> = [
      ['timeout=abc&pollingInterval=1', /timeout/],
      ['timeout=10&pollingInterval=abc', /pollingInterval/],
      ['timeout=NaN&pollingInterval=1', /timeout/],
      ['timeout=Infinity&pollingInterval=1', /timeout/],
      ['timeout=-1&pollingInterval=1', /timeout/],
      ['timeout=10&pollingInterval=-1', /pollingInterval/],
      ['timeout=5&pollingInterval=10', /bigger than retry timeout/],
      ['timeout=1e10&pollingInterval=1e10', /pollingInterval/],
    ];
    for (const [i, [query, message]] of cases.entries()) {
      const id = `bad-wait-${i}`;
      await expect400(await api(`/orchestrators/helloSequence/${id}?${query}`, { method: 'POST' }), message, query);
      expect((await api(`/instances/${id}`)).status, query).toBe(404);
    }
  });
});
