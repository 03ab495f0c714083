// What the host saw happen in its task hub that DTFx's tables do not keep: when each activity
// was really picked up (the History table only has its scheduling and its result), and what each
// orchestrator episode decided (tasks replayed, new work, the messages its checkpoint sent).
// The real host writes such facts to its logs and Application Insights, never to the task hub;
// this one keeps them in memory for the dashboard, and tells listeners when an instance changed.

import { EventEmitter } from 'node:events';
import type { ActivityRun, EpisodeRecord } from './telemetry-records.ts';

export type { ActivityRun, EpisodeRecord };

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
