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

/**
 * Records kept in all at most (a few hundred bytes each: some tens of MB), and per instance (a
 * long-running one keeps its latest). The instances touched longest ago are forgotten first.
 */
export const TELEMETRY_LIMITS = { records: 100_000, perInstance: 2000 };

export class TaskHubTelemetry {
  readonly #instances = new Map<string, InstanceTelemetry>();
  readonly #events = new EventEmitter();
  #records = 0;

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
    return entry;
  }

  /** Adds a record to one of an instance's lists, within the limits. */
  #keep<T>(list: T[], record: T): void {
    list.push(record);
    this.#records++;
    if (list.length > TELEMETRY_LIMITS.perInstance) {
      list.shift();
      this.#records--;
    }
    while (this.#records > TELEMETRY_LIMITS.records && this.#instances.size > 1) {
      const [oldest, entry] = this.#instances.entries().next().value!;
      this.#instances.delete(oldest);
      this.#records -= entry.activities.length + entry.episodes.length;
    }
  }

  /** How many records are kept, in all (for tests of the limits). */
  get size(): number {
    return this.#records;
  }

  activityStarted(instanceId: string, run: Omit<ActivityRun, 'endedAt' | 'outcome'>): ActivityRun {
    const entry = this.#entry(instanceId);
    const record: ActivityRun = { ...run };
    this.#keep(entry.activities, record);
    this.changed(instanceId);
    return record;
  }

  activityEnded(instanceId: string, run: ActivityRun, endedAt: Date, outcome: 'completed' | 'failed'): void {
    run.endedAt = endedAt.toISOString();
    run.outcome = outcome;
    this.changed(instanceId);
  }

  episode(instanceId: string, record: EpisodeRecord): void {
    this.#keep(this.#entry(instanceId).episodes, record);
    this.changed(instanceId);
  }

  /** What the host recorded of an instance (empty when it saw none of it, e.g. after a restart). */
  of(instanceId: string): { activities: readonly ActivityRun[]; episodes: readonly EpisodeRecord[] } {
    const entry = this.#instances.get(instanceId);
    return entry
      ? { activities: [...entry.activities], episodes: [...entry.episodes] }
      : { activities: [], episodes: [] };
  }

  /** Forgets an instance (after a purge). */
  forget(instanceId: string): void {
    const entry = this.#instances.get(instanceId);
    if (entry) this.#records -= entry.activities.length + entry.episodes.length;
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
