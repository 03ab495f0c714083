// The views of one instance, worked out from a history as the engine writes it: episodes as
// replay steps, the timeline's wait/run split, the sequence's lanes, payload sizes against the
// queue limits.

import { describe, expect, it } from 'vitest';
import { EventType, type ActivityRun, type EpisodeRecord, type HistoryEvent } from '@workshop/host';
import { episodeSteps, historyRows, sequence, timeline } from '../src/instance-detail.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const ev = (type: number, second: number, fields: Partial<HistoryEvent> = {}, eventId = -1): HistoryEvent => ({
  EventType: type,
  EventId: eventId,
  IsPlayed: false,
  Timestamp: at(second),
  ...fields,
});

/** Two episodes: start → schedule A; A's result → schedule a timer; then a third that completes. */
const history: HistoryEvent[] = [
  ev(EventType.OrchestratorStarted, 1),
  ev(EventType.ExecutionStarted, 0, { Name: 'job', Input: '{"n":1}' }),
  ev(EventType.TaskScheduled, 1, { Name: 'stepA', Input: '"x"' }, 0),
  ev(EventType.OrchestratorCompleted, 1),
  ev(EventType.OrchestratorStarted, 5),
  ev(EventType.TaskCompleted, 4, { TaskScheduledId: 0, Result: '"done"' }),
  ev(EventType.TimerCreated, 5, { FireAt: at(65) }, 1),
  ev(EventType.OrchestratorCompleted, 5),
  ev(EventType.OrchestratorStarted, 66),
  ev(EventType.TimerFired, 65, { TimerId: 1, FireAt: at(65) }),
  ev(EventType.ExecutionCompleted, 66, { OrchestrationStatus: 1, Result: '"ok"' }),
  ev(EventType.OrchestratorCompleted, 66),
];

describe('episodes as replay steps', () => {
  it('marks what each episode replayed, what woke it and what it wrote', () => {
    const steps = episodeSteps(history, []);
    expect(steps.map((s) => [s.number, s.replayedRows, s.woke, s.actions, s.rows])).toEqual([
      [1, 0, [1], [2], [0, 3]],
      [2, 4, [5], [6], [4, 7]],
      [3, 8, [9], [10], [8, 11]],
    ]);
    expect(steps[2]!.outcome).toEqual({ status: 'Completed' });
  });

  it('joins what the host saw of an episode to its step, by number', () => {
    const seen = { episode: 2, executionId: 'e', ran: true, replayed: ['stepA#0'] } as EpisodeRecord;
    expect(episodeSteps(history, [seen])[1]!.seen).toBe(seen);
  });

  it('keeps the reason of a non-deterministic failure', () => {
    const failed = [
      ...history.slice(0, 4),
      ev(EventType.OrchestratorStarted, 5),
      ev(EventType.TaskCompleted, 4, { TaskScheduledId: 0, Result: '"done"' }),
      ev(EventType.ExecutionCompleted, 5, {
        OrchestrationStatus: 3,
        Result: 'Non-Deterministic workflow detected: … sequence number 0 …',
      }),
      ev(EventType.OrchestratorCompleted, 5),
    ];
    expect(episodeSteps(failed, [])[1]!.outcome).toEqual({
      status: 'Failed',
      reason: 'Non-Deterministic workflow detected: … sequence number 0 …',
    });
  });
});

describe('the timeline', () => {
  it('splits an activity at the time the host picked it up, and knows timers and episodes', () => {
    const runs: ActivityRun[] = [
      {
        executionId: 'e',
        taskId: 0,
        name: 'stepA',
        startedAt: at(3),
        endedAt: at(4),
        outcome: 'completed',
        dequeueCount: 1,
      },
    ];
    const bars = timeline(history, runs, [{ episode: 1, durationMs: 20 } as EpisodeRecord]);
    const activity = bars.find((b) => b.kind === 'activity')!;
    expect(activity).toMatchObject({
      label: 'stepA #0',
      start: at(1),
      pickedUp: at(3),
      end: at(4),
      outcome: 'completed',
      runs: 1,
    });
    expect(bars.find((b) => b.kind === 'timer')).toMatchObject({
      start: at(5),
      end: at(65),
      outcome: 'completed',
      detail: `due ${at(65)}`,
    });
    // As the engine writes it (and DTFx): TimerFired stamped when the timer was created, due later.
    const asWritten = history.map((e) => (e.EventType === EventType.TimerFired ? { ...e, Timestamp: at(5) } : e));
    expect(timeline(asWritten, []).find((b) => b.kind === 'timer')).toMatchObject({ start: at(5), end: at(65) });
    const episodes = bars.filter((b) => b.kind === 'episode');
    expect(episodes).toHaveLength(3);
    // The history stamps both ends of an episode alike; the host's record gives its length.
    expect(new Date(episodes[0]!.end!).getTime() - new Date(episodes[0]!.start).getTime()).toBe(20);
  });

  it('counts the deliveries of a work item whose first run died with its host (lab 09)', () => {
    // The first run left no record: the host that ran it was killed. Its work item came back.
    const runs: ActivityRun[] = [
      {
        executionId: 'e',
        taskId: 0,
        name: 'stepA',
        startedAt: at(3),
        endedAt: at(4),
        outcome: 'completed',
        dequeueCount: 2,
      },
    ];
    expect(timeline(history, runs).find((b) => b.kind === 'activity')).toMatchObject({ runs: 1, deliveries: 2 });
    expect(
      timeline(history, [{ ...runs[0]!, dequeueCount: 1 }]).find((b) => b.kind === 'activity')!.deliveries,
    ).toBeUndefined();
  });

  it('shows an activity the host did not see run from scheduled to done, without a pick-up time', () => {
    const activity = timeline(history, []).find((b) => b.kind === 'activity')!;
    expect(activity.pickedUp).toBeUndefined();
    expect(activity.end).toBe(at(4));
  });

  it('says an activity runs while the host runs it, and waits while it is queued', () => {
    const open = history.slice(0, 4);
    expect(timeline(open, []).find((b) => b.kind === 'activity')!.outcome).toBe('waiting');
    const running: ActivityRun[] = [{ executionId: 'e', taskId: 0, name: 'stepA', startedAt: at(3), dequeueCount: 1 }];
    expect(timeline(open, running).find((b) => b.kind === 'activity')!.outcome).toBe('running');
  });
});

