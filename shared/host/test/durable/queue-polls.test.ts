// Each queue is polled on its own schedule, as DTFx's dispatchers poll theirs: a send wakes only
// the queue it went to, a full batch is followed at once, an empty queue is polled less and less.

import { describe, expect, it } from 'vitest';
import { QueuePolls } from '../../src/durable/queue-polls.ts';

const QUEUES = ['control-00', 'control-01', 'workitems'] as const;
const MAX_PAUSE_MS = 250;

/** Polls every queue once at `now`, all found empty. */
function allEmptyAt(polls: QueuePolls<string>, now: number): void {
  for (const queue of polls.due(now)) polls.received(queue, 0, false, now);
}

describe('when to poll each task hub queue', () => {
  it('polls every queue at the start', () => {
    expect(new QueuePolls(QUEUES, MAX_PAUSE_MS).due(0)).toEqual([...QUEUES]);
  });

  it('wakes only the queue a message was sent to, or every queue when none is named', () => {
    const polls = new QueuePolls(QUEUES, MAX_PAUSE_MS);
    allEmptyAt(polls, 0);
    expect(polls.due(1)).toEqual([]);
    polls.wake('workitems');
    expect(polls.due(1)).toEqual(['workitems']);
    polls.wake();
    expect(polls.due(1)).toEqual([...QUEUES]);
  });

  it('follows a full batch at once and a partial one 10 ms later', () => {
    const polls = new QueuePolls(QUEUES, MAX_PAUSE_MS);
    polls.received('control-00', 32, true, 100);
    polls.received('control-01', 3, false, 100);
    expect(polls.due(100, (q) => q !== 'workitems')).toEqual(['control-00']);
    expect(polls.due(110, (q) => q !== 'workitems')).toEqual(['control-00', 'control-01']);
  });

  it('pauses longer after each empty receive, 10 ms doubling up to the longest pause, and starts over once woken', () => {
    const polls = new QueuePolls(['q'], MAX_PAUSE_MS);
    const pauses: number[] = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      polls.received('q', 0, false, now);
      const pause = polls.nextIn(now);
      pauses.push(pause);
      now += pause;
    }
    expect(pauses).toEqual([10, 20, 40, 80, 160, 250, 250]);
    polls.wake('q');
    expect(polls.nextIn(now)).toBe(0);
    polls.received('q', 0, false, now);
    expect(polls.nextIn(now)).toBe(10);
  });

  it('is all empty only once every queue was found empty with nothing sent to it since', () => {
    const polls = new QueuePolls(QUEUES, MAX_PAUSE_MS);
    expect(polls.allEmpty).toBe(false);
    allEmptyAt(polls, 0);
    expect(polls.allEmpty).toBe(true);
    polls.wake('control-01');
    expect(polls.allEmpty).toBe(false);
    polls.received('control-01', 1, false, 5);
    expect(polls.allEmpty).toBe(false);
    polls.received('control-01', 0, false, 15);
    expect(polls.allEmpty).toBe(true);
  });

  it('does not take "nothing" for empty when the queue was woken while that receive was on its way', () => {
    // The CI flake: whenIdle() woke every queue just after a test sent a message, a receive begun
    // before the send answered "nothing", and the engine took itself for idle.
    const polls = new QueuePolls(QUEUES, MAX_PAUSE_MS);
    allEmptyAt(polls, 0);
    polls.wake();
    const tickets = QUEUES.map((queue) => polls.ticket(queue));
    polls.wake('control-01');
    QUEUES.forEach((queue, i) => polls.received(queue, 0, false, 20, tickets[i]));
    expect(polls.allEmpty, 'control-01 was woken during its receive').toBe(false);
    expect(polls.due(20)).toEqual(['control-01']);
    polls.received('control-01', 0, false, 21, polls.ticket('control-01'));
    expect(polls.allEmpty).toBe(true);
  });

  it('leaves out a queue that may not be polled now (every activity slot taken)', () => {
    const polls = new QueuePolls(QUEUES, MAX_PAUSE_MS);
    allEmptyAt(polls, 0);
    polls.wake('workitems');
    const noSlot = (q: string) => q !== 'workitems';
    expect(polls.due(1, noSlot)).toEqual([]);
    expect(polls.nextIn(1, noSlot)).toBe(9);
    expect(polls.nextIn(1, () => false)).toBe(Infinity);
  });
});
