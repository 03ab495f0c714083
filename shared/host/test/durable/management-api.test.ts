// The management HTTP API under bad input: the host's request body limit applies to it as to
// the function routes, malformed and unknown ids come before "not supported here", and a
// continuation token the API never handed out is the caller's mistake (found by npm run bad-input).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAzurite } from '@workshop/azurite';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { startAzurite, startDurableHost, startOrchestration, waitForStatus } from './durable-helpers.ts';

let azurite: RunningAzurite;
let host: SpawnedHost;
const LIMIT = 4096;

beforeAll(async () => {
  azurite = await startAzurite();
  host = await startDurableHost(azurite, { env: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(LIMIT) } });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
});

const api = (path: string, init?: RequestInit) => fetch(`${host.url}/runtime/webhooks/durabletask${path}`, init);

describe('management API under bad input', () => {
  it('refuses a start whose body is over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT with 413 JSON, and starts nothing', async () => {
    const body = JSON.stringify('x'.repeat(LIMIT * 2));
    const res = await api('/orchestrators/helloSequence/too-big-input', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'Payload Too Large',
      message: `The request body exceeds the limit of ${LIMIT} bytes.`,
    });
    expect((await api('/instances/too-big-input')).status).toBe(404);
  });

  it('answers rewind and restart of a malformed id 400 and of an unknown id 404; 501 only for an instance that exists', async () => {
    for (const op of ['rewind', 'restart']) {
      const malformed = await api(`/instances/a%23b/${op}`, { method: 'POST' });
      expect(malformed.status, op).toBe(400);
      expect(((await malformed.json()) as { Message: string }).Message).toMatch(/invalid characters/);
      const unknown = await api(`/instances/no-such-instance/${op}`, { method: 'POST' });
      expect(unknown.status, op).toBe(404);
      expect(await unknown.json()).toEqual({ Message: "No instance with ID 'no-such-instance' was found." });
    }
    const { id } = await startOrchestration(host, 'helloSequence');
    expect((await api(`/instances/${id}/rewind`, { method: 'POST' })).status).toBe(501);
  });

  it('restarts an instance with its input under a new id, or under its own id once it has ended', async () => {
    const { id } = await startOrchestration(host, 'helloSequence', ['Ada'], 'restart-me');
    expect((await waitForStatus(host, id)).runtimeStatus).toBe('Completed');
    const fresh = await api(`/instances/${id}/restart`, { method: 'POST' });
    expect(fresh.status).toBe(202);
    const { id: newId } = (await fresh.json()) as { id: string };
    expect(newId).not.toBe(id);
    const again = await waitForStatus(host, newId);
    expect([again.runtimeStatus, again.input]).toEqual(['Completed', ['Ada']]);
    const same = await api(`/instances/${id}/restart?restartWithNewInstanceId=false`, { method: 'POST' });
    expect(((await same.json()) as { id: string }).id).toBe(id);
    // The row was written again (Pending) before the 202: what completes now is the new run.
    const restarted = await waitForStatus(host, id);
    expect([restarted.runtimeStatus, restarted.input]).toEqual(['Completed', ['Ada']]);
  });

  it('answers 400 JSON to a continuation token it did not hand out', async () => {
    for (const token of ['not-a-token%%%', 'x'.repeat(10_000), Buffer.from('{"other":1}').toString('base64')]) {
      const res = await api('/instances', { headers: { 'x-ms-continuation-token': token } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { Message: string }).Message).toMatch(/continuation token is not valid/);
    }
    expect((await api('/instances')).status).toBe(200);
  });
});
