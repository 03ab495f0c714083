// The task hub's workers, as DTFx's Azure Storage provider runs them: an orchestration
// dispatcher reading the control queues (one session per instance, episodes one at a time)
// and an activity dispatcher reading `{hub}-workitems`. Messages are leased through queue
// visibility (renewed while they are being processed), so after a crash they reappear and
// the work is redone from the last checkpoint: orchestrations replay, activities run again
// (at least once, never lost).

import type { QueueClient } from '@azure/storage-queue';
import { QueuePolls } from './queue-polls.ts';
import { waitForStorage } from './storage-reachable.ts';
import type { LoadedHistory } from './task-hub-storage.ts';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FunctionExecutor, HostLog } from '../executor.ts';
import type { FunctionDefinition } from '../worker-protocol.ts';
import { triggerOf } from '../executor.ts';
import { VirtualClock, type Clock } from './clock.ts';
import {
  EventType,
  eventTypeName,
  newEvent,
  OrchestrationStatus,
  type HistoryEvent,
  type OrchestrationInstanceRef,
  type RuntimeStatus,
  withNullFields,
} from './history.ts';
import { EpisodeAbortedError, invokeActivity, invokeOrchestrator, orchestratorPayload } from './invokers.ts';
import { DEFAULT_MAX_DEQUEUE_COUNT } from './durable-config.ts';
import { formatTimeSpan } from '../language-worker.ts';
import { escapeControlCharacters } from '../console-log.ts';
import { sentence, withArticle } from '../wording.ts';
import {
  CRASH_AFTER_ACTIVITY_SETTING,
  CRASH_LEASES_SETTING,
  crashAfterActivities,
  crashNow,
  noteLeases,
  shouldCrashAfter,
} from './fault-injection.ts';
import { decideEpisode, describeWork, type Decision } from './replay.ts';
import { isHttpActivity, runHttpActivity } from './http-activity.ts';
import { TaskHubTelemetry, type EpisodeRecord } from './telemetry.ts';
import { EntityScheduler } from './entities/scheduler.ts';
import { isEntityInstance } from './entities/entity-id.ts';
import { describeEntitySend, entityMessageEvents, isEarlyEntityResponse } from './entities/orchestration.ts';
import {
  controlMessage,
  kilobytes,
  MessageTooLargeError,
  QUEUE_MESSAGE_LIMIT_BYTES,
  type MessageData,
  type ReceivedMessage,
  type TaskHubStorage,
} from './task-hub-storage.ts';

export interface EngineOptions {
  storage: TaskHubStorage;
  clock: Clock;
  executor: FunctionExecutor;
  functions: Iterable<FunctionDefinition>;
  log: HostLog;
  /** How long a received message stays hidden; renewed every third of it while in use. */
  leaseMs?: number;
  /** After how long an episode still running is reported as a loop that never yields (default 10 s). */
  slowEpisodeMs?: number;
  /** Longest pause between polls of empty queues. */
  maxPollIntervalMs?: number;
  /** Activities run at the same time at most (DTFx: maxConcurrentActivityFunctions). */
  maxConcurrentActivities?: number;
  /** Workshop fault injection (lab 09): activity names (lower case) after which the host crashes once per task; default from WORKSHOP_DURABLE_CRASH_AFTER_ACTIVITY. */
  crashAfterActivities?: Set<string>;
  /** Where that crash notes the leases the host holds (the test kit ends them at once); default from WORKSHOP_DURABLE_CRASH_LEASES. */
  crashLeasesFile?: string;
  /**
   * host.json `extendedSessionsEnabled`: keep an instance's history in memory between its
   * episodes (DTFx's extended sessions), instead of reading it from the History table each time.
   */
  extendedSessions?: boolean;
  /**
   * host.json `storageProvider.allowReplayingTerminalInstances` (DTFx's setting, default off): a
   * message for an instance whose history has ended replays it and writes its Instances row again,
   * instead of being discarded.
   */
  allowReplayingTerminalInstances?: boolean;
  /** host.json `storageProvider.maxDequeueCount`: a message dequeued more often is a poison message. */
  maxDequeueCount?: number;
  /** host.json functionTimeout, for the hint about an episode that never ends; undefined for none. */
  functionTimeoutMs?: number;
  /** Where the engine records what the tables do not keep (activity start times, episodes); a new one by default. */
  telemetry?: TaskHubTelemetry;
}

/**
 * How long failed work waits before its message comes back. DTFx doubles the wait with every
 * dequeue (2^n seconds, up to 10 minutes); this host doubles it from half a second up to 8 s, so a
 * poison message is found in seconds, and other work that a worker crash took down with it
 * rarely comes back at the same moments as the message that keeps crashing the worker.
 */
export function retryDelayMs(dequeueCount: number): number {
  return Math.min(500 * 2 ** Math.max(0, dequeueCount - 1), 8000);
}

/** A message as the end of a log line: with one full stop. */
/** What it means when storage has no record of what a message answers. */
const LOST_DATA =
  'the storage account lost data (Azurite as it comes keeps its last seconds of writes in memory, and a kill -9 loses them)';

/** The end of a poison message's reason when its attempts failed. */
const FAILED_ATTEMPTS =
  'Each attempt failed before it could be saved: the host log says why (an episode that failed, a worker process that exited or ran out of memory).';

/** An episode that runs this long is stuck in the orchestrator's code: say so, and how to get out. */
const SLOW_EPISODE_MS = 10_000;

/**
 * How long a stopping host waits on storage, which may be gone: for a poll in flight to finish,
 * then for the messages it holds to be handed back.
 */
const STOP_STORAGE_WAIT_MS = 500;

/** Past a put-back message's visibility timeout, before the polls that look for it count as idle. */
const HELD_BACK_SLACK_MS = 50;

/** DTFx's extendedSessionIdleTimeoutInSeconds default: an idle session's history is dropped after it. */
const EXTENDED_SESSION_IDLE_MS = 30_000;

/** An event as a History table row gives it back: no null or undefined fields, then the null payloads DTFx restores. */
function asStored(e: HistoryEvent): HistoryEvent {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e)) if (value !== null && value !== undefined) out[key] = value;
  return withNullFields(out as unknown as HistoryEvent);
}

/** What an ended history says for the Instances row: status, execution, output, completion time. */
function endedRow(events: HistoryEvent[], status: RuntimeStatus, executionId: string) {
  const started = events.find((e) => e.EventType === EventType.ExecutionStarted);
  const ended = events.findLast((e) => e.EventType === EventType.ExecutionCompleted);
  const endedAt = ended ? new Date(ended.Timestamp) : undefined;
  const columns: Record<string, unknown> = {
    RuntimeStatus: status,
    ExecutionId: executionId,
    Output: ended?.Result ?? null,
    ...(endedAt ? { CompletedTime: endedAt } : {}),
  };
  return { started, endedAt, columns };
}

/** "completed", "failed", "been terminated": for logs about an ended instance. */
function endedAs(status: RuntimeStatus): string {
  return status === 'Terminated' ? 'been terminated' : status.toLowerCase();
}

/** Real-clock timers further away than this wait hidden in the queue instead of in memory. */
const HOLD_IN_MEMORY_MS = 30_000;

/** Queue messages one checkpoint sends at the same time at most (DTFx sends them concurrently too). */
const MAX_PARALLEL_SENDS = 50;

/** Runs `tasks` with at most `limit` of them at a time; rejects with the first failure, after all settled. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}

function isTerminal(status: RuntimeStatus | undefined): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Terminated' || status === 'Canceled';
}

function byName(functions: Iterable<FunctionDefinition>, triggerType: string): Map<string, FunctionDefinition> {
  const map = new Map<string, FunctionDefinition>();
  for (const fn of functions) {
    if (String(triggerOf(fn).binding.type).toLowerCase() === triggerType.toLowerCase())
      map.set(fn.name.toLowerCase(), fn);
  }
  return map;
}

interface Session {
  pending: ReceivedMessage[];
  running: boolean;
}

/** What the history says about the current execution. */
interface ExecutionState {
  started?: HistoryEvent;
  status: RuntimeStatus;
  scheduled: Set<number>;
  done: Set<number>;
  episodes: number;
}

