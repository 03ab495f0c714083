// One instance as the dashboard shows it, worked out from what the task hub holds (its Instances
// row and its History rows) and what the host saw (telemetry): every history event with its
// episode, the episodes as replay steps, a timeline that splits queue wait from run time, and
// the messages between client, orchestrator and activities for the sequence picture.
// Pure functions of their inputs, so each view is tested without a browser.

import {
  controlMessage,
  EventType,
  eventTypeName,
  RUNTIME_STATUSES,
  type ActivityRun,
  type EpisodeRecord,
  type HistoryEvent,
  type InstanceRow,
} from '@workshop/host';
import { payload } from './payload.ts';
import type { EpisodeStep, HistoryRow, InstanceDetail, Outcome, SequenceMessage, TimelineBar } from './wire.ts';

export type { EpisodeStep, HistoryRow, InstanceDetail, TimelineBar };

/** Events that arrive as messages and wake an orchestrator. */
const WAKING = new Set<number>([
  EventType.ExecutionStarted,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
  EventType.TimerFired,
  EventType.EventRaised,
  EventType.ExecutionTerminated,
  EventType.ExecutionSuspended,
  EventType.ExecutionResumed,
  EventType.GenericEvent,
]);

/** Events an episode's actions write. */
const ACTIONS = new Set<number>([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
  EventType.ExecutionCompleted,
  EventType.ContinueAsNew,
]);

/** The size of the queue message an event travelled in, as the engine sends it. */
function messageBytes(instanceId: string, executionId: string, event: HistoryEvent): number {
  const ref = { InstanceId: instanceId, ExecutionId: executionId };
  const { IsPlayed: _played, ...sent } = event;
  return Buffer.byteLength(JSON.stringify({ ...controlMessage(ref, sent as HistoryEvent, 0, ref), Episode: 1 }));
}

function travelled(type: number): boolean {
  return WAKING.has(type) || type === EventType.TaskScheduled || type === EventType.SubOrchestrationInstanceCreated;
}

export interface DetailInput {
  row: InstanceRow;
  /** The Instances row's Input and Output, with large ones read from their blobs. */
  input: string | null;
  output: string | null;
  events: HistoryEvent[];
  blobFields: string[][];
  executionId: string | undefined;
  activities: readonly ActivityRun[];
  episodes: readonly EpisodeRecord[];
}

export function instanceDetail(input: DetailInput): InstanceDetail {
  const { row, events } = input;
  const executionId = input.executionId ?? row.executionId;
  const history = historyRows(row.instanceId, executionId, events, input.blobFields);
  const episodes = episodeSteps(
    events,
    input.episodes.filter((e) => e.executionId === executionId),
  );
  const started = events.find((e) => e.EventType === EventType.ExecutionStarted);
  const parentRef = started?.ParentInstance;
  const children = events
    .filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated)
    .map((e) => ({ instanceId: String(e.InstanceId ?? ''), name: String(e.Name ?? ''), taskId: e.EventId }));
  return {
    instance: {
      instanceId: row.instanceId,
      name: row.name,
      runtimeStatus: row.runtimeStatus,
      executionId,
      createdTime: row.createdTime.toISOString(),
      lastUpdatedTime: row.lastUpdatedTime.toISOString(),
      ...(row.completedTime ? { completedTime: row.completedTime.toISOString() } : {}),
      input: payload(input.input, { inBlob: input.input !== row.input }),
      output: payload(input.output, { inBlob: input.output !== row.output }),
      customStatus: payload(row.customStatus === 'null' ? null : row.customStatus),
      generation: started?.Generation ?? 0,
      ...(parentRef
        ? { parent: { instanceId: parentRef.OrchestrationInstance.InstanceId, name: parentRef.Name } }
        : {}),
      children,
    },
    history,
    episodes,
    timeline: timeline(
      events,
      input.activities.filter((a) => a.executionId === executionId),
      input.episodes.filter((e) => e.executionId === executionId),
    ),
    sequence: sequence(events, history),
    unseen: input.episodes.length === 0 && input.activities.length === 0,
  };
}

