// The task hub's queues, tables and container are created while the worker loads the app (issue
// #14), not after: a durable host's start no longer waits for them once the app is indexed. The
// app below looks for its task hub's work-item queue while it loads, and says whether it found it.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnHost, type SpawnedHost } from '../../src/spawn-host.ts';
import { tempAppWith, type TempApp } from '../helpers.ts';
import { startAzurite, type TestAzurite } from './durable-helpers.ts';

let azurite: TestAzurite;
let app: TempApp;
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
  app = tempAppWith({
    dependencies: ['@azure/functions', 'durable-functions'],
    hostJson: { extensions: { durableTask: { hubName: 'EarlyHub' } } },
    app: `import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { QueueClient } from '@azure/storage-queue';

// Up to 10 s: far longer than creating a queue takes, far shorter than the test's timeout.
const workItems = new QueueClient(process.env.AzureWebJobsStorage!, 'earlyhub-workitems');
let foundWhileLoading = false;
for (let i = 0; i < 200 && !foundWhileLoading; i++) {
  foundWhileLoading = await workItems.exists();
  if (!foundWhileLoading) await new Promise((resolve) => setTimeout(resolve, 50));
}

df.app.activity('noop', { handler: () => null });
app.http('hub', { authLevel: 'anonymous', handler: async () => ({ jsonBody: { foundWhileLoading } }) });
`,
  });
});
afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  app?.remove();
});

it("creates the task hub's queues while the worker is still loading the app", async () => {
  host = await spawnHost({ appDir: app.dir, port: 0, env: { AzureWebJobsStorage: azurite.connectionString } });
  expect(await (await fetch(`${host.url}/api/hub`)).json()).toEqual({ foundWhileLoading: true });
});
