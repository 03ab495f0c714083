// The extension's entity routes (HttpApiHandler.cs) with its status codes and bodies, on the
// public webhook base and the SDK's RPC base, and the SDK client's signalEntity and
// readEntityState, which call them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { startAzurite, type TestAzurite } from './durable-helpers.ts';
import { readState, signal, startEntityHost, waitForState } from './entities-helpers.ts';

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

const entities = (path: string, init?: RequestInit) =>
  fetch(`${host.url}/runtime/webhooks/durabletask/entities/${path}`, init);

describe('the entity HTTP routes', () => {
  it('GET of an entity without state: 404 with no body', async () => {
    const response = await entities('counter/never');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });

  it('POST signals: 202 with no body; GET then answers 200 with the state as JSON', async () => {
    const response = await signal(host, 'counter', 'http1', 'add', 12);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    await waitForState(host, 'counter', 'http1', (s) => s === 12);
    const read = await entities('counter/http1');
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await read.text()).toBe('12');
  });

  it("an entity's own instance (@name@key) can be read through the instance status route, as the extension's GetStatusAsync allows", async () => {
    await signal(host, 'counter', 'status1', 'add', 3);
    await waitForState(host, 'counter', 'status1', (s) => s === 3);
    const response = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent('@counter@status1')}`,
    );
    // 202 as for any instance that is Running: an entity's instance runs for good.
    expect(response.status).toBe(202);
    const status = (await response.json()) as { instanceId: string; runtimeStatus: string };
    expect(status.instanceId).toBe('@counter@status1');
    expect(status.runtimeStatus).toBe('Running');
  });

  it('the RPC base (the SDK’s rpcBaseUrl) has the same routes', async () => {
    const response = await fetch(`${host.url}/durabletask/entities/counter/rpc?op=add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '3',
    });
    expect(response.status).toBe(202);
    await waitForState(host, 'counter', 'rpc', (s) => s === 3);
    expect(await (await fetch(`${host.url}/durabletask/entities/counter/rpc`)).json()).toBe(3);
  });

  it('a body that is not application/json is the input as a string; an empty one is no input', async () => {
    const text = await entities('log/text?op=append', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(202);
    await waitForState(host, 'log', 'text', (s) => Array.isArray(s) && s.length === 1);
    expect((await entities('log/text?op=append', { method: 'POST' })).status).toBe(202);
    // getInput() of no input is undefined, which JSON keeps as null in an array.
    expect(await waitForState(host, 'log', 'text', (s) => Array.isArray(s) && s.length === 2)).toEqual(['hello', null]);
  });

  it('400 with {"Message"} for JSON that does not parse, an entity function the app lacks, a bad key', async () => {
    const badJson = await entities('counter/x?op=add', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { Message: string }).Message).toMatch(/^Could not parse JSON content: /);

    const unknown = await signal(host, 'Nope', 'x', 'add', 1);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      Message:
        "The function 'nope' doesn't exist, is disabled, or is not an entity function. Additional info: The following are the known entity functions: 'counter', 'log'.",
    });

    const badKey = await entities('counter/a%23b?op=add', { method: 'POST' });
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toEqual({
      Message: "entityKey (Parameter 'Entity keys must not contain /, \\, #, ?, or control characters.')",
    });
  });

  it('DELETE signals the operation "delete"; other methods are 404 with no body', async () => {
    expect((await entities('counter/del', { method: 'DELETE' })).status).toBe(202);
    const put = await entities('counter/del', { method: 'PUT', body: '1' });
    expect(put.status).toBe(404);
    expect(await put.text()).toBe('');
    expect((await entities('counter/del/extra')).status).toBe(404);
  });

  it('lists the entities that exist: state only with fetchState=true, the continuation header always', async () => {
    expect((await signal(host, 'log', 'listed', 'append', 'x')).status).toBe(202);
    await waitForState(host, 'log', 'listed', (s) => Array.isArray(s) && s.length === 1);
    const plain = await entities('log');
    expect(plain.status).toBe(200);
    expect(plain.headers.has('x-ms-continuation-token')).toBe(true);
    const items = (await plain.json()) as Array<{ entityId: { name: string; key: string }; state: unknown }>;
    expect(items.find((e) => e.entityId.key === 'listed')).toMatchObject({
      entityId: { name: 'log', key: 'listed' },
      state: null,
    });
    expect(items.every((e) => e.entityId.name === 'log')).toBe(true);
    const withState = (await (await entities('log?fetchState=true')).json()) as Array<{
      entityId: { key: string };
      state: unknown;
      lastOperationTime: string;
    }>;
    const listed = withState.find((e) => e.entityId.key === 'listed');
    expect(listed?.state).toEqual(['x']);
    expect(Number.isNaN(Date.parse(listed!.lastOperationTime))).toBe(false);
  });
});

describe("the SDK client's signalEntity and readEntityState", () => {
  const api = (path: string, init?: RequestInit) => fetch(`${host.url}/api/entity/${path}`, init);

  it('signals through the client and reads the state back', async () => {
    expect(await (await api('read/sdk')).json()).toEqual({ entityExists: false });
    expect((await api('add/sdk', { method: 'POST', body: '21' })).status).toBe(202);
    await waitForState(host, 'counter', 'sdk', (s) => s === 21);
    expect((await api('add/sdk', { method: 'POST', body: '21' })).status).toBe(202);
    await waitForState(host, 'counter', 'sdk', (s) => s === 42);
    expect(await (await api('read/sdk')).json()).toEqual({ entityExists: true, entityState: 42 });
    expect(await readState(host, 'counter', 'sdk')).toBe(42);
  });

  it('signalEntity without content sends no input', async () => {
    expect((await api('reset/sdk', { method: 'POST' })).status).toBe(202);
    await waitForState(host, 'counter', 'sdk', (s) => s === 0);
  });
});
