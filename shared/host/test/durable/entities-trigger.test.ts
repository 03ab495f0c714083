// The entity trigger in the worker: `df.app.entity(name, fn)` registers an entityTrigger, and the
// host invokes it once per batch with the extension's JSON (`{self, exists, state, batch}`) and
// reads back the SDK's `{entityExists, entityState, results, signals}`. No storage needed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionExecutor } from '../../src/executor.ts';
import { LanguageWorker } from '../../src/language-worker.ts';
import type { FunctionDefinition } from '../../src/worker-protocol.ts';
import { invokeEntity, type EntityBatchRequest } from '../../src/durable/entities/batch.ts';
import { fixture } from '../helpers.ts';

const ENTITY_APP = fixture('../durable/fixtures/entity-app');

let worker: LanguageWorker;
let executor: FunctionExecutor;
let functions: FunctionDefinition[];
const logs: string[] = [];

beforeAll(async () => {
  worker = new LanguageWorker({
    appDir: ENTITY_APP,
    onLog: (entry) => logs.push(entry.message),
    onOutput: (line) => logs.push(line),
    onHostLog: (_level, message) => logs.push(message),
  });
  functions = await worker.start();
  executor = new FunctionExecutor(worker, [], (_level, message) => logs.push(message));
});
afterAll(async () => {
  await worker?.stop();
});

function fn(name: string): FunctionDefinition {
  const found = functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

describe('the entity trigger', () => {
  it('is registered by df.app.entity as an entityTrigger', () => {
    const binding = Object.values(fn('counter').metadata.bindings).find((b) => b.direction === 'in');
    expect(binding?.type).toBe('entityTrigger');
  });

  it('runs a whole batch in one invocation, in order, and returns state, results and signals', async () => {
    const request: EntityBatchRequest = {
      self: { name: 'counter', key: 'k1' },
      exists: true,
      state: '5',
      batch: [
        { name: 'add', input: '3', isSignal: true },
        { name: 'get', input: null, isSignal: false },
        { name: 'forward', input: null, isSignal: true },
        { name: 'add', input: '2', isSignal: false },
        { name: 'get', input: null, isSignal: false },
      ],
    };
    const result = await invokeEntity(executor, fn('counter'), request, '@counter@k1');
    expect(result.entityExists).toBe(true);
    expect(result.entityState).toBe('10');
    expect(result.results.map((r) => [r.isError, r.result ?? null])).toEqual([
      [false, null],
      [false, '8'],
      [false, null],
      [false, null],
      [false, '10'],
    ]);
    expect(result.signals).toEqual([{ target: { name: 'log', key: 'k1' }, name: 'append', input: '8' }]);
  });

  it('a new entity starts from its initial state; a throwing operation is an error result, its state change kept', async () => {
    const request: EntityBatchRequest = {
      self: { name: 'counter', key: 'k2' },
      exists: false,
      state: null,
      batch: [
        { name: 'fail', input: null, isSignal: false },
        { name: 'get', input: null, isSignal: false },
      ],
    };
    const result = await invokeEntity(executor, fn('counter'), request, '@counter@k2');
    // An Error's message and stack are not enumerable: the SDK sends "{}".
    expect(result.results[0]).toMatchObject({ isError: true, result: '{}' });
    expect(result.results[1]).toMatchObject({ isError: false, result: '1000' });
    expect(result).toMatchObject({ entityExists: true, entityState: '1000' });
  });
});