export function historyRows(
  instanceId: string,
  executionId: string,
  events: HistoryEvent[],
  blobFields: string[][],
): HistoryRow[] {
  let episode = 0;
  // A result row names the task it answers, as the scheduling row called it.
  const scheduledNames = new Map<number, string>();
  for (const e of events) {
    if (
      (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) &&
      e.Name
    )
      scheduledNames.set(e.EventId, e.Name);
  }
  return events.map((e, seq) => {
    if (e.EventType === EventType.OrchestratorStarted) episode++;
    const out: HistoryRow = {
      seq,
      type: eventTypeName(e.EventType),
      eventId: e.EventId,
      timestamp: e.Timestamp,
      episode,
    };
    const answered = RESULTS.has(e.EventType) ? scheduledNames.get(e.TaskScheduledId ?? -1) : undefined;
    if (e.Name ?? answered) out.name = (e.Name ?? answered)!;
    const taskId = e.TaskScheduledId ?? e.TimerId;
    if (taskId !== undefined && taskId !== null) out.taskId = taskId;
    if (e.FireAt) out.fireAt = e.FireAt;
    if (e.InstanceId) out.instanceId = e.InstanceId;
    if (e.OrchestrationStatus !== undefined && e.EventType === EventType.ExecutionCompleted)
      out.status = RUNTIME_STATUSES[e.OrchestrationStatus] ?? String(e.OrchestrationStatus);
    // A rewind turns each failure (and a failed activity's scheduling) into a GenericEvent whose
    // Reason names what it was (rewind.ts): said in Details, not only in the folded payload.
    const rewound = e.EventType === EventType.GenericEvent ? /^Rewound: (\w+)/.exec(e.Reason ?? '')?.[1] : undefined;
    if (rewound) out.status = `rewound: was ${rewound}`;
    // Data: the wake-up GenericEvent of a rewind carries the reason typed with it.
    const field = (['Input', 'Result', 'Reason', 'Data'] as const).find((f) => e[f] !== undefined);
    if (field) {
      const extra: { inBlob?: boolean; messageBytes?: number } = { inBlob: blobFields[seq]?.includes(field) ?? false };
      if (travelled(e.EventType)) extra.messageBytes = messageBytes(instanceId, executionId, e);
      out.payloadField = field;
      out.payload = payload(e[field], extra);
    }
    if (e.Details) out.details = payload(e.Details, { inBlob: blobFields[seq]?.includes('Details') ?? false });
    return out;
  });
}

export function episodeSteps(events: HistoryEvent[], seen: readonly EpisodeRecord[]): EpisodeStep[] {
  const steps: EpisodeStep[] = [];
  let current: EpisodeStep | undefined;
  events.forEach((e, seq) => {
    if (e.EventType === EventType.OrchestratorStarted) {
      const number = steps.length + 1;
      current = { number, at: e.Timestamp, replayedRows: seq, woke: [], actions: [], rows: [seq, seq] };
      const record = seen.find((r) => r.episode === number);
      if (record) current.seen = record;
      steps.push(current);
      return;
    }
    if (!current) return;
    current.rows[1] = seq;
    if (WAKING.has(e.EventType)) current.woke.push(seq);
    else if (ACTIONS.has(e.EventType)) current.actions.push(seq);
    if (e.EventType === EventType.ExecutionCompleted) {
      const status = RUNTIME_STATUSES[e.OrchestrationStatus ?? 1] ?? 'Completed';
      current.outcome = status === 'Completed' ? { status } : { status, ...(e.Result ? { reason: e.Result } : {}) };
    }
    if (e.EventType === EventType.OrchestratorCompleted) current = undefined;
  });
  return steps;
}

const RESULTS = new Set<number>([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);

/** The events that answer each scheduled task, by its id. */
function answers(events: HistoryEvent[]): Map<number, HistoryEvent> {
  const byId = new Map<number, HistoryEvent>();
  for (const e of events) {
    const id =
      e.EventType === EventType.TimerFired ? e.TimerId : RESULTS.has(e.EventType) ? e.TaskScheduledId : undefined;
    if (id !== undefined && !byId.has(id)) byId.set(id, e);
  }
  return byId;
}

const FAILED = new Set<number>([EventType.TaskFailed, EventType.SubOrchestrationInstanceFailed]);

export function timeline(
  events: HistoryEvent[],
  runs: readonly ActivityRun[],
  seen: readonly EpisodeRecord[] = [],
): TimelineBar[] {
  const answered = answers(events);
  // Once the instance has ended, nothing it still waited for will answer: a timer that lost its
  // race (lab 12) is cancelled, not waiting for a day (the walkthrough saw it so after Completed).
  const ended = events.find((e) => e.EventType === EventType.ExecutionCompleted)?.Timestamp;
  const bars: TimelineBar[] = [];
  let episodeStart: string | undefined;
  let episode = 0;
  for (const e of events) {
    const answer = answered.get(e.EventId);
    const outcome: Outcome = answer
      ? FAILED.has(answer.EventType)
        ? 'failed'
        : 'completed'
      : ended
        ? 'cancelled'
        : 'waiting';
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
        episodeStart = e.Timestamp;
        break;
      case EventType.OrchestratorCompleted: {
        if (!episodeStart) break;
        episode++;
        // The history stamps both ends of an episode with its start; the host knows how long it took.
        const took = seen.find((r) => r.episode === episode)?.durationMs;
        const end = took === undefined ? e.Timestamp : new Date(new Date(episodeStart).getTime() + took).toISOString();
        bars.push({ kind: 'episode', label: `episode ${episode}`, start: episodeStart, end, outcome: 'completed' });
        episodeStart = undefined;
        break;
      }
      case EventType.TaskScheduled: {
        const mine = runs.filter((r) => r.taskId === e.EventId);
        const first = mine[0];
        const running = !answer && mine.some((r) => !r.endedAt);
        const deliveries = Math.max(0, ...mine.map((r) => r.dequeueCount));
        bars.push({
          kind: 'activity',
          label: `${e.Name ?? '?'} #${e.EventId}`,
          taskId: e.EventId,
          start: e.Timestamp,
          ...(first ? { pickedUp: first.startedAt } : {}),
          ...(answer ? { end: answer.Timestamp } : {}),
          outcome: running ? 'running' : outcome,
          ...(mine.length > 0 ? { runs: mine.length } : {}),
          ...(deliveries > 1 ? { deliveries } : {}),
        });
        break;
      }
      case EventType.TimerCreated:
        bars.push({
          kind: 'timer',
          label: `timer #${e.EventId}`,
          taskId: e.EventId,
          start: e.Timestamp,
          // A timer ends when it is due. Its TimerFired carries the time the message was written
          // (when the timer was created, as in DTFx), not the time it fired. One that never fired
          // ends with its instance.
          end: outcome === 'cancelled' ? ended : (answer?.FireAt ?? e.FireAt ?? answer?.Timestamp ?? e.Timestamp),
          outcome,
          ...(e.FireAt
            ? { detail: outcome === 'cancelled' ? `due ${e.FireAt}: the instance ended first` : `due ${e.FireAt}` }
            : {}),
        });
        break;
      case EventType.SubOrchestrationInstanceCreated:
        bars.push({
          kind: 'subOrchestration',
          label: `${e.Name ?? '?'} #${e.EventId}`,
          taskId: e.EventId,
          start: e.Timestamp,
          ...(answer ? { end: answer.Timestamp } : {}),
          outcome: answer ? outcome : 'running',
          ...(e.InstanceId ? { detail: e.InstanceId } : {}),
        });
        break;
      case EventType.EventRaised:
        // Received: whether the orchestrator waited for that name, the history does not say.
        bars.push({
          kind: 'event',
          label: `event ${e.Name ?? ''}`,
          start: e.Timestamp,
          end: e.Timestamp,
          outcome: 'received',
        });
        break;
    }
  }
  return bars;
}

