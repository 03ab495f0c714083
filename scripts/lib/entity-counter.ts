// The durable entity of `npm run faults` (issue #13): a counter that the thumbnail jobs keep up
// to date while the host, its worker and Azurite are killed under them. It is added to the copy
// of the lab 06 solution as one more file, as learner-mistakes.ts adds its mistakes: the entity
// `thumbnailCounter`, and the orchestrator `countedThumbnails`, which runs lab 06's
// thumbnailOrchestrator unchanged and tells the counter of each thumbnail it made (a signal
// each, sent after the batch that made it) and of the job's end (a call, which waits for the
// entity's answer). Each operation carries a key; the counter counts, and keeps how often it
// applied each key.
//
// The promise: once every job has ended and the entity has nothing left to read, every operation
// the jobs' histories sent (their EventSent rows) was applied exactly once: none lost, none
// applied twice. Requests from orchestrations carry the MessageSorter's timestamps, so the entity
// drops one delivered again. Client signals would not do: they are at least once, in the
// extension too (docs/design/durable-entities.md, open question 3).
//
// One window stays open, in the extension as here: DTFx sends an episode's messages before it
// writes its checkpoint. A host killed between the two leaves messages no history holds; the
// episode runs again at a new time and sends new requests (new ids, new timestamps, so the
// sorter cannot tell them for the same), and the entity may apply both. Those operations are
// counted apart ("cut short"), as re-run activities are: their keys carry the episode's time.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { taskHubName } from '../../shared/testkit/src/durable.ts';
import { eventTypeOf, readHistoryRows } from '../../shared/testkit/src/history-rows.ts';
import type { JobSummary } from '../../solutions/06-fan-out-fan-in/src/lib/thumbnail-job.ts';
import { jobStatus, LAB06_APP, mapLimit, type StartedJob } from './thumbnail-fleet.ts';

export const COUNTER_ENTITY = 'thumbnailCounter';
export const COUNTER_KEY = 'faults';
export const COUNTED_ORCHESTRATOR = 'countedThumbnails';
/** The entity's instance id, as the History table's EventSent rows name it (`@name@key`, the name lower-cased). */
export const COUNTER_INSTANCE = `@${COUNTER_ENTITY.toLowerCase()}@${COUNTER_KEY}`;
/** Where the counter is read: the extension's entity route. */
export const COUNTER_ROUTE = `/runtime/webhooks/durabletask/entities/${COUNTER_ENTITY}/${COUNTER_KEY}`;

/** How long the entity may take to apply what is still queued for it once every job has ended. */
const CATCH_UP_MS = 30_000;

const COUNTER_FILE = `// Added by npm run faults: a durable entity the thumbnail jobs keep up to date, next to the lab 06 solution.
import * as df from 'durable-functions';
import type { EntityContext, OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { thumbnailOrchestrator } from './thumbnail-orchestrator.ts';

const counter = new df.EntityId('${COUNTER_ENTITY}', '${COUNTER_KEY}');

/** How many operations it applied, and how often it applied each (by the key its sender gave it). */
interface CounterState {
  count: number;
  applied: Record<string, number>;
}

df.app.entity('${COUNTER_ENTITY}', (context: EntityContext<CounterState>) => {
  if (context.df.operationName !== 'add') throw new Error(\`unknown operation \${context.df.operationName}\`);
  const state = context.df.getState(() => ({ count: 0, applied: {} })) ?? { count: 0, applied: {} };
  const key = String((context.df.getInput() as { key?: unknown } | undefined)?.key);
  state.count += 1;
  state.applied[key] = (state.applied[key] ?? 0) + 1;
  context.df.setState(state);
  context.df.return(state.count);
});

/** An outcome of makeThumbnail that is a thumbnail (lab 06's ThumbnailOutcome with ok: true). */
function isThumbnail(outcome: unknown): boolean {
  return typeof outcome === 'object' && outcome !== null && (outcome as { ok?: unknown }).ok === true;
}

// Lab 06's orchestrator, step by step: each task it yields is yielded here, each answer handed
// back. After a batch's answers, one signal per thumbnail made; after the job, one call. Each
// operation's key names the instance, the operation and the episode's time: an episode that a
// kill cut short after it sent its operations, and that ran again, sends them under other keys.
const countedThumbnails: OrchestrationHandler = function* (context: OrchestrationContext) {
  const job = thumbnailOrchestrator(context) as Generator<unknown, unknown, unknown>;
  let operations = 0;
  const key = () => \`\${context.df.instanceId}/\${operations++}@\${context.df.currentUtcDateTime.toISOString()}\`;
  let step = job.next();
  while (!step.done) {
    let answer: unknown;
    try {
      answer = yield step.value;
    } catch (error) {
      step = job.throw(error);
      continue;
    }
    if (Array.isArray(answer))
      for (const outcome of answer) if (isThumbnail(outcome)) context.df.signalEntity(counter, 'add', { key: key() });
    step = job.next(answer);
  }
  yield context.df.callEntity(counter, 'add', { key: key() });
  return step.value;
};
df.app.orchestration('${COUNTED_ORCHESTRATOR}', countedThumbnails);
`;

