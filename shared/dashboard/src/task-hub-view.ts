// What the dashboard reads and does, through the host's own storage and client code: the same
// TaskHubStorage reads the History and Instances tables, the same DurableClientOperations sends
// the messages a button asks for. In the host, the engine's telemetry and clock come along; on
// any other task hub (`npm run dashboard`), the page shows what the tables hold, and writes only
// when a button is pressed.

import {
  ClientError,
  instanceQuery,
  validateInstanceIdToRead,
  VirtualClock,
  type Clock,
  type DurableClientOperations,
  type InstanceFilter,
  type RuntimeStatus,
  type TaskHubStorage,
  type TaskHubTelemetry,
} from '@workshop/host';
import { instanceDetail } from './instance-detail.ts';
import type { ClockState, InstanceDetail, InstancePage } from './wire.ts';

export interface TaskHubSource {
  storage: TaskHubStorage;
  client: DurableClientOperations;
  telemetry: TaskHubTelemetry;
  clock: Clock;
  /** The app's orchestrator functions, when a host runs the app (undefined on a task hub alone). */
  orchestrators?: string[];
  /** Runs due work after the clock moved (the engine's wake-up). */
  wake?: () => void;
  /** Where the page says it is looking: "host" (a lab served by npm start) or "task hub" (npm run dashboard). */
  mode: 'host' | 'task hub';
}

const ENDED = new Set<RuntimeStatus>(['Completed', 'Failed', 'Terminated', 'Canceled']);
/** The custom status in the list is a glance; the instance page has all of it. */
const LIST_TEXT = 200;

/**
 * One page of the instances matching `filter`, newest first (the Instances table keeps them in id
 * order, where a job just started lands anywhere), with counts per status. One scan of the index
 * columns sorts and counts; only the page's rows are read in full.
 */
export async function listInstances(
  source: TaskHubSource,
  filter: InstanceFilter,
  top: number,
  page: number,
): Promise<InstancePage> {
  const { runtimeStatus, ...unfiltered } = filter;
  const index = await source.storage.instanceIndex(instanceQuery(unfiltered));
  const counts: InstancePage['counts'] = {};
  for (const entry of index) counts[entry.runtimeStatus] = (counts[entry.runtimeStatus] ?? 0) + 1;
  const wanted = runtimeStatus && runtimeStatus.length > 0 ? new Set(runtimeStatus) : undefined;
  const matching = (wanted ? index.filter((entry) => wanted.has(entry.runtimeStatus)) : index).sort(
    (a, b) => b.createdTime.getTime() - a.createdTime.getTime() || a.instanceId.localeCompare(b.instanceId),
  );
  const slice = matching.slice(page * top, (page + 1) * top);
  const rows = await Promise.all(slice.map((entry) => source.storage.getInstance(entry.instanceId)));
  const instances = rows
    .filter((row) => row !== undefined) // purged since the scan
    .map((row) => ({
      instanceId: row.instanceId,
      name: row.name,
      runtimeStatus: row.runtimeStatus,
      createdTime: row.createdTime.toISOString(),
      lastUpdatedTime: row.lastUpdatedTime.toISOString(),
      customStatus:
        row.customStatus === null || row.customStatus === 'null' ? null : row.customStatus.slice(0, LIST_TEXT),
    }));
  return { instances, counts, total: matching.length, page, pageSize: top };
}

export async function readInstance(source: TaskHubSource, instanceId: string): Promise<InstanceDetail | undefined> {
  // Straight from storage, not through the client: its reads create a missing hub's tables and
  // queues, and the dashboard on any task hub writes nothing until a button is pressed.
  // An entity's own instance (@name@key) is listed, so it can be opened too.
  validateInstanceIdToRead(instanceId);
  const row = await source.storage.getInstance(instanceId);
  if (!row) return undefined;
  const [history, input, output] = await Promise.all([
    source.storage.loadHistory(instanceId),
    source.storage.resolveLarge(row.input),
    source.storage.resolveLarge(row.output),
  ]);
  const seen = source.telemetry.of(instanceId);
  return instanceDetail({
    row,
    input,
    output,
    events: history.events,
    blobFields: history.blobFields ?? [],
    executionId: history.executionId,
    activities: seen.activities,
    episodes: seen.episodes,
  });
}

/** Terminates the running instances of `filter`, or purges its ended ones; how many it did. */
export async function bulk(
  source: TaskHubSource,
  action: 'terminate' | 'purge',
  filter: InstanceFilter,
  reason: string | null,
): Promise<number> {
  const ids = (await source.storage.instanceIndex(instanceQuery(filter)))
    .filter((row) => (action === 'purge' ? ENDED.has(row.runtimeStatus) : !ENDED.has(row.runtimeStatus)))
    .map((row) => row.instanceId);
  let done = 0;
  for (const id of ids) {
    try {
      if (action === 'purge') done += await source.client.purge(id);
      else {
        await source.client.terminate(id, reason);
        done++;
      }
    } catch (err) {
      // It ended or went away since the list was read: nothing left to do for it.
      if (!(err instanceof ClientError)) throw err;
    }
  }
  return done;
}

export function clockState(source: TaskHubSource): ClockState {
  const { clock } = source;
  const next = clock instanceof VirtualClock ? clock.nextDue() : undefined;
  return { mode: clock.mode, now: clock.now().toISOString(), ...(next ? { nextTimer: next.toISOString() } : {}) };
}

/** Moves a virtual clock: by `ms`, or to the next timer. */
export function moveClock(source: TaskHubSource, move: { ms?: number; toNextTimer?: boolean }): ClockState {
  const { clock } = source;
  if (!(clock instanceof VirtualClock)) {
    throw new ClientError(
      409,
      'The host runs on the real clock. Start it with `npm start -- NN --clock virtual` (or auto) to move time from here.',
    );
  }
  if (move.toNextTimer) {
    const next = clock.nextDue();
    if (!next) throw new ClientError(409, 'No timer is waiting: nothing to skip to.');
    clock.advance(Math.max(0, next.getTime() - clock.now().getTime()));
  } else {
    const ms = Number(move.ms);
    if (!Number.isFinite(ms) || ms <= 0 || ms > 366 * 24 * 3600_000)
      throw new ClientError(400, 'Move the clock forward by 1 ms to 366 days.');
    clock.advance(ms);
  }
  source.wake?.();
  return clockState(source);
}
