import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { KeepRunning, type KeepRunningEvent, type KeepRunningOptions } from '../src/keep-running.ts';

/** A child process that dies when the test says so. */
class FakeProcess extends EventEmitter {
  readonly id: number;
  constructor(id: number) {
    super();
    this.id = id;
  }
  die(signal: NodeJS.Signals | null, code: number | null = null): void {
    this.emit('exit', code, signal);
  }
}

/** A keeper of fake processes, on a clock the test moves, with every event it reported. */
function keeper(options: Partial<KeepRunningOptions<FakeProcess>> & { failStarts?: number[] } = {}) {
  let started = 0;
  let clock = 0;
  const events: KeepRunningEvent<FakeProcess>[] = [];
  const waiting: Array<() => void> = [];
  const stopped: number[] = [];
  const keep = new KeepRunning<FakeProcess>({
    start: async () => {
      started++;
      if (options.failStarts?.includes(started)) throw new Error(`start ${started} failed`);
      return new FakeProcess(started);
    },
    processOf: (p) => p,
    stop: async (p) => {
      stopped.push(p.id);
      // As a real process does when it is stopped: it exits.
      p.die('SIGTERM');
    },
    onEvent: (event) => {
      events.push(event);
      waiting.splice(0).forEach((wake) => wake());
    },
    retryDelayMs: 1,
    now: () => clock,
    ...options,
  });
  return {
    keep,
    events,
    stopped,
    started: () => started,
    advance: (ms: number) => (clock += ms),
    /** Resolves once `count` events have been reported in all. */
    async eventCount(count: number): Promise<void> {
      while (events.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('KeepRunning', () => {
  it('starts a process that was killed again, and says so', async () => {
    const k = keeper();
    const first = await k.keep.start();
    k.advance(1000);
    first.die('SIGKILL');
    await k.eventCount(2);
    expect(k.events[0]).toEqual({ type: 'stopped', how: 'SIGKILL' });
    expect(k.events[1]).toMatchObject({ type: 'restarted', downMs: 0 });
    expect(k.keep.current?.id).toBe(2);
  });

  it('describes an exit without a signal by its code', async () => {
    const k = keeper();
    (await k.keep.start()).die(null, 1);
    await k.eventCount(2);
    expect(k.events[0]).toEqual({ type: 'stopped', how: 'exit code 1' });
  });

  it('does not restart what it was asked to stop', async () => {
    const k = keeper();
    await k.keep.start();
    await k.keep.stop();
    await settle();
    expect(k.stopped).toEqual([1]);
    expect(k.events).toEqual([]);
    expect(k.started()).toBe(1);
    expect(k.keep.current).toBeUndefined();
  });

  it('does not restart after stop() when the process dies of the same Ctrl+C by itself', async () => {
    const k = keeper({ stop: async () => undefined });
    const first = await k.keep.start();
    const stopping = k.keep.stop();
    first.die('SIGINT');
    await stopping;
    await settle();
    expect(k.events).toEqual([]);
    expect(k.started()).toBe(1);
  });

  it('restarts on request quietly, and the old process exiting is no crash', async () => {
    const k = keeper();
    await k.keep.start();
    const second = await k.keep.restart();
    await settle();
    expect(second.id).toBe(2);
    expect(k.stopped).toEqual([1]);
    expect(k.events).toEqual([]);
  });

  it('gives up at the third stop within the window, and says how many', async () => {
    const k = keeper({ maxStops: 3, windowMs: 10_000 });
    await k.keep.start();
    for (let crash = 1; crash <= 3; crash++) {
      k.advance(3_000);
      k.keep.current!.die('SIGSEGV');
      await k.eventCount(crash === 3 ? 5 : 2 * crash);
    }
    expect(k.events.at(-1)).toEqual({ type: 'stopped', how: 'SIGSEGV', crashLoop: { stops: 3, withinMs: 10_000 } });
    await settle();
    expect(k.started()).toBe(3);
    expect(k.keep.current).toBeUndefined();
  });

  it('keeps restarting when the stops are far apart', async () => {
    const k = keeper({ maxStops: 3, windowMs: 10_000 });
    await k.keep.start();
    for (let crash = 1; crash <= 5; crash++) {
      k.advance(6_000);
      k.keep.current!.die('SIGKILL');
      await k.eventCount(2 * crash);
    }
    expect(k.events.filter((e) => e.type === 'restarted')).toHaveLength(5);
    expect(k.events.some((e) => 'crashLoop' in e)).toBe(false);
  });

  it('tries a failed start again, counting it as a stop', async () => {
    const k = keeper({ failStarts: [2] });
    (await k.keep.start()).die('SIGKILL');
    await k.eventCount(3);
    expect(k.events.map((e) => e.type)).toEqual(['stopped', 'restart failed', 'restarted']);
    expect(k.events[1]).toMatchObject({ error: new Error('start 2 failed'), retryInMs: 1 });
    expect(k.keep.current?.id).toBe(3);
  });

  it('gives up when it cannot start again', async () => {
    const k = keeper({ failStarts: [2, 3, 4, 5], maxStops: 3 });
    (await k.keep.start()).die('SIGKILL');
    await k.eventCount(3);
    await settle();
    expect(k.events.map((e) => e.type)).toEqual(['stopped', 'restart failed', 'restart failed']);
    expect(k.events[2]).toMatchObject({ crashLoop: { stops: 3 } });
    expect(k.started()).toBe(3);
  });

  it('a restart asked for after giving up starts over', async () => {
    const k = keeper({ maxStops: 1 });
    (await k.keep.start()).die('SIGKILL');
    await k.eventCount(1);
    expect(k.events[0]).toMatchObject({ crashLoop: { stops: 1 } });
    const again = await k.keep.restart();
    again.die('SIGKILL');
    await k.eventCount(2);
    expect(k.events[1]).toMatchObject({ type: 'stopped', crashLoop: { stops: 1 } });
  });

  it('stop() during the retries ends them without another start', async () => {
    const k = keeper({ failStarts: [2, 3, 4, 5, 6], retryDelayMs: 60_000, maxStops: 10 });
    (await k.keep.start()).die('SIGKILL');
    await k.eventCount(2);
    const began = Date.now();
    await k.keep.stop();
    expect(Date.now() - began).toBeLessThan(1000);
    await settle();
    expect(k.started()).toBe(2);
  });
});
