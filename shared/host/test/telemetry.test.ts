// The host's telemetry stays within its memory limits however long it runs, forgetting the
// instances touched longest ago first.

import { describe, expect, it } from 'vitest';
import { TaskHubTelemetry, TELEMETRY_LIMITS } from '../src/durable/telemetry.ts';

const run = (taskId: number) => ({
  executionId: 'e',
  taskId,
  name: 'a',
  startedAt: new Date(0).toISOString(),
  dequeueCount: 1,
});

describe('host telemetry', () => {
  it('keeps at most its limit of records per instance, the latest ones', () => {
    const telemetry = new TaskHubTelemetry();
    for (let i = 0; i < TELEMETRY_LIMITS.perInstance + 10; i++) telemetry.activityStarted('one', run(i));
    const kept = telemetry.of('one').activities;
    expect(kept).toHaveLength(TELEMETRY_LIMITS.perInstance);
    expect(kept[0]!.taskId).toBe(10);
    expect(telemetry.size).toBe(TELEMETRY_LIMITS.perInstance);
  });

  it('keeps at most its limit of records in all, forgetting the instances touched longest ago', () => {
    const telemetry = new TaskHubTelemetry();
    const per = 1000;
    const instances = TELEMETRY_LIMITS.records / per + 5;
    for (let i = 0; i < instances; i++)
      for (let t = 0; t < per; t++) telemetry.activityStarted(`instance-${i}`, run(t));
    expect(telemetry.size).toBeLessThanOrEqual(TELEMETRY_LIMITS.records);
    expect(telemetry.of('instance-0').activities).toEqual([]);
    expect(telemetry.of(`instance-${instances - 1}`).activities).toHaveLength(per);
    telemetry.forget(`instance-${instances - 1}`);
    expect(telemetry.size).toBeLessThanOrEqual(TELEMETRY_LIMITS.records - per);
  });
});