describe('the timeline of a race between an event and a timer (lab 12)', () => {
  /** A review: a day-long deadline timer, then the approval, which wins the race, and the end. */
  const review: HistoryEvent[] = [
    ev(EventType.OrchestratorStarted, 0),
    ev(EventType.ExecutionStarted, 0, { Name: 'review' }),
    ev(EventType.TimerCreated, 0, { FireAt: at(86_400) }, 0),
    ev(EventType.OrchestratorCompleted, 0),
    ev(EventType.OrchestratorStarted, 30),
    ev(EventType.EventRaised, 30, { Name: 'approval', Input: '{"approved":true}' }),
    ev(EventType.ExecutionCompleted, 30, { OrchestrationStatus: 1, Result: '"published"' }),
    ev(EventType.OrchestratorCompleted, 30),
  ];

  it('shows the timer that lost the race cancelled at the end, not waiting a day (the walkthrough)', () => {
    expect(timeline(review, []).find((b) => b.kind === 'timer')).toMatchObject({
      outcome: 'cancelled',
      end: at(30),
      detail: `due ${at(86_400)}: the instance ended first`,
    });
  });

  it('shows it waiting, due in a day, while the instance runs; the event as received', () => {
    const running = review.slice(0, 6);
    expect(timeline(running, []).find((b) => b.kind === 'timer')).toMatchObject({
      outcome: 'waiting',
      end: at(86_400),
    });
    expect(timeline(running, []).find((b) => b.kind === 'event')).toMatchObject({
      label: 'event approval',
      outcome: 'received',
    });
  });
});

describe('a rewound history (the walkthrough found its GenericEvent rows unexplained)', () => {
  it('says in Details what each rewound row was, and shows the reason given with the rewind', () => {
    const rewound: HistoryEvent[] = [
      ...history.slice(0, 4),
      ev(EventType.OrchestratorStarted, 5),
      ev(EventType.GenericEvent, 4, { Reason: 'Rewound: TaskFailed', TaskScheduledId: 0 }),
      ev(EventType.GenericEvent, 5, { Reason: 'Rewound: ExecutionCompleted' }),
      ev(EventType.OrchestratorCompleted, 5),
      ev(EventType.OrchestratorStarted, 9),
      ev(EventType.GenericEvent, 9, { Data: 'the container exists now' }),
    ];
    const rows = historyRows('i', 'e', rewound, []);
    expect(rows[5]).toMatchObject({ type: 'GenericEvent', status: 'rewound: was TaskFailed' });
    expect(rows[6]).toMatchObject({ status: 'rewound: was ExecutionCompleted' });
    expect(rows[9]).toMatchObject({ payloadField: 'Data' });
    expect(rows[9]!.payload!.text).toBe('the container exists now');
  });
});

describe('the sequence picture', () => {
  it('has the client, the orchestrator and one lane per activity, and every message in order', () => {
    const picture = sequence(history, historyRows('i', 'e', history, []));
    expect(picture.lanes).toEqual(['client', 'orchestrator', 'activity stepA', 'timers']);
    expect(picture.messages.map((m) => `${m.from} → ${m.to}: ${m.label}`)).toEqual([
      'client → orchestrator: start job',
      'orchestrator → activity stepA: stepA #0',
      'activity stepA → orchestrator: result #0',
      'orchestrator → timers: timer #1',
      'timers → orchestrator: fired #1',
      'orchestrator → client: completed',
    ]);
  });
});

describe('history rows', () => {
  it('name the task a result answers', () => {
    const rows = historyRows('i', 'e', history, []);
    expect(rows[5]).toMatchObject({ type: 'TaskCompleted', name: 'stepA', taskId: 0 });
    expect(rows[9]!.name).toBeUndefined(); // a timer has no name
  });
});

describe('payload sizes', () => {
  it('measures the queue message that carried each payload against 45 KB and 64 KB', () => {
    const big = (kb: number) => JSON.stringify('x'.repeat(kb * 1024));
    const events = [
      ev(EventType.TaskScheduled, 1, { Name: 'a', Input: big(10) }, 0),
      ev(EventType.TaskScheduled, 1, { Name: 'b', Input: big(50) }, 1),
      ev(EventType.TaskScheduled, 1, { Name: 'c', Input: big(70) }, 2),
      ev(EventType.TimerCreated, 1, { FireAt: at(2) }, 3),
    ];
    const rows = historyRows('instance', 'execution', events, [[], [], ['Input'], []]);
    expect(
      rows.map((r) => [
        r.payload?.viaLargeMessages ?? false,
        r.payload?.overQueueLimit ?? false,
        r.payload?.inBlob ?? false,
      ]),
    ).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, true],
      [false, false, false],
    ]);
    expect(rows[0]!.payload!.messageBytes! - rows[0]!.payload!.bytes).toBeGreaterThan(100); // the envelope around it
    expect(rows[3]!.payload).toBeUndefined();
  });
});