function summarize(events: HistoryEvent[]): ExecutionState {
  const state: ExecutionState = { status: 'Pending', scheduled: new Set(), done: new Set(), episodes: 0 };
  for (const e of events) {
    switch (e.EventType) {
      case EventType.ExecutionStarted:
        state.started = e;
        state.status = 'Running';
        break;
      case EventType.OrchestratorStarted:
        state.episodes++;
        break;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
        state.scheduled.add(e.EventId);
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        state.done.add(e.TaskScheduledId ?? -1);
        break;
      case EventType.TimerFired:
        state.done.add(e.TimerId ?? -1);
        break;
      case EventType.ExecutionCompleted:
        state.status = (Object.entries(OrchestrationStatus).find(([, v]) => v === e.OrchestrationStatus)?.[0] ??
          'Completed') as RuntimeStatus;
        break;
      case EventType.ExecutionTerminated:
        state.status = 'Terminated';
        break;
      case EventType.ExecutionSuspended:
        if (state.status === 'Running') state.status = 'Suspended';
        break;
      case EventType.ExecutionResumed:
        if (state.status === 'Suspended') state.status = 'Running';
        break;
    }
  }
  return state;
}

/** The id a completion message answers, if it is one. */
function answeredId(e: HistoryEvent): number | undefined {
  if (e.EventType === EventType.TimerFired) return e.TimerId;
  if (
    e.EventType === EventType.TaskCompleted ||
    e.EventType === EventType.TaskFailed ||
    e.EventType === EventType.SubOrchestrationInstanceCompleted ||
    e.EventType === EventType.SubOrchestrationInstanceFailed
  ) {
    return e.TaskScheduledId;
  }
  return undefined;
}

/** A message that answers what the instance's history does not hold yet: a task, or its start. */
function arrivedEarly(
  event: HistoryEvent,
  state: ExecutionState,
  starting: boolean,
  incoming: readonly HistoryEvent[],
): boolean {
  const id = answeredId(event);
  if (id !== undefined && (state.started || starting))
    return !state.scheduled.has(id) && !incoming.some((e) => e.EventId === id);
  return !state.started && !starting && event.EventType !== EventType.ExecutionStarted;
}

export class DurableEngine {
  readonly storage: TaskHubStorage;
  readonly clock: Clock;
  readonly telemetry: TaskHubTelemetry;
  readonly #executor: FunctionExecutor;
  readonly #orchestrators: Map<string, FunctionDefinition>;
  readonly #activities: Map<string, FunctionDefinition>;
  /** The app's entity functions (lower-case names) and the scheduler that runs their instances (`@name@key`). */
  readonly entityFunctions: Map<string, FunctionDefinition>;
  readonly #entityScheduler: EntityScheduler;
  readonly #log: HostLog;
  readonly #leaseMs: number;
  readonly #slowEpisodeMs: number;
  readonly #maxPollMs: number;
  readonly #maxActivities: number;
  /** Workshop fault injection (lab 09): the activities after which the host kills itself, once per task. */
  readonly #crashAfter: Set<string>;
  readonly #crashLeasesFile: string | undefined;

  /** Every message this process holds (pending, in an episode, a held timer, a running activity). */
  readonly #held = new Map<string, ReceivedMessage>();
  readonly #sessions = new Map<string, Session>();
  readonly #timerCancels = new Map<string, () => void>();
  #runningActivities = 0;
  readonly #extendedSessions: boolean;
  readonly #replayEnded: boolean;
  readonly #maxDequeueCount: number;
  readonly #functionTimeoutMs: number | undefined;
  /** Extended sessions: each instance's checkpointed history, while its session is warm. */
  readonly #sessionHistory = new Map<string, { history: LoadedHistory; lastUsed: number }>();
  #busy = 0;
  #stopped = true;
  #wakeUp: (() => void) | undefined;
  /** When to poll each queue (queue-polls.ts). */
  readonly #polls: QueuePolls<QueueClient>;
  /** A wake-up that came while the dispatcher was polling: poll again instead of sleeping. */
  #wakeRequested = false;
  #loop: Promise<void> | undefined;
  #renewer: NodeJS.Timeout | undefined;
  readonly #idleWaiters = new Set<() => void>();
  /** How often each control-queue message was put back for arriving before what it answers. */
  readonly #earlyTries = new Map<string, number>();
  /** Aborted by stop(): the polls and lease renewals in flight. */
  readonly #stopping = new AbortController();
  /**
   * performance.now() until which a message this engine put back is invisible (a retry, an
   * answer that came before its history): work still to come, so the task hub is not idle.
   */
  #heldBackUntil = 0;
  #heldBackTimer: NodeJS.Timeout | undefined;
  #sequence = 0;

