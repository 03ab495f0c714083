// WORKSHOP_DURABLE_PERTURB_REPLAY (lab 08): replays run as if on another machine a day later.
// Code that decides from Date.now() in the orchestrator schedules another task on replay and
// fails with DTFx's non-determinism message; activities and the history's time are unaffected.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SpawnedHost } from '../../src/spawn-host.ts';
import {
  startAzurite,
  startDurableHost,
  startOrchestration,
  waitForStatus,
  type TestAzurite,
} from './durable-helpers.ts';

const DAY = 24 * 60 * 60 * 1000;
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

describe('WORKSHOP_DURABLE_PERTURB_REPLAY', () => {
  it('is off by default: a clock-dependent decision replays the same way within the hour', async () => {
    host = await startDurableHost(azurite);
    const { id } = await startOrchestration(host, 'clockDecision', { deadline: Date.now() + 60 * 60 * 1000 });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as { orchestratorNow: number; activityNow: number };
    expect(Math.abs(output.orchestratorNow - output.activityNow)).toBeLessThan(60_000);
  });

  it("replays a day later: the decision differs and DTFx's non-determinism error fails the instance", async () => {
    host = await startDurableHost(azurite, { env: { WORKSHOP_DURABLE_PERTURB_REPLAY: 'true' } });
    expect(host.logs()).toContain('WORKSHOP_DURABLE_PERTURB_REPLAY is on');
    const { id } = await startOrchestration(host, 'clockDecision', { deadline: Date.now() + 60 * 60 * 1000 });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'stepA', " +
        "but the current orchestration replay instead scheduled an activity task named 'stepB' with this sequence number. " +
        'Was a change made to the orchestrator code after this instance had already started running?',
    );
  });

  it('shifts Date and replaces Math.random and randomUUID in replays only, never in activities or currentUtcDateTime', async () => {
    host = await startDurableHost(azurite, { env: { WORKSHOP_DURABLE_PERTURB_REPLAY: 'true' } });
    const { id } = await startOrchestration(host, 'clockDecision', { deadline: Date.now() + 3 * DAY });
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as Record<string, number | string | boolean>;
    const activityNow = output.activityNow as number;
    expect(Math.abs(activityNow - Date.now())).toBeLessThan(60_000);
    expect(Math.abs((output.orchestratorNow as number) - activityNow - DAY)).toBeLessThan(60_000);
    expect(Math.abs((output.newDate as number) - activityNow - DAY)).toBeLessThan(60_000);
    expect(Math.abs((output.dfNow as number) - activityNow)).toBeLessThan(60_000);
    expect(output.parsed).toBe(0);
    expect(output.isDate).toBe(true);
    expect(output.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(output.random).toBeGreaterThanOrEqual(0);
    expect(output.random).toBeLessThan(1);
  });
});

describe('what the SDK itself rejects (lab 08)', () => {
  it.each([
    ['asyncOrchestrator', 'this.generator.next is not a function'],
    [
      'asyncGeneratorOrchestrator',
      'Durable Functions programming constraint violation: Orchestration yielded data of type undefined.',
    ],
    [
      'yieldsPromise',
      'Durable Functions programming constraint violation: Orchestration yielded data of type object. Only Task types can be yielded.',
    ],
  ])("%s fails with the SDK's message", async (name, message) => {
    host = await startDurableHost(azurite);
    const { id } = await startOrchestration(host, name);
    const done = await waitForStatus(host, id);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toContain(message);
  });
});
