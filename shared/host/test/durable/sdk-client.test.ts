// The SDK's DurableClient, unchanged, against the host's RPC endpoint: startNew, getStatus with
// history, raiseEvent, terminate, purgeInstanceHistory, waitForCompletionOrCreateCheckStatusResponse,
// getStatusAll, createHttpManagementPayload, rewind — and the list route's paging.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { startAzurite, startDurableHost, waitForStatus, type TestAzurite } from './durable-helpers.ts';

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

const api = (path: string, init?: RequestInit) => fetch(`${host.url}/api/client/${path}`, init);

describe('the SDK client', () => {
  it('waits for completion and returns the output', async () => {
    const response = await api('wait');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
  });

  it('starts, raises an event, reads the status with history, purges', async () => {
    const { instanceId } = (await (await api('start?name=waiting', { method: 'POST' })).json()) as {
      instanceId: string;
    };
    await waitForStatus(host, instanceId, (s) => s.runtimeStatus === 'Running');
    expect(
      (await api(`raise/${instanceId}?event=go`, { method: 'POST', body: JSON.stringify({ ok: 1 }) })).status,
    ).toBe(202);
    await waitForStatus(host, instanceId);
    const status = (await (await api(`status/${instanceId}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      name: 'waiting',
      instanceId,
      runtimeStatus: 'Completed',
      output: { got: { ok: 1 } },
    });
    // The extension sends the history as `historyEvents`; the SDK's DurableOrchestrationStatus
    // only copies `history`, so it stays undefined there — as in Azure.
    expect(status.history).toBeUndefined();
    const raw = await fetch(`${host.url}/durabletask/instances/${instanceId}?showHistory=true&showHistoryOutput=true`);
    const rawBody = (await raw.json()) as { historyEvents: Array<{ EventType: string; Input?: unknown }> };
    expect(rawBody.historyEvents.find((e) => e.EventType === 'EventRaised')).toMatchObject({ Input: { ok: 1 } });
    expect(await (await api(`purge/${instanceId}`, { method: 'DELETE' })).json()).toEqual({ instancesDeleted: 1 });
    // getStatus of a purged instance: the SDK turns the 404 into an error (the function fails with 500).
    expect((await api(`status/${instanceId}`)).status).toBe(500);
  });

  it('terminates through the SDK', async () => {
    const { instanceId } = (await (await api('start?name=waiting', { method: 'POST' })).json()) as {
      instanceId: string;
    };
    await waitForStatus(host, instanceId, (s) => s.runtimeStatus === 'Running');
    expect((await api(`terminate/${instanceId}?reason=enough`, { method: 'POST' })).status).toBe(202);
    expect(await waitForStatus(host, instanceId)).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
  });

  it('lists instances with their input (getStatusAll sends no showInput; the extension defaults it to true)', async () => {
    const { instanceId } = (await (
      await api('start?name=waiting', { method: 'POST', body: '{"listed":true}' })
    ).json()) as {
      instanceId: string;
    };
    const all = (await (await api('list')).json()) as Array<{ instanceId: string; input: unknown }>;
    expect(all.find((s) => s.instanceId === instanceId)?.input).toEqual({ listed: true });
    expect((await api(`terminate/${instanceId}`, { method: 'POST' })).status).toBe(202);
  });

  it("rewind: the SDK's own message for the host's empty 404, the extension's for a running instance, and a failed instance rewound", async () => {
    const unknown = await api('rewind/no-such-instance', { method: 'POST' });
    expect(await unknown.json()).toEqual({ message: "No instance with ID 'no-such-instance' found." });
    const { instanceId } = (await (await api('start?name=waiting', { method: 'POST' })).json()) as {
      instanceId: string;
    };
    // RewindAsync's InvalidOperationException, which HttpApiHandler answers 500.
    const running = await api(`rewind/${instanceId}`, { method: 'POST' });
    expect(((await running.json()) as { message: string }).message).toBe(
      'The operation failed with an unexpected status code: 500. Details: {"Message":"Something went wrong while processing your request",' +
        '"ExceptionMessage":"The rewind operation is only supported on failed orchestration instances."}',
    );
    expect((await api(`terminate/${instanceId}`, { method: 'POST' })).status).toBe(202);

    const key = `sdk-rewind-${Date.now()}`;
    const failed = (await (
      await api('start?name=rewindable', { method: 'POST', body: JSON.stringify(key) })
    ).json()) as {
      instanceId: string;
    };
    expect((await waitForStatus(host, failed.instanceId)).runtimeStatus).toBe('Failed');
    expect((await api(`rewind/${failed.instanceId}`, { method: 'POST' })).status).toBe(202);
    const rewound = await waitForStatus(host, failed.instanceId);
    expect([rewound.runtimeStatus, rewound.output]).toEqual(['Completed', ['Hello before', 'succeeded on attempt 2']]);
  });

  it('lists instances, paged by x-ms-continuation-token', async () => {
    const all = (await (await api('list')).json()) as Array<{ instanceId: string }>;
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 20; page++) {
      const response: Response = await fetch(`${host.url}/runtime/webhooks/durabletask/instances?top=1`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(response.status).toBe(200);
      const items = (await response.json()) as Array<{ instanceId: string }>;
      seen.push(...items.map((i) => i.instanceId));
      token = response.headers.get('x-ms-continuation-token');
      if (!token) break;
    }
    expect(new Set(seen)).toEqual(new Set(all.map((i) => i.instanceId)));
  });

  it('builds management URLs that point at this host', async () => {
    const payload = (await (await api('payload/abc')).json()) as Record<string, string>;
    expect(payload.statusQueryGetUri).toBe(
      `${host.url}/runtime/webhooks/durabletask/instances/abc?taskHub=WorkshopTests&connection=Storage`,
    );
  });
});
