// The host's log as a learner reads it: "an eventGridTrigger", not "a eventGridTrigger"; a reason
// that already ends a sentence gets no second full stop.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../../src/spawn-host.ts';
import { tempApp, type TempApp } from '../helpers.ts';
import { startAzurite, startOrchestration, waitForLog, waitForStatus, type TestAzurite } from './durable-helpers.ts';

let azurite: TestAzurite;
let app: TempApp;
let host: SpawnedHost;

beforeAll(async () => {
  azurite = await startAzurite();
  app = tempApp({
    'package.json': JSON.stringify({ name: 'log-wording', type: 'module', main: 'src/functions/*.ts' }),
    'host.json': JSON.stringify({ version: '2.0', extensions: { durableTask: { hubName: 'LogWording' } } }),
    'src/functions/app.ts': `import { app as functions } from '@azure/functions';
import * as df from 'durable-functions';
functions.eventGrid('grid', { handler: () => undefined });
df.app.orchestration('waitsForever', function* (context) { yield context.df.waitForExternalEvent('never'); });
`,
  });
  host = await spawnHost({ appDir: app.dir, port: 0, env: { AzureWebJobsStorage: azurite.connectionString } });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  app?.remove();
});

describe("the host's wording", () => {
  it('says "an eventGridTrigger"', () => {
    expect(host.logs()).toContain(
      "Function 'grid' has an eventGridTrigger, which this local host does not fire yet; only HTTP triggers run.",
    );
    expect(host.logs()).not.toContain('has a eventGridTrigger');
  });

  it('adds no second full stop to a termination reason that ends a sentence inside quotes', async () => {
    const { id } = await startOrchestration(host, 'waitsForever', undefined, `wording-${Date.now()}`);
    await waitForStatus(host, id, (s) => s.runtimeStatus === 'Running');
    const reason = "The reviewer said 'enough.'";
    const res = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances/${id}/terminate?reason=${encodeURIComponent(reason)}`,
      { method: 'POST' },
    );
    expect(res.status).toBe(202);
    await waitForStatus(host, id);
    const logs = await waitForLog(host, `waitsForever (${id}) was terminated: ${reason}`);
    expect(logs).not.toContain(`${reason}.`);
  });
});