/** Adds the counter and its orchestrator to a copy of the lab 06 solution (`src/functions/entity-counter.ts`). */
export function addEntityCounter(appDir: string): void {
  writeFileSync(join(appDir, 'src', 'functions', 'entity-counter.ts'), COUNTER_FILE);
}

/** One job, as the counter's verdict needs it. */
export interface CounterJob {
  id: string;
  /** Whether it ended Completed; then `thumbnails` is its summary's count. */
  completed: boolean;
  thumbnails?: number;
  /** The keys of the operations its history sent to the counter (EventSent rows): signals, and calls. */
  signals: string[];
  calls: string[];
}

export interface CounterEvidence {
  jobs: CounterJob[];
  /** The counter's state through the entity route ({count, applied}); undefined when it answered 404. */
  state: unknown;
  /** Messages still in the task hub's control queues when the state was read (0: nothing left for the entity to apply). */
  pending: number;
}

export interface CounterVerdict {
  /** Operations the jobs' histories sent: signals and calls. */
  sent: number;
  signals: number;
  calls: number;
  /** Of those, how many the counter applied exactly once. */
  exactlyOnce: number;
  /**
   * Operations the counter applied that no history holds: sent by an episode that a kill cut
   * short between its messages and its checkpoint, then ran again and sent them anew (at least
   * once, as in the extension: DTFx sends before it checkpoints).
   */
  cutShort: number;
  /** The counter's `count`, if it has one. */
  counted: number | undefined;
  problems: string[];
}

function isCounterState(state: unknown): state is { count: number; applied: Record<string, number> } {
  if (typeof state !== 'object' || state === null) return false;
  const { count, applied } = state as Record<string, unknown>;
  return (
    typeof count === 'number' &&
    typeof applied === 'object' &&
    applied !== null &&
    Object.values(applied).every((n) => typeof n === 'number')
  );
}

/** Judges the counter against what the jobs' histories say they sent. Pure: readCounterEvidence reads the evidence. */
export function judgeCounter(evidence: CounterEvidence): CounterVerdict {
  const problems: string[] = [];
  let signals = 0;
  let calls = 0;
  const committed = new Set<string>();
  for (const job of evidence.jobs) {
    signals += job.signals.length;
    calls += job.calls.length;
    const keys = [...job.signals, ...job.calls];
    const twice = [...new Set(keys.filter((key, i) => keys.indexOf(key) !== i))];
    if (twice.length > 0)
      problems.push(`${job.id}: its history sends ${twice.join(', ')} to the counter more than once`);
    for (const key of keys) committed.add(key);
    if (job.completed && (job.signals.length !== job.thumbnails || job.calls.length !== 1))
      problems.push(
        `${job.id}: completed with ${job.thumbnails} thumbnail(s), but its history sent the counter ${job.signals.length} signal(s) and ${job.calls.length} call(s) (one signal per thumbnail and one call were due)`,
      );
  }
  const sent = signals + calls;
  if (evidence.pending > 0)
    problems.push(
      `the control queues still held ${evidence.pending} message(s) ${CATCH_UP_MS / 1000} s after the last job ended: the counter was read before it could apply them`,
    );
  if (!isCounterState(evidence.state)) {
    problems.push(
      evidence.state === undefined
        ? `the counter does not exist (GET ${COUNTER_ROUTE} answered 404) after ${sent} operation(s) were sent`
        : `the counter's state is not {count, applied}: ${JSON.stringify(evidence.state).slice(0, 200)}`,
    );
    return { sent, signals, calls, exactlyOnce: 0, cutShort: 0, counted: undefined, problems };
  }
  const { count, applied } = evidence.state;
  const lost = [...committed].filter((key) => (applied[key] ?? 0) === 0);
  const twice = Object.entries(applied).filter(([, times]) => times > 1);
  const cutShort = Object.keys(applied).filter((key) => !committed.has(key)).length;
  if (lost.length > 0)
    problems.push(
      `the entity counter never applied ${lost.length} of the ${sent} operation(s) the jobs sent: ${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', …' : ''}`,
    );
  if (twice.length > 0)
    problems.push(
      `the entity counter applied ${twice.length} operation(s) more than once: ${twice
        .slice(0, 3)
        .map(([key, times]) => `${key} ${times} times`)
        .join(', ')}${twice.length > 3 ? ', …' : ''}`,
    );
  const total = Object.values(applied).reduce((a, b) => a + b, 0);
  if (count !== total) problems.push(`the entity counter's count is ${count}, but it applied ${total} operation(s)`);
  const exactlyOnce = [...committed].filter((key) => applied[key] === 1).length;
  return { sent, signals, calls, exactlyOnce, cutShort, counted: count, problems };
}

