// Issue #12, item 3: an orchestrator written with async/await (or otherwise not a generator
// function) still ends Failed, as the SDK fails it, but the output and the host's log name the
// mistake and its fix before the SDK's "this.generator.next is not a function".

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import { spawnHost } from '../../src/spawn-host.ts';
import { GENERATOR_RULE } from '../../src/worker/not-a-generator.ts';
import { fixture } from '../helpers.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForLog,
  waitForStatus,
  type TestAzurite,
} from './durable-helpers.ts';

let azurite: TestAzurite;
let host: SpawnedHost | undefined;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
});
afterAll(async () => {
  await azurite?.stop();
});

describe('an orchestrator that is not a generator function', () => {
  it.each([
    ['asyncOrchestrator', 'is an async function (it returned a Promise)', 'this.generator.next is not a function'],
    [
      'asyncGeneratorOrchestrator',
      'is an async generator function (`async function*`)',
      'Orchestration yielded data of type undefined',
    ],
    [
      'returnsValue',
      'is not a generator function (it returned a value of type string)',
      'this.generator.next is not a function',
    ],
  ])('%s ends Failed with the mistake named, then the SDK’s words; the host log says so', async (name, what, sdk) => {
    host = await startDurableHost(azurite);
    const { id } = await startOrchestration(host, name);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    const output = String(done.output);
    expect(output).toContain(`Orchestrator function '${name}' failed: ${name} ${what}: ${GENERATOR_RULE}.`);
    expect(output.slice(output.indexOf('(The SDK said: '))).toContain(sdk);
    await waitForLog(host, `Orchestrator ${name} ${what}: ${GENERATOR_RULE}.`);
    await waitForLog(host, `Exception: ${name} ${what}: ${GENERATOR_RULE}.`);
  });

  it('a generator that yields a Promise is a generator: the SDK’s own message stands', async () => {
    host = await startDurableHost(azurite);
    const { id } = await startOrchestration(host, 'yieldsPromise');
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toContain('Only Task types can be yielded');
    expect(String(done.output)).not.toContain(GENERATOR_RULE);
  });

  it('an async body that throws after the SDK failed it: the log names the mistake before the worker ends', async () => {
    host = await spawnHost({
      appDir: fixture('../durable/fixtures/unruly-app'),
      port: 0,
      env: { AzureWebJobsStorage: azurite.connectionString, WORKSHOP_DURABLE_LEASE_MS: '2000' },
    });
    const { id } = await startOrchestration(host, 'asyncListing');
    expect((await waitForStatus(host, id)).runtimeStatus).toBe('Failed');
    const logs = await waitForLog(host, /Worker uncaught exception/);
    const named = logs.indexOf(
      `Orchestrator asyncListing is an async function (it returned a Promise): ${GENERATOR_RULE}.`,
    );
    expect(named).toBeGreaterThanOrEqual(0);
    expect(logs.slice(named)).toContain('an error it throws from here on ends the worker');
    expect(named).toBeLessThan(logs.indexOf('Worker uncaught exception'));
  });
});
