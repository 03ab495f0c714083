// Function chaining through the real SDK: HTTP starter with a durable client → orchestrator →
// activities → Completed, and the 202 answer's URLs answer plain HTTP calls.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { EventType } from '../../src/durable/history.ts';
import { TaskHubStorage } from '../../src/durable/task-hub-storage.ts';
import {
  getStatus,
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForLog,
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

describe('hello sequence', () => {
  it('runs start → activities → completed through an HTTP starter and the SDK client', async () => {
    const response = await fetch(`${host.url}/api/orchestrators/helloSequence`, { method: 'POST' });
    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, string>;
    expect(response.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(body.statusQueryGetUri).toBe(
      `${host.url}/runtime/webhooks/durabletask/instances/${body.id}?taskHub=WorkshopTests&connection=Storage`,
    );

    const status = await waitForStatus(host, body.id!);
    expect(status).toMatchObject({
      name: 'helloSequence',
      runtimeStatus: 'Completed',
      output: ['Hello Tokyo', 'Hello Seattle', 'Hello Cairo'],
    });
    expect(status.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The URL of the 202 answers a plain GET with 200 once done.
    const direct = await fetch(body.statusQueryGetUri!);
    expect(direct.status).toBe(200);

    const logs = await waitForLog(host, `Orchestration helloSequence (${body.id}) episode 4:`);
    expect(logs).toMatch(/Executing 'Functions\.helloSequence' \(Reason='\(null\)', Id=/);
    expect(logs).toMatch(/Executing 'Functions\.sayHello' \(Reason='\(null\)', Id=/);
    expect(logs).toContain(
      `Orchestration helloSequence (${body.id}) episode 1: replayed 0 task(s) from history, scheduled 1 new: sayHello#0`,
    );
    expect(logs).toContain(
      `Orchestration helloSequence (${body.id}) episode 4: replayed 2 task(s) from history (sayHello#0, sayHello#1), new results: sayHello#2, scheduled 0 new`,
    );
  });

  it('shows the history when asked', async () => {
    const response = await fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/helloSequence`, {
      method: 'POST',
    });
    const { id } = (await response.json()) as { id: string };
    await waitForStatus(host, id);
    const status = await getStatus(host, id, '?showHistory=true&showHistoryOutput=true');
    const types = status!.historyEvents!.map((e) => e.EventType);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(status!.historyEvents![1]).toMatchObject({ FunctionName: 'sayHello', Result: 'Hello Tokyo' });
  });

  it("stores an activity's input as DTFx does, as the parameter array ([input]), and hands the activity its first element", async () => {
    const { id } = await startOrchestration(host, 'helloSequence');
    expect((await waitForStatus(host, id)).output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello Cairo']);
    const history = await new TaskHubStorage(azurite.connectionString, 'WorkshopTests').loadHistory(id);
    const inputs = history.events.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.Input);
    // The SDK sends a string input already as JSON text (Utils.processInput), so the shim's one
    // parameter is the string "Tokyo" with its quotes: on Azure too, the row reads ["\"Tokyo\""].
    expect(inputs).toEqual(['["\\"Tokyo\\""]', '["\\"Seattle\\""]', '["\\"Cairo\\""]']);
  });

  it('answers 404 with no body for an unknown instance, as the extension does, and 400 JSON for a malformed id', async () => {
    const id = `nope-${Date.now()}`;
    const missing = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${id}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-length')).toBe('0');
    expect(await missing.text()).toBe('');
    await waitForLog(host, `No instance with ID '${id}' was found in task hub 'WorkshopTests'.`);
    const bad = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent('a#b')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { Message: string }).Message).toMatch(/invalid characters/);
    const badEscape = await fetch(`${host.url}/runtime/webhooks/durabletask/instances/%E0%A4%A`);
    expect(badEscape.status).toBe(400);
  });
});