  constructor(options: EngineOptions) {
    this.storage = options.storage;
    this.clock = options.clock;
    this.telemetry = options.telemetry ?? new TaskHubTelemetry();
    this.#executor = options.executor;
    const functions = [...options.functions];
    this.#orchestrators = byName(functions, 'orchestrationTrigger');
    this.#activities = byName(functions, 'activityTrigger');
    this.#log = options.log;
    this.#extendedSessions = options.extendedSessions ?? false;
    this.#replayEnded = options.allowReplayingTerminalInstances ?? false;
    this.#maxDequeueCount = options.maxDequeueCount ?? DEFAULT_MAX_DEQUEUE_COUNT;
    this.#functionTimeoutMs = options.functionTimeoutMs;
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#slowEpisodeMs = options.slowEpisodeMs ?? SLOW_EPISODE_MS;
    this.#maxPollMs = options.maxPollIntervalMs ?? 250;
    // The extension's default maxConcurrentActivityFunctions: 10 per processor (dedicated plans).
    this.#maxActivities = options.maxConcurrentActivities ?? 10 * os.availableParallelism();
    this.#crashAfter = options.crashAfterActivities ?? crashAfterActivities();
    this.#crashLeasesFile = options.crashLeasesFile ?? process.env[CRASH_LEASES_SETTING];
    this.#polls = new QueuePolls([...this.storage.controlQueues, this.storage.workItems], this.#maxPollMs);
    this.entityFunctions = byName(functions, 'entityTrigger');
    this.#entityScheduler = new EntityScheduler({
      storage: this.storage,
      clock: this.clock,
      executor: this.#executor,
      entities: this.entityFunctions,
      log: this.#log,
      maxDequeueCount: this.#maxDequeueCount,
      send: (target, event, sender) => this.sendToInstance(target, event, sender),
      storePoison: (instanceId, m, why) => this.#storePoison(instanceId, m, 'orchestration', why),
      finish: async (instanceId, messages) => {
        await this.#deleteHandled(instanceId, messages);
        for (const m of messages) this.#release(m);
      },
    });
  }

  get hasDurableFunctions(): boolean {
    return this.#orchestrators.size > 0 || this.#activities.size > 0 || this.entityFunctions.size > 0;
  }

  orchestratorExists(name: string): boolean {
    return this.#orchestrators.has(name.toLowerCase());
  }

  async start(): Promise<void> {
    await waitForStorage(this.storage.endpoints, {
      timeoutMs: 60_000,
      onWaiting: () => this.#log('warning', 'Waiting for storage (Azurite) to accept connections…'),
    });
    await this.storage.init();
    this.#stopped = false;
    this.#renewer = setInterval(
      () => {
        void this.#renewAll();
        this.#dropIdleSessions();
      },
      Math.max(500, Math.floor(this.#leaseMs / 3)),
    );
    this.#renewer.unref();
    this.#loop = this.#pollLoop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wakeUp?.();
    if (this.#renewer) clearInterval(this.#renewer);
    clearTimeout(this.#heldBackTimer);
    for (const cancel of this.#timerCancels.values()) cancel();
    // A poll in flight may finish, briefly: cut short after Azurite handed out its messages, it
    // would leave them leased with nobody to hand them back, and the next host would wait a
    // whole lease for them (npm start: 10 s after 2 of 4 Ctrl+C). Then the polls and renewals
    // still in flight are aborted: with storage gone, the SDK would retry them for many seconds,
    // and the host would be killed before it stopped.
    const aborting = setTimeout(() => this.#stopping.abort(), STOP_STORAGE_WAIT_MS);
    await this.#loop;
    clearTimeout(aborting);
    // Let messages we still hold reappear at once for the next host, rather than after the lease;
    // without storage, they reappear when their lease runs out.
    const bounded = AbortSignal.timeout(STOP_STORAGE_WAIT_MS);
    await Promise.allSettled([...this.#held.values()].map((m) => this.storage.abandon(m, 0, bounded)));
  }

  /** Forgets an instance's history kept in memory (after a purge, or a failed episode). */
  forgetHistory(instanceId: string): void {
    this.#sessionHistory.delete(instanceId);
    this.telemetry.changed(instanceId);
  }

  #dropIdleSessions(): void {
    const now = Date.now();
    for (const [instanceId, entry] of this.#sessionHistory) {
      if (now - entry.lastUsed > EXTENDED_SESSION_IDLE_MS && !this.#sessions.has(instanceId))
        this.#sessionHistory.delete(instanceId);
    }
  }

  /**
   * Polls `queue` right away, after this process sent something to it; with no queue, polls
   * every queue (the clock moved, a tool asks).
   */
  wake(queue?: QueueClient): void {
    this.#polls.wake(queue);
    this.#nudge();
  }

  /** Looks again whether the engine is idle (work ended), without polling anything that is not due. */
  #nudge(): void {
    this.#wakeRequested = true;
    this.#wakeUp?.();
  }

  /** Marks client work in flight, so auto time-skipping waits for it. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work();
    } finally {
      this.#busy--;
      // What it sent woke its queue already.
      this.#nudge();
    }
  }

  // ---- messages -------------------------------------------------------------------------

  /** Sends a message to an instance's control queue (from the client or another instance). */
  async sendToInstance(
    target: OrchestrationInstanceRef,
    event: HistoryEvent,
    sender?: OrchestrationInstanceRef,
    delayMs = 0,
  ): Promise<void> {
    await this.storage.send(
      this.storage.controlQueueFor(target.InstanceId),
      controlMessage(target, event, this.#sequence++, sender),
      delayMs,
    );
    this.telemetry.changed(target.InstanceId);
    // A delayed message is found by the polls once it is visible.
    if (delayMs > 0) this.#nudge();
    else this.wake(this.storage.controlQueueFor(target.InstanceId));
  }

  async #renewAll(): Promise<void> {
    await Promise.allSettled(
      [...this.#held.values()].map(async (m) => {
        try {
          await this.storage.renew(m, this.#leaseMs, this.#stopping.signal);
        } catch (err) {
          this.#log('warning', `Could not renew the lease of queue message ${m.messageId}: ${(err as Error).message}`);
        }
      }),
    );
  }

  async #pollLoop(): Promise<void> {
    const workItems = this.storage.workItems;
    // The work-item queue waits while as many activities run as may.
    const mayPoll = (queue: QueueClient) => queue !== workItems || this.#runningActivities < this.#maxActivities;
    while (!this.#stopped) {
      this.#wakeRequested = false;
      const due = this.#polls.due(performance.now(), mayPoll);
      if (due.length > 0) await this.#receiveFrom(due);
      if (this.#polls.allEmpty && this.#isIdle() && !this.#holdsBack()) {
        for (const resolve of [...this.#idleWaiters]) resolve();
        if (this.clock.mode === 'auto' && this.clock instanceof VirtualClock && this.clock.nextDue()) {
          this.#log('debug', `Idle: skipping the clock to ${this.clock.nextDue()!.toISOString()}`);
          this.clock.skipToNext();
          continue;
        }
      }
      if (this.#wakeRequested) continue;
      const pause = this.#polls.nextIn(performance.now(), mayPoll);
      if (pause === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = pause === Infinity ? undefined : setTimeout(resolve, pause);
        this.#wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wakeUp = undefined;
    }
  }

  /** One receive from each queue that is due, side by side, as DTFx's dispatchers poll them independently. */
  async #receiveFrom(queues: QueueClient[]): Promise<void> {
    const free = this.#maxActivities - this.#runningActivities;
    const receipts = await Promise.all(
      queues.map(async (queue) => {
        const max = queue === this.storage.workItems ? Math.min(32, free) : 32;
        // A message sent while this receive is on its way may not be in its answer: then its
        // "nothing" does not count towards idle (whenIdle, the auto clock's skip).
        const ticket = this.#polls.ticket(queue);
        try {
          const messages = await this.storage.receive(queue, max, this.#leaseMs, this.#stopping.signal);
          this.#polls.received(queue, messages.length, messages.length >= max, performance.now(), ticket);
          return { queue, messages };
        } catch (err) {
          this.#polls.received(queue, 0, false, performance.now(), ticket);
          return { queue, messages: [] as ReceivedMessage[], err: err as Error };
        }
      }),
    );
    if (this.#stopped) {
      // What a poll brought after stop() began is handed back with the rest this host holds.
      for (const { messages } of receipts) for (const m of messages) if (!m.unreadable) this.#track(m);
      return;
    }
    const failed = receipts.find((r) => r.err);
    if (failed?.err) this.#log('warning', `Polling the task hub queues failed: ${failed.err.message}`);
    // One receive's messages for an instance run as one episode, as DTFx batches them: a
    // terminate that arrives with a message that keeps failing ends the instance first.
    const touched = new Set<string>();
    const workItems: ReceivedMessage[] = [];
    for (const { queue, messages } of receipts) {
      if (queue === this.storage.workItems) workItems.push(...messages);
      else
        for (const m of messages) {
          const instanceId = this.#acceptControlMessage(m);
          if (instanceId) touched.add(instanceId);
        }
    }
    for (const instanceId of touched) this.#startSession(instanceId);
    for (const m of workItems) this.#acceptWorkItem(m);
  }

  #isIdle(): boolean {
    if (this.#busy > 0 || this.#runningActivities > 0) return false;
    for (const s of this.#sessions.values()) if (s.running || s.pending.length > 0) return false;
    return true;
  }

  /**
   * Whether a message this engine put back is still invisible; if so, every queue is polled
   * again once it is visible, and the engine is idle only after that.
   */
  #holdsBack(): boolean {
    const left = this.#heldBackUntil - performance.now();
    if (left <= 0) return false;
    this.#heldBackTimer ??= setTimeout(() => {
      this.#heldBackTimer = undefined;
      this.wake();
    }, left);
    return true;
  }

  /**
   * Puts a message back in its queue, invisible for `delayMs` (whole seconds in the Queue API),
   * counted from when Azurite took the request: at the latest when its answer came.
   */
  async #putBack(m: ReceivedMessage, delayMs: number): Promise<void> {
    const holdBack = () => {
      const visibleAt = performance.now() + Math.ceil(delayMs / 1000) * 1000 + HELD_BACK_SLACK_MS;
      this.#heldBackUntil = Math.max(this.#heldBackUntil, visibleAt);
    };
    holdBack();
    await this.storage.abandon(m, delayMs).catch(() => undefined);
    holdBack();
  }

  /** Resolves the next time the engine finds nothing to do (for tests and time-skipping). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#idleWaiters.delete(done);
        resolve();
      };
      this.#idleWaiters.add(done);
      this.wake();
    });
  }

  #track(m: ReceivedMessage): boolean {
    const known = this.#held.get(m.messageId);
    if (known) {
      // Our lease ran out and the queue handed the message out again: keep one copy.
      known.popReceipt = m.popReceipt;
      return false;
    }
    this.#held.set(m.messageId, m);
    return true;
  }

  #release(m: ReceivedMessage): void {
    this.#held.delete(m.messageId);
  }

  /** Takes a control-queue message in; returns the instance whose session should run, if any. */
  #acceptControlMessage(m: ReceivedMessage): string | undefined {
    if (m.unreadable) {
      void this.#poisonUnreadable(m);
      return undefined;
    }
    if (!this.#track(m)) return undefined;
    const event = m.data.TaskMessage!.Event;
    if (event.EventType === EventType.TimerFired && event.FireAt) {
      const fireAt = new Date(event.FireAt);
      const wait = fireAt.getTime() - this.clock.now().getTime();
      if (wait > 0) {
        if (this.clock.mode === 'real' && wait > HOLD_IN_MEMORY_MS) {
          // Far away: hide it in the queue until (nearly) due, like DTFx's delayed messages.
          this.#release(m);
          void this.storage.abandon(m, wait - HOLD_IN_MEMORY_MS / 2).catch(() => undefined);
          return undefined;
        }
        this.#timerCancels.set(
          m.messageId,
          this.clock.at(fireAt, () => {
            this.#timerCancels.delete(m.messageId);
            this.#enqueue(m);
            this.#startSession(m.data.TaskMessage!.OrchestrationInstance.InstanceId);
          }),
        );
        return undefined;
      }
    }
    this.#enqueue(m);
    return m.data.TaskMessage!.OrchestrationInstance.InstanceId;
  }

  #enqueue(m: ReceivedMessage): void {
    const instanceId = m.data.TaskMessage!.OrchestrationInstance.InstanceId;
    let session = this.#sessions.get(instanceId);
    if (!session) {
      session = { pending: [], running: false };
      this.#sessions.set(instanceId, session);
    }
    session.pending.push(m);
  }

  #startSession(instanceId: string): void {
    const session = this.#sessions.get(instanceId);
    if (session && !session.running) void this.#runSession(instanceId, session);
  }

  /** A message whose body cannot be read is poison at once: nothing will ever read it. */
  async #poisonUnreadable(m: ReceivedMessage): Promise<void> {
    const reason = `Queue message ID '${m.messageId}' in ${m.queue.name} could not be read (${m.unreadable}). It has been moved to the '${this.storage.poisonMessages.tableName}' table for manual review.`;
    try {
      await this.storage.storePoisonMessage(m, reason);
      await this.storage.delete(m);
      this.#log('error', `PoisonMessageDetected: ${reason}`);
    } catch (err) {
      this.#log(
        'warning',
        `Could not move queue message ${m.messageId} to the poison table: ${(err as Error).message}`,
      );
    }
  }

  async #runSession(instanceId: string, session: Session): Promise<void> {
    session.running = true;
    try {
      while (session.pending.length > 0 && !this.#stopped) {
        const batch = session.pending.splice(0);
        try {
          await this.#runEpisode(instanceId, batch);
        } catch (err) {
          // Nothing was deleted: the messages come back and the episode is retried, until they are poison.
          const attempt = Math.max(...batch.map((m) => m.dequeueCount));
          const retry = `will be retried (attempt ${attempt}; after ${this.#maxDequeueCount} its messages are poison and the instance is terminated)`;
          if (this.#stopped) {
            this.#log(
              'information',
              `Orchestration episode of instance ${instanceId} was cut short: the host is stopping. Its messages come back when it starts again.`,
            );
          } else if (err instanceof EpisodeAbortedError) {
            this.#log(
              'error',
              `Orchestration episode of instance ${instanceId} was aborted and ${retry}: ${err.message}`,
            );
          } else {
            this.#log(
              'error',
              `Orchestration episode of instance ${instanceId} failed and ${retry}: ${(err as Error).stack ?? String(err)}`,
            );
          }
          this.forgetHistory(instanceId);
          for (const m of batch) {
            this.#release(m);
            void this.#putBack(m, retryDelayMs(m.dequeueCount));
          }
        }
      }
    } finally {
      session.running = false;
      if (session.pending.length === 0) this.#sessions.delete(instanceId);
      this.#nudge();
    }
  }

  // ---- orchestration episodes -----------------------------------------------------------

  async #runEpisode(instanceId: string, batch: ReceivedMessage[]): Promise<void> {
    if (isEntityInstance(instanceId)) return this.#entityScheduler.runEpisode(instanceId, batch);
    const cached = this.#extendedSessions ? this.#sessionHistory.get(instanceId)?.history : undefined;
    const loaded = cached ?? (await this.storage.loadHistory(instanceId));
    // Only a history really read from storage downloaded blobs; a cached one (extended sessions) did not.
    if (!cached && loaded.largeBlobReads.count > 0) {
      this.#log(
        'information',
        `${instanceId}: loading the history for this episode downloaded ${loaded.largeBlobReads.count} large-message blob(s) ` +
          `(${kilobytes(loaded.largeBlobReads.bytes)} gzipped) from ${this.storage.largeMessages.containerName}.`,
      );
    }
    let past = loaded.events.map((e) => ({ ...e, IsPlayed: true }));
    let executionId = loaded.executionId;
    let state = summarize(past);
    const consumed: ReceivedMessage[] = [];
    const deferred: ReceivedMessage[] = [];
    /** Deferred messages whose try counts towards poison (not an answer waiting for its history). */
    const countedTries = new Set<ReceivedMessage>();
    const incoming: HistoryEvent[] = [];
    let startEvent: HistoryEvent | undefined;
    let replayEnded = false;
    /** A message found the instance, but no new work: check that its Instances row says what its history says. */
    let syncRow = false;
    /** Poison messages of this batch: the first one's reason terminates the instance. */
    const poisoned: string[] = [];

    // ExecutionStarted first, then the rest in arrival order.
    const ordered = [...batch].sort((a, b) => {
      const sa = a.data.TaskMessage!.Event.EventType === EventType.ExecutionStarted ? 0 : 1;
      const sb = b.data.TaskMessage!.Event.EventType === EventType.ExecutionStarted ? 0 : 1;
      return sa - sb;
    });
    for (const m of ordered) {
      const { Event: event, OrchestrationInstance: target } = m.data.TaskMessage!;
      const poison = this.#isPoison(m, event, state, !!startEvent, incoming)
        ? await this.#storePoison(instanceId, m, 'orchestration', this.#whyPoison(event, state, !!startEvent))
        : undefined;
      if (event.EventType === EventType.ExecutionStarted) {
        const isNewExecution = !state.started || (isTerminal(state.status) && target.ExecutionId !== executionId);
        if (isNewExecution && !startEvent) {
          startEvent = event;
          executionId = target.ExecutionId;
          past = [];
          state = summarize([]);
          // The execution starts, and ends at once: its start is what keeps failing.
          if (poison) poisoned.push(poison);
        } else {
          this.#log('warning', `${instanceId}: discarding a duplicate ExecutionStarted message.`);
          syncRow = true;
        }
        consumed.push(m);
        continue;
      }
      if (!state.started && !startEvent) {
        // Not started yet: keep the message for a while (the start may still be on its way),
        // until it has come back so often that it is poison.
        if (poison) {
          this.#log('error', this.#unknownInstance(instanceId, event));
          consumed.push(m);
        } else deferred.push(m);
        continue;
      }
      if (isTerminal(state.status)) {
        if (this.#replayEnded && (!target.ExecutionId || target.ExecutionId === executionId)) replayEnded = true;
        else {
          syncRow = true;
          this.#log(
            'warning',
            `${instanceId}: discarding ${eventTypeName(event.EventType)}: the instance is ${state.status}.`,
          );
        }
        consumed.push(m);
        continue;
      }
      if (target.ExecutionId && executionId && target.ExecutionId !== executionId) {
        this.#log(
          'warning',
          `${instanceId}: discarding ${eventTypeName(event.EventType)} for an earlier execution (${target.ExecutionId}).`,
        );
        consumed.push(m);
        continue;
      }
      if (poison) {
        // As DTFx (PR #1063): the poison message's event is replaced by a termination.
        poisoned.push(poison);
        consumed.push(m);
        continue;
      }
      if (isEarlyEntityResponse(m.data, past)) {
        // An entity's answer that overtook the checkpoint holding its request: try again shortly (DTFx's out-of-order check).
        deferred.push(m);
        countedTries.add(m);
        continue;
      }
      const id = answeredId(event);
      if (id !== undefined) {
        if (arrivedEarly(event, state, !!startEvent, incoming)) {
          // The response overtook the checkpoint that scheduled it: try again shortly.
          deferred.push(m);
          continue;
        }
        if (state.done.has(id) || incoming.some((e) => answeredId(e) === id)) {
          this.#log(
            'warning',
            `${instanceId}: discarding a duplicate ${eventTypeName(event.EventType)} for task #${id}.`,
          );
          consumed.push(m);
          continue;
        }
      }
      incoming.push(event);
      consumed.push(m);
    }
    if (poisoned.length > 0 && !isTerminal(state.status)) {
      incoming.push(newEvent(EventType.ExecutionTerminated, this.clock.now(), { Input: poisoned[0]! }));
    }

    if (!startEvent && incoming.length === 0) {
      if (replayEnded) await this.#rewriteEndedInstance(instanceId, executionId!, past, state.status);
      else if (syncRow) await this.#syncInstanceRow(instanceId, executionId!, past, state.status);
      await this.#deleteHandled(instanceId, consumed);
      for (const m of consumed) this.#consumed(m);
      for (const m of deferred) await this.#deferEarly(m, countedTries.has(m));
      return;
    }

    const checkpoint = await this.#checkpointEpisode(instanceId, {
      past,
      executionId: executionId!,
      startEvent,
      incoming,
      etag: loaded.etag,
      episodes: state.episodes,
      messages: consumed,
    });
    if (this.#extendedSessions) {
      // What the History table now holds, kept for the instance's next episode.
      if (checkpoint.done) this.#sessionHistory.delete(instanceId);
      else {
        const history: LoadedHistory = {
          ...loaded,
          executionId: checkpoint.executionId,
          events: checkpoint.events.map(asStored),
          etag: checkpoint.etag,
          largeBlobReads: { count: 0, bytes: 0 }, // served from memory: nothing downloaded
        };
        this.#sessionHistory.set(instanceId, { history, lastUsed: Date.now() });
      }
    }

    // The checkpoint is written: the consumed messages are done with.
    await this.#deleteHandled(instanceId, consumed);
    for (const m of consumed) this.#consumed(m);
    for (const m of deferred) await this.#deferEarly(m, countedTries.has(m));
  }

  #consumed(m: ReceivedMessage): void {
    this.#release(m);
    this.#earlyTries.delete(m.messageId);
  }

  /**
   * Whether a control-queue message has come back too often. An answer to a task (or a message
   * for an instance not started yet) may arrive before the history it answers. Usually the
   * checkpoint that holds it is being written, and the answer is tried again shortly. After a crash
   * in the middle of a checkpoint (its new messages sent, its history not written: Ctrl+C on npm
   * start stops Azurite as well), it waits for the message whose episode writes that history
   * again, and that one comes back only once its lease runs out. So while it waits, it is not
   * poison before it has waited two leases, however often it came back; and once its history is
   * there, only the tries after that count.
   */
  #isPoison(
    m: ReceivedMessage,
    event: HistoryEvent,
    state: ExecutionState,
    starting: boolean,
    incoming: readonly HistoryEvent[],
  ): boolean {
    if (m.dequeueCount <= this.#maxDequeueCount) return false;
    if (arrivedEarly(event, state, starting, incoming))
      return m.insertedOn === undefined || Date.now() - m.insertedOn.getTime() >= 2 * this.#leaseMs;
    return m.dequeueCount - (this.#earlyTries.get(m.messageId) ?? 0) > this.#maxDequeueCount;
  }

  /**
   * Lets a message that arrived before what it answers come back: after 200 ms, doubling up to
   * half a lease. An answer's try is remembered, so that it does not count towards poison later.
   */
  async #deferEarly(m: ReceivedMessage, countsTowardsPoison: boolean): Promise<void> {
    this.#release(m);
    if (!countsTowardsPoison) this.#earlyTries.set(m.messageId, (this.#earlyTries.get(m.messageId) ?? 0) + 1);
    const delayMs = Math.min(200 * 2 ** Math.max(0, m.dequeueCount - 1), this.#leaseMs / 2);
    await this.#putBack(m, delayMs);
  }

  /** Deletes the messages an episode handled; one whose lease was lost comes back as a duplicate, which is said. */
  async #deleteHandled(instanceId: string, messages: ReceivedMessage[]): Promise<void> {
    const deleted = await Promise.all(messages.map((m) => this.storage.delete(m)));
    const lost = deleted.filter((ok) => !ok).length;
    if (lost > 0) {
      this.#log(
        'warning',
        `${instanceId}: the episode is saved, but ${lost} of its message(s) could not be deleted: their lease was lost (the queue service restarted?). They will come back and be discarded as duplicates.`,
      );
    }
  }

  /**
   * A message found the instance but brought no new work (a duplicate start, a message for an
   * ended instance): DTFx (since durabletask PR #1253, 2025) checks that the Instances row says
   * what the history says, and writes it from the history when it does not. Tables have no
   * transaction across History and Instances: a host that dies between the two writes of a
   * checkpoint leaves the row behind (Pending after the first episode, Running after the last),
   * and the messages that checkpoint did not delete come back to repair it. A row already in
   * step is left alone.
   */
  async #syncInstanceRow(
    instanceId: string,
    executionId: string,
    events: HistoryEvent[],
    status: RuntimeStatus,
  ): Promise<void> {
    const row = await this.storage.getInstance(instanceId);
    if (row && row.runtimeStatus === status && row.executionId === executionId) return;
    const started = events.find((e) => e.EventType === EventType.ExecutionStarted);
    const identity = {
      Name: started?.Name ?? '',
      Version: started?.Version ?? '',
      Input: started?.Input ?? null,
      CreatedTime: started ? new Date(started.Timestamp) : this.clock.now(),
    };
    if (isTerminal(status)) {
      const { endedAt, columns } = endedRow(events, status, executionId);
      const at = endedAt ?? this.clock.now();
      await this.storage.mergeInstance(instanceId, {
        ...(row ? {} : identity),
        ...columns,
        CompletedTime: at,
        LastUpdatedTime: at,
      });
    } else {
      const last = events.findLast((e) => e.EventType === EventType.OrchestratorStarted);
      await this.storage.mergeInstance(instanceId, {
        ...(row ? {} : identity),
        RuntimeStatus: status,
        ExecutionId: executionId,
        LastUpdatedTime: last ? new Date(last.Timestamp) : this.clock.now(),
      });
    }
    const says = isTerminal(status) ? `has ${endedAs(status)}` : `says ${status}`;
    this.#log(
      'warning',
      `${instanceId}: its history ${says} but its Instances row said ${row?.runtimeStatus ?? 'nothing'}: the row is written again from the history.`,
    );
  }

  /**
   * DTFx's poison-message handling (Azure/durabletask PR #1063): a message dequeued more often
   * than maxDequeueCount is kept in `{hub}Poison` for review and taken out of circulation. Its
   * consumer learns of it: an orchestration is terminated, an activity fails. Returns the reason.
   */
  async #storePoison(
    instanceId: string,
    m: ReceivedMessage,
    consumer: 'orchestration' | 'activity',
    why = FAILED_ATTEMPTS,
  ): Promise<string> {
    const event = m.data.TaskMessage!.Event;
    // DTFx names a message by its event and task id: the scheduled id for a completion.
    const taskId = answeredId(event) ?? event.EventId;
    const what = `${eventTypeName(event.EventType)}${taskId >= 0 ? `#${taskId}` : ''}`;
    const outcome =
      consumer === 'orchestration'
        ? 'This terminates the orchestration'
        : 'This fails the activity, as if it had thrown';
    const reason =
      `Queue message ID '${m.messageId}' [${what}] was dequeued ${m.dequeueCount} times, which is greater than the poison message threshold (${this.#maxDequeueCount}). ` +
      `The message has been moved to the '${this.storage.poisonMessages.tableName}' table for manual review. ${outcome}. ${why}`;
    await this.storage.storePoisonMessage(m, reason);
    this.#log(
      'error',
      `PoisonMessageDetected: ${instanceId}: Message [${what}] with ID ${m.messageId} has been dequeued ${m.dequeueCount} times and is now considered poison (maxDequeueCount ${this.#maxDequeueCount}).`,
    );
    return reason;
  }

  /**
   * Why a control-queue message kept coming back: it answers a task that storage has no record
   * of (storage lost writes), or its attempts failed.
   */
  #whyPoison(event: HistoryEvent, state: ExecutionState, starting: boolean): string {
    const id = answeredId(event);
    if (id === undefined || state.scheduled.has(id)) return FAILED_ATTEMPTS;
    const held =
      state.started || starting ? 'the history holds no such task' : 'storage has no history of this instance';
    return `It answers task #${id}, but ${held}: ${LOST_DATA}.`;
  }

  /** Why a message for an instance storage does not know is given up: a lost write, or no such instance. */
  #unknownInstance(instanceId: string, event: HistoryEvent): string {
    const type = eventTypeName(event.EventType);
    const id = answeredId(event);
    if (id !== undefined) {
      return (
        `${instanceId}: ${withArticle(type)} message answers task #${id} of this instance, but storage has no history of it: ${LOST_DATA}. ` +
        'The message is in the poison table; the instance cannot go on. Start it again.'
      );
    }
    return `${instanceId}: discarding ${type}: the instance does not exist (the message is in the poison table).`;
  }

  /**
   * DTFx's allowReplayingTerminalInstances (off by default, and marked obsolete in 2025 since
   * the check above repairs the row without it): a message for an instance whose history has
   * ended makes it replay, and its Instances row is written again from that replay, custom
   * status included.
   */
  async #rewriteEndedInstance(
    instanceId: string,
    executionId: string,
    events: HistoryEvent[],
    status: RuntimeStatus,
  ): Promise<void> {
    const { started, columns: ended } = endedRow(events, status, executionId);
    const name = String(started?.Name ?? '');
    const columns: Record<string, unknown> = { ...ended, LastUpdatedTime: this.clock.now(), CustomStatus: 'null' };
    // The custom status is not in the history: the replay gives it back. A terminated instance's
    // checkpoint never ran the orchestrator, and wrote none.
    const fn = this.#orchestrators.get(name.toLowerCase());
    if (fn && status !== 'Terminated') {
      const parentInstanceId = started?.ParentInstance?.OrchestrationInstance.InstanceId ?? null;
      const outcome = await invokeOrchestrator(
        this.#executor,
        fn,
        orchestratorPayload({
          history: events,
          input: started?.Input ?? null,
          instanceId,
          parentInstanceId,
          isReplaying: true,
        }),
      );
      const decision = decideEpisode(
        { instanceId, executionId, pastEvents: events, newEvents: [], orchestratorName: fn.name },
        'result' in outcome ? outcome.result : outcome,
      );
      columns.CustomStatus = decision.customStatus ?? 'null';
    }
    await this.storage.mergeInstance(instanceId, columns);
    this.#log(
      'information',
      `${name} (${instanceId}) has ${endedAs(status)} in its history: replayed, its Instances row written again (allowReplayingTerminalInstances).`,
    );
  }

  async #checkpointEpisode(
    instanceId: string,
    args: {
      past: HistoryEvent[];
      executionId: string;
      startEvent: HistoryEvent | undefined;
      incoming: HistoryEvent[];
      etag: string | undefined;
      episodes: number;
      messages: ReceivedMessage[];
    },
  ): Promise<{ executionId: string; events: HistoryEvent[]; etag: string | undefined; done: boolean }> {
    let { past, executionId } = args;
    const now = this.clock.now();
    const began = performance.now();
    /** The episodes this checkpoint ran (two when the orchestrator continued as new), for the telemetry. */
    const records: EpisodeRecord[] = [];
    const sent: string[] = [];
    const record = (fields: Partial<EpisodeRecord>): EpisodeRecord => {
      const entry: EpisodeRecord = {
        executionId,
        episode,
        at: now.toISOString(),
        durationMs: 0,
        ran: false,
        replayed: [],
        answered: [],
        scheduled: [],
        messages:
          records.length === 0
            ? args.messages.map((m) => ({
                queue: m.queue.name,
                dequeueCount: m.dequeueCount,
                event: eventTypeName(m.data.TaskMessage?.Event.EventType ?? -1),
              }))
            : [],
        checkpoint: { firstRow: 0, rows: 0, messagesSent: [] },
        ...fields,
      };
      records.push(entry);
      return entry;
    };
    let newEvents: HistoryEvent[] = [newEvent(EventType.OrchestratorStarted, now)];
    if (args.startEvent) newEvents.push({ ...args.startEvent, IsPlayed: false });
    newEvents.push(...args.incoming.map((e) => ({ ...e, IsPlayed: false })));

    const started = (args.startEvent ?? past.find((e) => e.EventType === EventType.ExecutionStarted))!;
    const name = String(started.Name ?? '');
    const parent = started.ParentInstance ?? null;
    const outbound: Array<() => Promise<void>> = [];
    const self: OrchestrationInstanceRef = { InstanceId: instanceId, ExecutionId: executionId };
    const columns: Record<string, unknown> = {};
    let episode = args.episodes + 1;
    let status: RuntimeStatus = 'Running';
    let customStatus: string | null | undefined;

    for (;;) {
      const all = [...past, ...newEvents];
      const terminate = newEvents.find((e) => e.EventType === EventType.ExecutionTerminated);
      const state = summarize(all);
      if (args.startEvent || newEvents.some((e) => e.EventType === EventType.ExecutionStarted)) {
        const s = newEvents.find((e) => e.EventType === EventType.ExecutionStarted)!;
        Object.assign(columns, {
          Name: s.Name,
          Version: s.Version ?? '',
          CreatedTime: new Date(s.Timestamp),
          Input: s.Input ?? null,
          ExecutionId: executionId,
        });
      }

      if (terminate) {
        // DTFx ends a terminated instance without running the orchestrator again.
        const reason = terminate.Input ?? null;
        newEvents.push(
          newEvent(EventType.ExecutionCompleted, now, {
            OrchestrationStatus: OrchestrationStatus.Terminated,
            Result: reason,
          }),
        );
        status = 'Terminated';
        Object.assign(columns, { Output: reason, CompletedTime: now });
        // A reason comes from a request: one line, whatever it holds (the console escapes the rest).
        this.#log(
          'information',
          `${name} (${instanceId}) was terminated${reason ? `: ${sentence(escapeControlCharacters(reason))}` : '.'}`,
        );
        if (parent) {
          outbound.push(() =>
            this.#notifyParent(parent, self, 'Failed', reason, `The sub-orchestration ${instanceId} was terminated.`),
          );
          sent.push(`SubOrchestrationInstanceFailed to the parent ${parent.OrchestrationInstance.InstanceId}`);
        }
        record({ completion: 'Terminated' });
        break;
      }
      if (state.status === 'Suspended') {
        status = 'Suspended';
        this.#log(
          'information',
          `${name} (${instanceId}) is suspended; ${newEvents.length - 1} event(s) recorded without running the orchestrator.`,
        );
        record({});
        break;
      }

      const fn = this.#orchestrators.get(name.toLowerCase());
      let decision: Decision;
      if (!fn) {
        const known = [...this.#orchestrators.values()].map((f) => f.name);
        const message =
          `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ` +
          (known.length > 0
            ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
            : 'No orchestrator functions are currently registered!');
        decision = {
          newWork: [],
          completion: { status: 'Failed', result: message, details: message },
          customStatus: null,
          replayed: [],
          answered: [],
        };
      } else {
        const payload = orchestratorPayload({
          history: all,
          input: all.find((e) => e.EventType === EventType.ExecutionStarted)?.Input ?? null,
          instanceId,
          parentInstanceId: parent?.OrchestrationInstance.InstanceId ?? null,
          isReplaying: past.length > 0,
        });
        const watchdog = this.#watchEpisode(fn.name, instanceId);
        const outcome = await invokeOrchestrator(this.#executor, fn, payload).finally(() => clearTimeout(watchdog));
        decision = decideEpisode(
          {
            instanceId,
            executionId,
            pastEvents: past,
            newEvents,
            orchestratorName: fn.name,
            entityFunctions: [...this.entityFunctions.values()].map((f) => f.name),
          },
          'result' in outcome ? outcome.result : outcome,
        );
      }
      customStatus = decision.customStatus;

      // Workshop strict mode (the 2017 behaviour): an activity input too big for a queue
      // message fails the orchestration, before anything of this episode is sent.
      if (this.storage.strictMessageSize) {
        for (const work of decision.newWork) {
          if (work.kind !== 'activity') continue;
          const probe = newEvent(
            EventType.TaskScheduled,
            now,
            { Name: work.name, Version: '', Input: work.input },
            work.id,
          );
          const bytes = Buffer.byteLength(
            JSON.stringify({
              ActivityId: randomUUID(),
              TaskMessage: {
                Event: probe,
                SequenceNumber: 0,
                OrchestrationInstance: { ...self, ExecutionId: executionId },
              },
              SequenceNumber: this.#sequence,
              Sender: self,
              Episode: episode,
            }),
          );
          if (bytes <= QUEUE_MESSAGE_LIMIT_BYTES) continue;
          const error = new MessageTooLargeError(this.storage.workItems.name, bytes);
          const message = `Orchestrator function '${name}' failed: the input of activity '${work.name}' (task #${work.id}) could not be scheduled. ${error.message}`;
          decision = { ...decision, newWork: [], completion: { status: 'Failed', result: message, details: message } };
          break;
        }
      }

      for (const work of decision.newWork) {
        switch (work.kind) {
          case 'activity': {
            const scheduled = newEvent(
              EventType.TaskScheduled,
              now,
              { Name: work.name, Version: '', Input: work.input },
              work.id,
            );
            newEvents.push(scheduled);
            sent.push(`TaskScheduled ${work.name}#${work.id} to ${this.storage.workItems.name}`);
            outbound.push(async () => {
              await this.storage.send(this.storage.workItems, {
                ActivityId: randomUUID(),
                TaskMessage: {
                  Event: scheduled,
                  SequenceNumber: 0,
                  OrchestrationInstance: { ...self, ExecutionId: executionId },
                },
                SequenceNumber: this.#sequence++,
                Sender: self,
                Episode: episode,
              });
              this.wake(this.storage.workItems);
            });
            break;
          }
          case 'timer': {
            newEvents.push(newEvent(EventType.TimerCreated, now, { FireAt: work.fireAt.toISOString() }, work.id));
            const fired = newEvent(EventType.TimerFired, now, { TimerId: work.id, FireAt: work.fireAt.toISOString() });
            const delay =
              this.clock.mode === 'real' ? Math.max(0, work.fireAt.getTime() - Date.now() - HOLD_IN_MEMORY_MS / 2) : 0;
            const target = { InstanceId: instanceId, ExecutionId: executionId };
            outbound.push(() => this.sendToInstance(target, fired, target, delay));
            sent.push(
              `TimerFired#${work.id} to ${this.storage.controlQueueFor(instanceId).name}, visible at ${work.fireAt.toISOString()}`,
            );
            break;
          }
          case 'entityMessage': {
            const { sent: eventSent, message } = entityMessageEvents(work, work.id, now);
            newEvents.push(eventSent);
            sent.push(
              `EventSent ${describeEntitySend(work)}#${work.id} to ${this.storage.controlQueueFor(work.target).name}`,
            );
            outbound.push(() => this.sendToInstance({ InstanceId: work.target, ExecutionId: '' }, message, self));
            break;
          }
          case 'subOrchestration': {
            newEvents.push(
              newEvent(
                EventType.SubOrchestrationInstanceCreated,
                now,
                { Name: work.name, Version: '', InstanceId: work.instanceId, Input: work.input },
                work.id,
              ),
            );
            const child = { InstanceId: work.instanceId, ExecutionId: randomUUID().replaceAll('-', '') };
            const start = newEvent(EventType.ExecutionStarted, now, {
              OrchestrationInstance: child,
              Name: work.name,
              Version: '',
              Input: work.input,
              ParentInstance: {
                Name: name,
                Version: '',
                TaskScheduleId: work.id,
                OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
              },
              Tags: null,
              Generation: 0,
            });
            const selfRef = { InstanceId: instanceId, ExecutionId: executionId };
            sent.push(
              `ExecutionStarted ${work.name} to ${this.storage.controlQueueFor(work.instanceId).name} (sub-orchestration ${work.instanceId})`,
            );
            outbound.push(async () => {
              await this.storage.mergeInstance(work.instanceId, {
                Name: work.name,
                Version: '',
                Input: work.input,
                CreatedTime: now,
                LastUpdatedTime: now,
                RuntimeStatus: 'Pending',
                ExecutionId: child.ExecutionId,
                CustomStatus: 'null',
              });
              await this.sendToInstance(child, start, selfRef);
            });
            break;
          }
        }
      }

      this.#logEpisode(name, instanceId, episode, decision);
      record({
        ran: fn !== undefined,
        replayed: decision.replayed,
        answered: decision.answered,
        scheduled: decision.newWork.map(describeWork),
        ...(decision.completion ? { completion: decision.completion.status } : {}),
        ...(decision.nonDeterminism ? { nonDeterminism: decision.nonDeterminism } : {}),
      });

      const completion = decision.completion;
      if (completion?.status === 'ContinuedAsNew') {
        // Like DTFx: the new execution starts in the same work item; its history replaces the old one.
        executionId = randomUUID().replaceAll('-', '');
        self.ExecutionId = executionId;
        const restarted = newEvent(EventType.ExecutionStarted, now, {
          OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
          Name: started.Name,
          Version: started.Version ?? '',
          Input: completion.result,
          ParentInstance: parent,
          Tags: started.Tags ?? null,
          Generation: (started.Generation ?? 0) + 1,
        });
        this.#log('information', `${name} (${instanceId}) continued as new (execution ${executionId}).`);
        past = [];
        newEvents = [newEvent(EventType.OrchestratorStarted, now), restarted];
        episode = 1;
        Object.assign(columns, { Input: completion.result, ExecutionId: executionId });
        continue;
      }
      if (completion) {
        const statusValue =
          completion.status === 'Completed' ? OrchestrationStatus.Completed : OrchestrationStatus.Failed;
        newEvents.push(
          newEvent(EventType.ExecutionCompleted, now, {
            OrchestrationStatus: statusValue,
            Result: completion.result,
            ...(completion.details ? { Details: completion.details } : {}),
          }),
        );
        status = completion.status;
        Object.assign(columns, { Output: completion.result, CompletedTime: now });
        this.#log(
          completion.status === 'Completed' ? 'information' : 'error',
          `${name} (${instanceId}) ${completion.status === 'Completed' ? 'completed.' : `failed: ${sentence(completion.result)}`}`,
        );
        if (parent) {
          outbound.push(() =>
            this.#notifyParent(
              parent,
              self,
              completion.status === 'Completed' ? 'Completed' : 'Failed',
              completion.result,
              completion.details ?? null,
            ),
          );
          sent.push(
            `SubOrchestrationInstance${completion.status === 'Completed' ? 'Completed' : 'Failed'} to the parent ${parent.OrchestrationInstance.InstanceId}`,
          );
        }
      }
      break;
    }
    newEvents.push(newEvent(EventType.OrchestratorCompleted, now));

    // DTFx's order: new messages first, then the history (the checkpoint), then the deletes.
    // Each send wakes the queue it went to.
    await runLimited(outbound, MAX_PARALLEL_SENDS);
    const firstSequence = past.length;
    const etag = await this.storage.appendHistory(instanceId, executionId, firstSequence, newEvents, args.etag, now);
    await this.storage.mergeInstance(instanceId, {
      ...columns,
      ExecutionId: executionId,
      RuntimeStatus: status,
      LastUpdatedTime: now,
      CustomStatus: customStatus ?? 'null',
    });
    // The checkpoint is the last episode's: an execution that continued as new wrote only its new history.
    const last = records.at(-1);
    if (last) last.checkpoint = { firstRow: firstSequence, rows: newEvents.length, messagesSent: sent };
    const durationMs = Math.round(performance.now() - began);
    for (const r of records) this.telemetry.episode(instanceId, { ...r, durationMs });
    return { executionId, events: [...past, ...newEvents], etag, done: isTerminal(status) };
  }

  async #notifyParent(
    parent: NonNullable<HistoryEvent['ParentInstance']>,
    child: OrchestrationInstanceRef,
    outcome: 'Completed' | 'Failed',
    result: string | null,
    details: string | null,
  ): Promise<void> {
    const now = this.clock.now();
    const event =
      outcome === 'Completed'
        ? newEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parent.TaskScheduleId,
            Result: result,
          })
        : newEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parent.TaskScheduleId,
            Reason: result,
            Details: details,
          });
    await this.sendToInstance(parent.OrchestrationInstance, event, child);
  }

  /**
   * An orchestrator decides in milliseconds; one that runs for seconds loops without yielding. The
   * real host only ends it at functionTimeout (then retries it), so the learner is told the way out.
   */
  #watchEpisode(name: string, instanceId: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const timeout =
        this.#functionTimeoutMs === undefined
          ? 'never, as functionTimeout is -1'
          : `after host.json's functionTimeout (${formatTimeSpan(this.#functionTimeoutMs)})`;
      this.#log(
        'warning',
        `Orchestration ${name} (${instanceId}) has run for ${Math.round(this.#slowEpisodeMs / 1000)} s in one episode. Orchestrator code only decides what comes next, which takes ` +
          `milliseconds: is there a loop that never yields? The host restarts the worker ${timeout} and tries again. To stop it now, terminate the instance ` +
          '(its terminatePostUri), then restart the host (Ctrl+C, then the same npm start command): the termination is handled before the orchestrator runs again.',
      );
    }, this.#slowEpisodeMs);
    timer.unref();
    return timer;
  }

  #logEpisode(name: string, instanceId: string, episode: number, d: Decision): void {
    const parts = [
      `replayed ${d.replayed.length} task(s) from history${d.replayed.length ? ` (${d.replayed.join(', ')})` : ''}`,
    ];
    if (d.answered.length) parts.push(`new results: ${d.answered.join(', ')}`);
    parts.push(
      `scheduled ${d.newWork.length} new${d.newWork.length ? `: ${d.newWork.map(describeWork).join(', ')}` : ''}`,
    );
    this.#log('information', `Orchestration ${name} (${instanceId}) episode ${episode}: ${parts.join(', ')}`);
    if (d.nonDeterminism) this.#log('error', `Orchestration ${name} (${instanceId}): ${d.nonDeterminism}`);
  }

  // ---- activities -----------------------------------------------------------------------

  #acceptWorkItem(m: ReceivedMessage): void {
    if (m.unreadable) {
      void this.#poisonUnreadable(m);
      return;
    }
    if (!this.#track(m)) return;
    this.#runningActivities++;
    void this.#runActivity(m).finally(() => {
      const everySlotWasTaken = this.#runningActivities === this.#maxActivities;
      this.#runningActivities--;
      // The work-item queue waited while every slot was taken: poll it again now that one is free.
      if (everySlotWasTaken) this.wake(this.storage.workItems);
      else this.#nudge();
    });
  }

  async #runActivity(m: ReceivedMessage): Promise<void> {
    const { Event: scheduled, OrchestrationInstance: instance } = m.data.TaskMessage!;
    const name = String(scheduled.Name ?? '');
    // Durable HTTP: the extension's built-in activity, run by the host (the app has no function for it).
    const builtInHttp = isHttpActivity(name);
    const fn = builtInHttp ? undefined : this.#activities.get(name.toLowerCase());
    try {
      let event: HistoryEvent;
      if (m.dequeueCount > this.#maxDequeueCount) {
        // DTFx (PR #1063): a poison work item fails its task without running again; the orchestrator can catch it.
        const reason = await this.#storePoison(instance.InstanceId, m, 'activity');
        const details = JSON.stringify({
          $type: 'System.Exception, System.Private.CoreLib',
          ClassName: 'PoisonMessageException',
          Message: reason,
        });
        event = newEvent(EventType.TaskFailed, this.clock.now(), {
          TaskScheduledId: scheduled.EventId,
          Reason: `Activity function '${fn?.name ?? name}' failed: ${reason}`,
          Details: details,
        });
      } else if (!fn && !builtInHttp) {
        const known = [...this.#activities.values()].map((f) => f.name);
        const reason =
          `The function '${name}' doesn't exist, is disabled, or is not an activity function. Additional info: ` +
          (known.length > 0
            ? `The following are the known activity functions: '${known.join("', '")}'.`
            : 'No activity functions are currently registered!');
        const details = JSON.stringify({
          $type: 'Microsoft.Azure.WebJobs.Extensions.DurableTask.FunctionFailedException',
          ClassName: 'FunctionFailedException',
          Message: reason,
        });
        event = newEvent(EventType.TaskFailed, this.clock.now(), {
          TaskScheduledId: scheduled.EventId,
          Reason: `Activity function '${name}' failed: ${reason}`,
          Details: details,
        });
      } else {
        const run = this.telemetry.activityStarted(instance.InstanceId, {
          executionId: instance.ExecutionId,
          taskId: scheduled.EventId,
          name: fn?.name ?? name,
          startedAt: this.clock.now().toISOString(),
          dequeueCount: m.dequeueCount,
        });
        const outcome = fn
          ? await invokeActivity(this.#executor, fn, scheduled.Input, instance.InstanceId)
          : await runHttpActivity(scheduled.Input, {
              log: (level, message) => this.#log(level, message),
              label: `${name}#${scheduled.EventId} of instance ${instance.InstanceId}`,
            });
        const now = this.clock.now();
        this.telemetry.activityEnded(instance.InstanceId, run, now, outcome.ok ? 'completed' : 'failed');
        event = outcome.ok
          ? newEvent(EventType.TaskCompleted, now, { TaskScheduledId: scheduled.EventId, Result: outcome.result })
          : newEvent(EventType.TaskFailed, now, {
              TaskScheduledId: scheduled.EventId,
              Reason: outcome.reason,
              Details: outcome.details,
            });
        // Workshop fault injection (lab 09): die after the activity's side effects, before its result is sent.
        const key = {
          hubName: this.storage.hubName,
          instanceId: instance.InstanceId,
          executionId: instance.ExecutionId,
          taskId: scheduled.EventId,
        };
        if (shouldCrashAfter(this.#crashAfter, name, key)) {
          this.#log(
            'warning',
            `${CRASH_AFTER_ACTIVITY_SETTING}: activity '${fn?.name ?? name}' (task #${scheduled.EventId}) of instance ${instance.InstanceId} has run; killing the host before its result is sent`,
          );
          noteLeases(
            this.#crashLeasesFile,
            [...this.#held.values()].map((held) => ({
              queue: held.queue.name,
              messageId: held.messageId,
              popReceipt: held.popReceipt,
            })),
          );
          crashNow();
        }
      }
      // The result first, then the work item's delete: a crash in between runs the activity again.
      try {
        await this.sendToInstance(instance, event);
      } catch (err) {
        // Workshop strict mode: a result over 64 KB never reaches the orchestrator; it learns
        // that the activity failed, and why.
        if (!(err instanceof MessageTooLargeError)) throw err;
        const reason = `Activity function '${name}' failed: its result could not be sent back to the orchestration. ${err.message}`;
        const details = JSON.stringify({
          $type: 'Microsoft.WindowsAzure.Storage.StorageException',
          ClassName: 'StorageException',
          Message: reason,
        });
        this.#log('error', `Activity '${name}' of instance ${instance.InstanceId}: ${err.message}`);
        await this.sendToInstance(
          instance,
          newEvent(EventType.TaskFailed, this.clock.now(), {
            TaskScheduledId: scheduled.EventId,
            Reason: reason,
            Details: details,
          }),
        );
      }
      if (!(await this.storage.delete(m))) {
        this.#log(
          'warning',
          `Activity '${name}' of instance ${instance.InstanceId}: its result is sent, but its work item's lease was lost (the queue service restarted?). It will run again, and its second result will be discarded as a duplicate.`,
        );
      }
      this.#release(m);
    } catch (err) {
      const attempt = `attempt ${m.dequeueCount}; after ${this.#maxDequeueCount} the work item is poison and the task fails`;
      this.#log(
        'error',
        `Activity '${name}' of instance ${instance.InstanceId} could not be completed and will be retried (${attempt}): ${(err as Error).message}`,
      );
      this.#release(m);
      await this.#putBack(m, retryDelayMs(m.dequeueCount));
    }
  }
}
