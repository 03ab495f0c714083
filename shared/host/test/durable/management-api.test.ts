// The management HTTP API under bad input: the host's request body limit applies to it as to
// the function routes, malformed and unknown ids come before "not supported here", and a
// continuation token the API never handed out is the caller's mistake (found by npm run bad-input).
// Its answers carry a body where the extension's HttpApiHandler sends one, and none where it does
// not (404, 410), with the reason in the host's log instead; the list shows inputs by default.

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

  it('answers rewind and restart of a malformed id 400; an unknown id: rewind 404 with no body, restart 400 as the extension does', async () => {
    for (const op of ['rewind', 'restart']) {
      const malformed = await api(`/instances/a%23b/${op}`, { method: 'POST' });
      expect(malformed.status, op).toBe(400);
      expect(((await malformed.json()) as { Message: string }).Message).toMatch(/invalid characters/);
    }
    const unknownRewind = await api('/instances/no-such-instance/rewind', { method: 'POST' });
    expect([unknownRewind.status, await unknownRewind.text()]).toEqual([404, '']);
    // HandleRestartInstanceRequestAsync: RestartAsync throws an ArgumentException, answered 400 with a message.
    const unknownRestart = await api('/instances/no-such-instance/restart', { method: 'POST' });
    expect(unknownRestart.status).toBe(400);
    expect(((await unknownRestart.json()) as { Message: string }).Message).toMatch(
      /^InstanceId does not match a valid orchestration instance/,
    );
  });

  it('rewinds only a failed instance: 410 with no body once it has completed, 500 with the reason while it runs, as the extension answers', async () => {
    const { id } = await startOrchestration(host, 'helloSequence');
    expect((await waitForStatus(host, id)).runtimeStatus).toBe('Completed');
    const completed = await api(`/instances/${id}/rewind`, { method: 'POST' });
    expect([completed.status, await completed.text()]).toEqual([410, '']);
    await waitForLog(host, `Management API: 410 for POST /runtime/webhooks/durabletask/instances/${id}/rewind`);
    const waiting = await startOrchestration(host, 'waiting');
    const running = await api(`/instances/${waiting.id}/rewind`, { method: 'POST' });
    expect([running.status, await running.json()]).toEqual([
      500,
      {
        Message: 'Something went wrong while processing your request',
        ExceptionMessage: 'The rewind operation is only supported on failed orchestration instances.',
      },
    ]);
    expect((await api(`/instances/${waiting.id}/terminate`, { method: 'POST' })).status).toBe(202);
  });

  it('answers 404 and 410 with no body, as HttpApiHandler does, and says why in the log', async () => {
    const { id } = await startOrchestration(host, 'helloSequence', ['Ada'], `ended-${Date.now()}`);
    expect((await waitForStatus(host, id)).runtimeStatus).toBe('Completed');
    const cases: Array<[what: string, path: string, init: RequestInit, status: number, why: string]> = [
      [
        'status',
        '/instances/no-such-instance',
        {},
        404,
        "No instance with ID 'no-such-instance' was found in task hub 'WorkshopTests'.",
      ],
      [
        'purge',
        '/instances/no-such-instance',
        { method: 'DELETE' },
        404,
        "No instance with ID 'no-such-instance' was found in task hub 'WorkshopTests'.",
      ],
      [
        'terminate',
        '/instances/no-such-instance/terminate',
        { method: 'POST' },
        404,
        "No instance with ID 'no-such-instance' was found in task hub 'WorkshopTests'.",
      ],
      ['no route', '/nothing-here', {}, 404, 'no route of the management API takes GET with this path.'],
      [
        'wrong method',
        `/instances/${id}/terminate`,
        {},
        404,
        'no route of the management API takes GET with this path.',
      ],
      [
        'terminate',
        `/instances/${id}/terminate?reason=late`,
        { method: 'POST' },
        410,
        `Instance '${id}' is Completed: an instance that has ended cannot be terminated.`,
      ],
      [
        'suspend',
        `/instances/${id}/suspend`,
        { method: 'POST' },
        410,
        `Instance '${id}' is Completed: an instance that has ended cannot be suspended.`,
      ],
      [
        'resume',
        `/instances/${id}/resume`,
        { method: 'POST' },
        410,
        `Instance '${id}' is Completed: an instance that has ended cannot be resumed.`,
      ],
      // An ended instance is a 410 before the content type is looked at (HandleRaiseEventRequestAsync).
      [
        'raiseEvent',
        `/instances/${id}/raiseEvent/approval`,
        { method: 'POST', body: 'ok', headers: { 'content-type': 'text/plain' } },
        410,
        `Instance '${id}' is Completed: an instance that has ended cannot receive events.`,
      ],
    ];
    for (const [what, path, init, status, why] of cases) {
      const res = await api(path, init);
      expect([
        what,
        res.status,
        res.headers.get('content-length'),
        res.headers.get('content-type'),
        await res.text(),
      ]).toEqual([what, status, '0', null, '']);
      const method = init.method ?? 'GET';
      await waitForLog(
        host,
        `Management API: ${status} for ${method} /runtime/webhooks/durabletask${path.split('?')[0]} (no body, as the Durable extension answers): ${why}`,
      );
    }
  });

  it('lists instances with their input unless showInput=false (OrchestrationStatusQueryCondition.ShowInput defaults to true)', async () => {
    const { id } = await startOrchestration(host, 'helloSequence', ['Grace'], `listed-${Date.now()}`);
    const listed = async (query: string) => {
      const res = await api(`/instances?instanceIdPrefix=${id}${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as Array<{ instanceId: string; input: unknown }>).map((s) => [s.instanceId, s.input]);
    };
    expect(await listed('')).toEqual([[id, ['Grace']]]);
    expect(await listed('&showInput=true')).toEqual([[id, ['Grace']]]);
    expect(await listed('&showInput=false')).toEqual([[id, null]]);
    // One instance's status: showInput defaults to true there too.
    expect(((await (await api(`/instances/${id}`)).json()) as { input: unknown }).input).toEqual(['Grace']);
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