export function sequence(events: HistoryEvent[], rows: HistoryRow[]): { lanes: string[]; messages: SequenceMessage[] } {
  const lanes = ['client', 'orchestrator'];
  const lane = (name: string) => {
    if (!lanes.includes(name)) lanes.push(name);
    return name;
  };
  /** The lane of each scheduled task, by its id: where its result comes from. */
  const laneOf = new Map<number, string>();
  const messages: SequenceMessage[] = [];
  const started = events.find((e) => e.EventType === EventType.ExecutionStarted);
  const caller = started?.ParentInstance ? lane('parent') : 'client';
  events.forEach((e, seq) => {
    const bytes = rows[seq]?.payload?.bytes;
    const add = (from: string, to: string, label: string, failed = false) =>
      messages.push({
        from,
        to,
        label,
        at: e.Timestamp,
        seq,
        ...(bytes !== undefined ? { bytes } : {}),
        ...(failed ? { failed } : {}),
      });
    switch (e.EventType) {
      case EventType.ExecutionStarted:
        return add(caller, 'orchestrator', `start ${e.Name ?? ''}`);
      case EventType.TaskScheduled:
        laneOf.set(e.EventId, `activity ${e.Name ?? '?'}`);
        return add('orchestrator', lane(laneOf.get(e.EventId)!), `${e.Name ?? '?'} #${e.EventId}`);
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const failed = FAILED.has(e.EventType);
        const from =
          laneOf.get(e.TaskScheduledId ?? -1) ??
          (e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed ? 'activity ?' : 'sub ?');
        return add(lane(from), 'orchestrator', `${failed ? 'failed' : 'result'} #${e.TaskScheduledId}`, failed);
      }
      case EventType.TimerCreated:
        return add('orchestrator', lane('timers'), `timer #${e.EventId}`);
      case EventType.TimerFired:
        return add(lane('timers'), 'orchestrator', `fired #${e.TimerId}`);
      case EventType.SubOrchestrationInstanceCreated:
        laneOf.set(e.EventId, `sub ${e.Name ?? '?'}`);
        return add('orchestrator', lane(laneOf.get(e.EventId)!), `start ${e.Name ?? '?'} #${e.EventId}`);
      case EventType.EventRaised:
        return add('client', 'orchestrator', `event ${e.Name ?? ''}`);
      case EventType.ExecutionTerminated:
        return add('client', 'orchestrator', 'terminate');
      case EventType.ExecutionSuspended:
        return add('client', 'orchestrator', 'suspend');
      case EventType.ExecutionResumed:
        return add('client', 'orchestrator', 'resume');
      case EventType.ExecutionCompleted: {
        const status = RUNTIME_STATUSES[e.OrchestrationStatus ?? 1] ?? 'Completed';
        return add('orchestrator', caller, status.toLowerCase(), status !== 'Completed');
      }
    }
  });
  return { lanes, messages };
}