/** The keys of the operations one job's History rows sent to the counter (the `input` of each EventSent's request). */
export function sentToCounter(rows: ReadonlyArray<Record<string, unknown>>): { signals: string[]; calls: string[] } {
  const signals: string[] = [];
  const calls: string[] = [];
  for (const row of rows) {
    if (eventTypeOf(row['EventType']) !== 'EventSent' || row['InstanceId'] !== COUNTER_INSTANCE) continue;
    let request: { input?: unknown; signal?: unknown } = {};
    let key: unknown;
    try {
      request = JSON.parse(String(row['Input'])) as typeof request;
      key = (JSON.parse(String(request.input)) as { key?: unknown }).key;
    } catch {
      // An EventSent without a request or a key: counted under its row key, so it still shows.
    }
    (request.signal === true ? signals : calls).push(typeof key === 'string' ? key : `row ${String(row['rowKey'])}`);
  }
  return { signals, calls };
}

/**
 * Reads what the counter's verdict needs, once the jobs have ended: each job's status and the
 * requests its history sent; then waits until the task hub's control queues are empty (every
 * message for the entity applied or dropped: the engine deletes one only after the checkpoint
 * that handled it), and reads the counter through the entity route.
 */
export async function readCounterEvidence(
  hostUrl: string,
  connectionString: string,
  jobs: readonly StartedJob[],
): Promise<CounterEvidence> {
  const hub = taskHubName(LAB06_APP);
  const counterJobs = await mapLimit(jobs, 16, async (job): Promise<CounterJob> => {
    const status = await jobStatus(hostUrl, job.id);
    const sent = sentToCounter(await readHistoryRows(connectionString, hub, job.id));
    const completed = status?.runtimeStatus === 'Completed';
    return {
      id: job.id,
      completed,
      ...(completed ? { thumbnails: (status.output as JobSummary).thumbnails } : {}),
      ...sent,
    };
  });
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  const controlQueues = Array.from({ length: 4 }, (_, i) =>
    queues.getQueueClient(`${hub.toLowerCase()}-control-${String(i).padStart(2, '0')}`),
  );
  // Messages in any control queue, hidden ones (taken by a life of the host) included.
  const pendingMessages = async () =>
    (await Promise.all(controlQueues.map(async (q) => (await q.getProperties()).approximateMessagesCount ?? 0))).reduce(
      (a, b) => a + b,
      0,
    );
  let pending = await pendingMessages();
  for (const deadline = Date.now() + CATCH_UP_MS; pending > 0 && Date.now() < deadline;) {
    // Not synchronisation: the pace of the checks; the condition is the queues' emptiness.
    await new Promise((resolve) => setTimeout(resolve, 100));
    pending = await pendingMessages();
  }
  const response = await fetch(`${hostUrl}${COUNTER_ROUTE}`);
  if (response.status !== 200 && response.status !== 404)
    throw new Error(`GET ${COUNTER_ROUTE} answered ${response.status}: ${await response.text()}`);
  const state: unknown = response.status === 200 ? await response.json() : undefined;
  return { jobs: counterJobs, state, pending };
}
