// The fault suite's entity counter (npm run faults): after the kills, every operation the jobs'
// histories sent must have been applied exactly once. The verdict must tell an operation lost
// from one applied twice, keep apart the operations of episodes a kill cut short (sent before a
// checkpoint that never came: at least once, as in the extension), and catch a history that
// sent the wrong number or a counter read too early.

import { describe, expect, it } from 'vitest';
import { COUNTER_INSTANCE, judgeCounter, sentToCounter, type CounterJob } from '../lib/entity-counter.ts';

const job = (id: string, thumbnails: number, extra: Partial<CounterJob> = {}): CounterJob => ({
  id,
  completed: true,
  thumbnails,
  signals: Array.from({ length: thumbnails }, (_, i) => `${id}/${i}`),
  calls: [`${id}/${thumbnails}`],
  ...extra,
});

/** The counter's state after applying each key `times` (default once). */
const counter = (keys: string[], times: Record<string, number> = {}) => {
  const applied = Object.fromEntries(keys.map((key) => [key, times[key] ?? 1]));
  return { count: Object.values(applied).reduce((a, b) => a + b, 0), applied };
};
const keysOf = (...jobs: CounterJob[]) => jobs.flatMap((j) => [...j.signals, ...j.calls]);

describe("the fault suite's entity counter", () => {
  it('keeps its promise when each operation the jobs sent was applied once', () => {
    const jobs = [job('a', 3), job('b', 2)];
    expect(judgeCounter({ jobs, state: counter(keysOf(...jobs)), pending: 0 })).toEqual({
      sent: 7,
      signals: 5,
      calls: 2,
      exactlyOnce: 7,
      cutShort: 0,
      counted: 7,
      problems: [],
    });
  });

  it('says which operations were lost, or applied twice', () => {
    const a = job('a', 3);
    expect(judgeCounter({ jobs: [a], state: counter(['a/0', 'a/1', 'a/3']), pending: 0 }).problems).toEqual([
      'the entity counter never applied 1 of the 4 operation(s) the jobs sent: a/2',
    ]);
    const verdict = judgeCounter({ jobs: [a], state: counter(keysOf(a), { 'a/1': 2 }), pending: 0 });
    expect(verdict.problems).toEqual(['the entity counter applied 1 operation(s) more than once: a/1 2 times']);
    expect(verdict.exactlyOnce).toBe(3);
  });

  it("counts apart what a cut-short episode sent, but holds it to once too (the sorter's duplicate check)", () => {
    const a = job('a', 2);
    const orphans = ['a/0@earlier', 'a/1@earlier'];
    const verdict = judgeCounter({ jobs: [a], state: counter([...keysOf(a), ...orphans]), pending: 0 });
    expect(verdict).toMatchObject({ sent: 3, exactlyOnce: 3, cutShort: 2, counted: 5, problems: [] });
    const delivered = judgeCounter({
      jobs: [a],
      state: counter([...keysOf(a), ...orphans], { 'a/0@earlier': 2 }),
      pending: 0,
    });
    expect(delivered.problems).toEqual([
      'the entity counter applied 1 operation(s) more than once: a/0@earlier 2 times',
    ]);
  });

  it('counts a missing or strange counter as broken', () => {
    expect(judgeCounter({ jobs: [job('a', 1)], state: undefined, pending: 0 }).problems).toEqual([
      'the counter does not exist (GET /runtime/webhooks/durabletask/entities/thumbnailCounter/faults answered 404) after 2 operation(s) were sent',
    ]);
    expect(judgeCounter({ jobs: [job('a', 1)], state: 2, pending: 0 }).problems).toEqual([
      "the counter's state is not {count, applied}: 2",
    ]);
    expect(judgeCounter({ jobs: [], state: { count: 3, applied: { x: 1 } }, pending: 0 }).problems).toEqual([
      "the entity counter's count is 3, but it applied 1 operation(s)",
    ]);
  });

  it('holds a completed job to one signal per thumbnail and one call', () => {
    const short = job('a', 3, { signals: ['a/0', 'a/1'] });
    expect(judgeCounter({ jobs: [short], state: counter(keysOf(short)), pending: 0 }).problems).toEqual([
      'a: completed with 3 thumbnail(s), but its history sent the counter 2 signal(s) and 1 call(s) (one signal per thumbnail and one call were due)',
    ]);
    // A job that did not complete is judged by the fleet's verdict; what it sent still counts.
    const failed = job('b', 0, { completed: false, thumbnails: undefined, signals: ['b/0'], calls: [] });
    expect(judgeCounter({ jobs: [failed], state: counter(['b/0']), pending: 0 }).problems).toEqual([]);
  });

  it('finds an operation a history sent twice', () => {
    const twice = job('a', 2, { signals: ['a/0', 'a/0'] });
    expect(judgeCounter({ jobs: [twice], state: counter(['a/0', 'a/2']), pending: 0 }).problems).toEqual([
      'a: its history sends a/0 to the counter more than once',
    ]);
  });

  it('does not trust a counter read while messages were still queued', () => {
    const a = job('a', 1);
    expect(judgeCounter({ jobs: [a], state: counter(keysOf(a)), pending: 3 }).problems).toEqual([
      'the control queues still held 3 message(s) 30 s after the last job ended: the counter was read before it could apply them',
    ]);
  });

  it("reads the keys from a job's History rows: EventSent rows to the counter only", () => {
    const sent = (key: string, signal: boolean, target = COUNTER_INSTANCE) => ({
      EventType: 'EventSent',
      InstanceId: target,
      Name: 'op',
      Input: JSON.stringify({
        op: 'add',
        ...(signal ? { signal: true } : {}),
        input: JSON.stringify({ key }),
        id: crypto.randomUUID(),
      }),
    });
    const rows = [
      { EventType: 'TaskScheduled', Name: 'makeThumbnail' },
      sent('k1', true),
      sent('k2', true),
      sent('k3', true, '@other@faults'),
      { EventType: 'EventRaised', Name: 'k4' },
      sent('k4', false),
      { EventType: 'EventSent', InstanceId: COUNTER_INSTANCE, Name: 'op', Input: 'not json', rowKey: '0000000009' },
    ];
    expect(sentToCounter(rows)).toEqual({ signals: ['k1', 'k2'], calls: ['k4', 'row 0000000009'] });
  });
});
