// What the host saw happen in its task hub that DTFx's tables do not keep: when each activity
// was really picked up (the History table only has its scheduling and its result), and what each
// orchestrator episode decided (tasks replayed, new work, the messages its checkpoint sent).
// The real host writes such facts to its logs and Application Insights, never to the task hub;
// this one keeps them in memory for the dashboard, and tells listeners when an instance changed.

import { EventEmitter } from 'node:events';

/** One activity execution as the host ran it (a retried or crashed one has several). */
export interface ActivityRun {
  executionId: string;
  taskId: number;
  name: string;
  /** When the host took the work item from the queue and started the function (orchestration clock). */
  startedAt: string;
  /** When the function returned; unset while it runs, or when the host died first. */
  endedAt?: string;
  outcome?: 'completed' | 'failed';
  dequeueCount: number;
}

/** One orchestrator episode as the engine ran it, beside what its checkpoint wrote to history. */
export interface EpisodeRecord {
  executionId: string;
  /** 1 for the first episode of the execution, as the engine numbers them in its log. */
  episode: number;
  /** The orchestration clock when the episode began (its OrchestratorStarted timestamp). */
  at: string;
  /** Wall-clock milliseconds from loading the history to the checkpoint written. */
  durationMs: number;
  /** False when no orchestrator code ran (the instance was terminated or is suspended). */
  ran: boolean;
  /** Tasks the orchestrator found already answered in earlier episodes' history. */
  replayed: string[];
  /** Tasks answered by this episode's new events. */
  answered: string[];
  /** New work the episode's actions scheduled (activities, timers, sub-orchestrations). */
  scheduled: string[];
  /** Completed, Failed, ContinuedAsNew, Terminated; unset while the instance goes on. */
  completion?: string;
  /** Set when replay found the code doing something other than what the history says. */
  nonDeterminism?: string;
  /** The queue messages that woke the episode: which queue, how often each was dequeued. */
  messages: Array<{ queue: string; dequeueCount: number; event: string }>;
  /** What the checkpoint wrote: history rows, and queue messages sent. */
  checkpoint: { firstRow: number; rows: number; messagesSent: string[] };
}

interface InstanceTelemetry {
  activities: ActivityRun[];
  episodes: EpisodeRecord[];
}

/** Instances remembered at most; the oldest are forgotten first. */
const MAX_INSTANCES = 5000;
/** Records kept per instance at most (a long-running instance keeps its latest ones). */
const MAX_RECORDS = 2000;

export class TaskHubTelemetry {
  readonly #instances = new Map<string, InstanceTelemetry>();
  readonly #events = new EventEmitter();

  constructor() {
    // Every open dashboard page listens; none of them is a leak.
    this.#events.setMaxListeners(0);
  }

  #entry(instanceId: string): InstanceTelemetry {
    let entry = this.#instances.get(instanceId);
    if (entry) {
      // Map order is insertion order: touching an instance moves it to the young end.
      this.#instances.delete(instanceId);
    } else entry = { activities: [], episodes: [] };
    this.#instances.set(instanceId, entry);
    if (this.#instances.size > MAX_INSTANCES) this.#instances.delete(this.#instances.keys().next().value!);
    return entry;
  }

  activityStarted(instanceId: string, run: Omit<ActivityRun, 'endedAt' | 'outcome'>): ActivityRun {
    const entry = this.#entry(instanceId);
    const record: ActivityRun = { ...run };
    entry.activities.push(record);
    if (entry.activities.length > MAX_RECORDS) entry.activities.shift();
    this.changed(instanceId);
    return record;
  }

  activityEnded(instanceId: string, run: ActivityRun, endedAt: Date, outcome: 'completed' | 'failed'): void {
    run.endedAt = endedAt.toISOString();
    run.outcome = outcome;
    this.changed(instanceId);
  }

  episode(instanceId: string, record: EpisodeRecord): void {
    const entry = this.#entry(instanceId);
    entry.episodes.push(record);
    if (entry.episodes.length > MAX_RECORDS) entry.episodes.shift();
    this.changed(instanceId);
  }

  /** What the host recorded of an instance (empty when it saw none of it, e.g. after a restart). */
  of(instanceId: string): { activities: readonly ActivityRun[]; episodes: readonly EpisodeRecord[] } {
    const entry = this.#instances.get(instanceId);
    return entry ? { activities: [...entry.activities], episodes: [...entry.episodes] } : { activities: [], episodes: [] };
  }

  /** Forgets an instance (after a purge). */
  forget(instanceId: string): void {
    this.#instances.delete(instanceId);
    this.changed(instanceId);
  }

  /** Tells listeners that an instance may look different now. */
  changed(instanceId: string): void {
    this.#events.emit('change', instanceId);
  }

  /** Calls `listener` with the id of every instance that changes; returns the unsubscribe. */
  onChange(listener: (instanceId: string) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }
}
