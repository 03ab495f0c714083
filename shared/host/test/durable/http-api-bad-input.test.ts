// The management HTTP API's query parameters, headers and instance ids, against a real host and
// Azurite: every value that storage would refuse (or that would loop the host) is a 400 with a
// JSON message that says which parameter is wrong, answered before anything is started or read.
// Issue #10: these were 500s (storage's InvalidInput, the table SDK's TypeErrors) or ignored.
// And a list query that reached storage wrong: an instanceIdPrefix with '^'.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { escapeKey } from '../../src/durable/task-hub-storage.ts';
import { startAzurite, startDurableHost, startOrchestration, waitForStatus } from './durable-helpers.ts';

let azurite: RunningAzurite;
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

describe('instance ids that storage would refuse', () => {
  const carets = '^'.repeat(256);

  it('answers 400 to an id whose table key is over 1 KiB (256 × ^), on start and on every instance route', async () => {
    const encoded = encodeURIComponent(carets);
    await expect400(await api(`/orchestrators/helloSequence/${encoded}`, { method: 'POST' }), /too long for storage/, 'start');
    await expect400(await api(`/instances/${encoded}`), /too long for storage/, 'status');
    await expect400(await api(`/instances/${encoded}/terminate`, { method: 'POST' }), /too long for storage/, 'terminate');
    await expect400(await api(`/instances/${encoded}`, { method: 'DELETE' }), /too long for storage/, 'purge');
  });

  it('accepts an id whose escaped key is exactly at the limit and refuses one character more', async () => {
    // Measured with the host's own key escaping, so the boundary follows it if it changes.
    const fits = '^'.repeat(128) + 'x'.repeat(128);
    const over = '^'.repeat(129) + 'x'.repeat(127);
    expect(escapeKey(fits).length).toBeLessThanOrEqual(512);
    const started = await startOrchestration(host, 'helloSequence', undefined, encodeURIComponent(fits));
    expect(started.id).toBe(fits);
    expect((await waitForStatus(host, fits)).runtimeStatus).toBe('Completed');
    if (escapeKey(over).length > 512) await expect400(await api(`/orchestrators/helloSequence/${encodeURIComponent(over)}`, { method: 'POST' }), /too long for storage/);
  });
});
