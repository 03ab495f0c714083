// What DTFx and the Durable extension do with one orchestrator episode of an out-of-process
// (Node) orchestrator. The SDK returns its *cumulative* actions; the extension's
// OutOfProcOrchestrationShim replays them against DTFx's context while DTFx walks the history:
// every scheduling call gets the next sequence number, every scheduling event in history must
// find the call with its number (else NonDeterministicOrchestrationException), and the calls no
// history event matched are the new work of this episode.
//
// The shim awaits the top-level actions one after another, so the next action is only
// scheduled once the previous one settled in history; retries (DTFx's RetryInterceptor) and
// long timers (the extension's timer loop) take further sequence numbers as failures and timer
// firings are replayed. We simulate exactly that with small synchronous state machines, driven
// by the history in order, so sequence numbers agree with the SDK's own numbering.

import { EventType, type HistoryEvent } from './history.ts';
import {
  describeEntitySend,
  entityNameOf,
  EntityRequests,
  eventSentMismatch,
  type EntitySend,
} from './entities/orchestration.ts';
import { unknownEntityMessage } from './entities/scheduler.ts';
import { replayCallHttp } from './http-activity.ts';

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as the SDK serializes it (`IAction` and its subclasses). */
export interface SdkAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsJson;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  /** CallEntity, SignalEntity: the operation's name. */
  operation?: string;
  compoundActions?: SdkAction[];
  /** CallHttp: the SDK's DurableHttpRequest. */
  httpRequest?: unknown;
}

/** The SDK's OrchestratorState, as returned by the handler or found after `$OutOfProcData$:`. */
export interface OrchestratorResult {
  isDone: boolean;
  actions: SdkAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

export type NewWork =
  | { kind: 'activity'; id: number; name: string; input: string | null }
  | { kind: 'timer'; id: number; fireAt: Date }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: string | null }
  | ({ kind: 'entityMessage'; id: number } & EntitySend);

export interface Completion {
  status: 'Completed' | 'Failed' | 'ContinuedAsNew';
  /** ExecutionCompleted.Result: the JSON output, the failure reason, or the new input. */
  result: string | null;
  details?: string | null;
}

export interface Decision {
  /** Scheduling calls that no history event matched: the episode's new work, by sequence number. */
  newWork: NewWork[];
  completion?: Completion;
  /** JSON text, or null when the orchestrator set none. */
  customStatus: string | null;
  /** Tasks answered by earlier episodes' history (for the episode log), e.g. `SayHello#0`. */
  replayed: string[];
  /** Tasks answered by this episode's new events (results that just arrived). */
  answered: string[];
  /** Set when DTFx would have raised NonDeterministicOrchestrationException. */
  nonDeterminism?: string;
}

/** 6 days / 3 days: the Azure Storage provider's limits the extension applies to timers. */
export const MAXIMUM_SHORT_TIMER_MS = 6 * 24 * 3600_000;
export const LONG_TIMER_INTERVAL_MS = 3 * 24 * 3600_000;

class NonDeterminismError extends Error {}

type Outcome = 'ok' | 'failed' | 'canceled';

/** A C# Task of the shim, reduced to "settled or not" and its continuations. */
class Sim {
  outcome: Outcome | undefined;
  /** The history event that settled a scheduled task (durable HTTP reads its response). */
  event: HistoryEvent | undefined;
  readonly #listeners: Array<() => void> = [];
  settle(outcome: Outcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    for (const listener of this.#listeners.splice(0)) listener();
  }
  then(listener: () => void): void {
    if (this.outcome) listener();
    else this.#listeners.push(listener);
  }
}

type Planned =
  | { kind: 'activity'; name: string; input: string | null }
  | { kind: 'timer'; fireAt: Date }
  | { kind: 'subOrchestration'; name: string; instanceId: string; input: string | null }
  | ({ kind: 'sendEvent' } & EntitySend);

function plannedLabel(p: Planned): string {
  switch (p.kind) {
    case 'activity':
      return `ScheduleTaskOrchestratorAction (activity '${p.name}')`;
    case 'timer':
      return 'CreateTimerOrchestratorAction';
    case 'subOrchestration':
      return `CreateSubOrchestrationAction (orchestrator '${p.name}')`;
    case 'sendEvent':
      return 'SendEventOrchestratorAction';
  }
}

function toJsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/**
 * An activity's input as DTFx stores it: ScheduleTask(name, version, params object[] parameters)
 * serializes the parameter array, so the shim's one input becomes `[input]` (`[null]` for none) in
 * the TaskScheduled event and its work item; the activity gets the first element (invokers.ts).
 */
export function activityParameters(value: unknown): string {
  return `[${toJsonText(value) ?? 'null'}]`;
}

export interface ReplayContext {
  instanceId: string;
  executionId: string;
  /** Committed events of this execution, then this episode's new events (OrchestratorStarted first). */
  pastEvents: HistoryEvent[];
  newEvents: HistoryEvent[];
  /** The orchestrator function's name, for failure messages. */
  orchestratorName: string;
  /** The app's entity functions (their names), when known: an entity action to another name fails as in the extension. */
  entityFunctions?: readonly string[];
}

/**
 * Replays the SDK's actions against the history the way the extension's shim and DTFx's
 * TaskOrchestrationContext do, and decides the episode's outcome. `sdk` is the SDK's state, or
 * an error string when the invocation failed without one.
 */
export function decideEpisode(ctx: ReplayContext, sdk: OrchestratorResult | { invocationError: string }): Decision {
  const planned = new Map<number, Planned>();
  const open = new Map<number, { sim: Sim; onResult: (event: HistoryEvent) => void }>();
  const waiters = new Map<string, Sim[]>();
  const buffered = new Map<string, number>();
  const replayed: string[] = [];
  const answered: string[] = [];
  let inPast = true;
  let idCounter = 0;
  let now = new Date(ctx.newEvents.find((e) => e.EventType === EventType.OrchestratorStarted)?.Timestamp ?? Date.now());
  let continueAsNewInput: unknown;
  let continueAsNew = false;
  let shimFinished = false;
  let unsupported: string | undefined;

  if ('invocationError' in sdk) {
    // No OrchestratorState came back (the SDK itself failed): the extension fails the
    // instance with the error, without replaying any actions.
    const reason = `Orchestrator function '${ctx.orchestratorName}' failed: ${sdk.invocationError}`;
    return {
      newWork: [],
      completion: { status: 'Failed', result: reason, details: sdk.invocationError },
      customStatus: null,
      replayed: [],
      answered: [],
    };
  }
  const result: OrchestratorResult | undefined = sdk;
  const topLevel: SdkAction[] = result ? flattenSchema(result) : [];

  const schedule = (p: Planned): Sim => {
    const id = idCounter++;
    planned.set(id, p);
    const sim = new Sim();
    open.set(id, {
      sim,
      onResult: (event) => {
        const failed =
          event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
        sim.event = event;
        sim.settle(failed ? 'failed' : 'ok');
      },
    });
    return sim;
  };

  const timer = (fireAt: Date): Sim => schedule({ kind: 'timer', fireAt });

  /** Actions 7 and 9 as the shim runs them: an EventSent "op" (a sequence number), and for a call the answer (entities/orchestration.ts). */
  const entityRequests = new EntityRequests(ctx.instanceId, ctx.executionId, [...ctx.pastEvents, ...ctx.newEvents]);
  const entityCalls = new Map<string, { sim: Sim; label: string }>();
  const entityAction = (action: SdkAction): Sim => {
    const call = action.actionType === ActionType.CallEntity;
    const sim = new Sim();
    const name = entityNameOf(action);
    if (ctx.entityFunctions && !ctx.entityFunctions.some((f) => f.toLowerCase() === name)) {
      // ThrowIfFunctionDoesNotExist: a signal fails the orchestrator; a call's task fails inside
      // the shim, which goes on: nothing is sent, and the orchestrator waits for an answer.
      if (!call)
        unsupported ??= unknownEntityMessage(
          name,
          ctx.entityFunctions.map((f) => ({ name: f })),
        );
      sim.settle('failed');
      return sim;
    }
    const id = idCounter;
    const send = entityRequests.request(action, id, call, now);
    schedule({ kind: 'sendEvent', ...send });
    open.delete(id); // no completion event: a call is answered by an EventRaised named by its request id
    if (call) entityCalls.set(send.requestId, { sim, label: `${describeEntitySend(send)}#${id}` });
    else sim.settle('ok');
    return sim;
  };

  /** The extension's CreateTimer: timers beyond the provider's maximum become a chain. */
  const longTimer = (fireAt: Date): Sim => {
    const done = new Sim();
    const step = () => {
      if (fireAt.getTime() - now.getTime() > MAXIMUM_SHORT_TIMER_MS) {
        timer(new Date(now.getTime() + LONG_TIMER_INTERVAL_MS)).then(step);
      } else {
        const last = timer(fireAt);
        last.then(() => done.settle(last.outcome ?? 'ok'));
      }
    };
    step();
    return done;
  };

  /** DTFx's RetryInterceptor around one kind of call. */
  const withRetry = (options: RetryOptionsJson, attempt: () => Sim): Sim => {
    const done = new Sim();
    const firstAttempt = now.getTime();
    const max = Math.max(1, options.maxNumberOfAttempts);
    const run = (retryCount: number) => {
      const call = attempt();
      call.then(() => {
        if (call.outcome === 'ok') return done.settle('ok');
        if (retryCount + 1 === max) {
          // DTFx keeps a "dummy timer for back-compat" after the last failed attempt.
          timer(now).then(() => done.settle('failed'));
          return;
        }
        const delay = nextDelay(options, retryCount, firstAttempt, now.getTime());
        if (delay === 0) return done.settle('failed');
        timer(new Date(now.getTime() + delay)).then(() => run(retryCount + 1));
      });
    };
    run(0);
    return done;
  };

  const invoke = (action: SdkAction): Sim => {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return schedule({ kind: 'activity', name: action.functionName ?? '', input: activityParameters(action.input) });
      case ActionType.CallActivityWithRetry:
        return withRetry(
          action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 },
          () =>
            schedule({ kind: 'activity', name: action.functionName ?? '', input: activityParameters(action.input) }),
        );
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const call = () => {
          const id = idCounter;
          // DTFx names an unnamed sub-orchestration after the parent's execution and the sequence number.
          const instanceId =
            action.instanceId && action.instanceId !== '' ? action.instanceId : `${ctx.executionId}:${id}`;
          return schedule({
            kind: 'subOrchestration',
            name: action.functionName ?? '',
            instanceId,
            input: toJsonText(action.input),
          });
        };
        return action.actionType === ActionType.CallSubOrchestrator
          ? call()
          : withRetry(action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 1 }, call);
      }
      case ActionType.CreateTimer: {
        const before = idCounter;
        const sim = longTimer(new Date(action.fireAt ?? now));
        if (action.isCanceled) {
          // The shim cancels the timer's token right away: the timer is still created, but
          // nobody waits for it any more (DTFx drops it from its open tasks).
          for (let id = before; id < idCounter; id++) open.delete(id);
          sim.settle('canceled');
        }
        return sim;
      }
      case ActionType.WaitForExternalEvent: {
        const name = action.externalEventName ?? '';
        const sim = new Sim();
        const early = buffered.get(name) ?? 0;
        if (early > 0) {
          buffered.set(name, early - 1);
          sim.settle('ok');
        } else {
          const list = waiters.get(name) ?? [];
          list.push(sim);
          waiters.set(name, list);
        }
        return sim;
      }
      case ActionType.ContinueAsNew: {
        continueAsNew = true;
        continueAsNewInput = action.input;
        const sim = new Sim();
        sim.settle('ok');
        return sim;
      }
      case ActionType.CallEntity:
      case ActionType.SignalEntity:
        return entityAction(action);
      case ActionType.WhenAll:
      case ActionType.WhenAny: {
        const children = (action.compoundActions ?? []).map(invoke);
        const sim = new Sim();
        const any = action.actionType === ActionType.WhenAny;
        if (children.length === 0) sim.settle('ok');
        for (const child of children) {
          child.then(() => {
            if (any || children.every((c) => c.outcome)) sim.settle('ok');
          });
        }
        return sim;
      }
      case ActionType.CallHttp:
        return replayCallHttp(action.httpRequest, {
          activity: (name, input) => schedule({ kind: 'activity', name, input }),
          timer,
          now: () => now,
          deferred: () => new Sim(),
        });
      default: {
        unsupported ??= unsupportedAction(action.actionType);
        const sim = new Sim();
        sim.settle('failed');
        return sim;
      }
    }
  };

  const runFrom = (index: number): void => {
    if (index >= topLevel.length) {
      shimFinished = true;
      return;
    }
    // Like the shim's `await` in a try/catch: whatever the outcome, go on with the next action.
    invoke(topLevel[index]!).then(() => runFrom(index + 1));
  };

  const expectScheduled = (event: HistoryEvent, kind: Planned['kind']) => {
    const id = event.EventId;
    const p = planned.get(id);
    const what =
      kind === 'activity'
        ? `an activity task with sequence number ${id} named '${event.Name}'`
        : kind === 'timer'
          ? `a timer task with sequence number ${id}`
          : `a sub-orchestration task with sequence number ${id} named '${event.Name}' (instance ID '${event.InstanceId}')`;
    if (!p) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what}, but the current replay execution hasn't (yet?) scheduled this task. ` +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    if (p.kind !== kind) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what}, but the current orchestration replay instead produced a ` +
          `${plannedLabel(p)} with this sequence number. Was a change made to the orchestrator code after this instance had already started running?`,
      );
    }
    if (
      (p.kind === 'activity' || p.kind === 'subOrchestration') &&
      p.name.toLowerCase() !== String(event.Name ?? '').toLowerCase()
    ) {
      const other =
        p.kind === 'activity' ? `an activity task named '${p.name}'` : `a sub-orchestration task named '${p.name}'`;
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${what}, but the current orchestration replay instead scheduled ${other} ` +
          'with this sequence number. Was a change made to the orchestrator code after this instance had already started running?',
      );
    }
    planned.delete(id);
  };

  const complete = (event: HistoryEvent, key: number | undefined, label: string) => {
    if (key === undefined) return;
    const entry = open.get(key);
    if (!entry) return; // a duplicate or a canceled timer: DTFx ignores it
    open.delete(key);
    (inPast ? replayed : answered).push(label);
    entry.onResult(event);
  };

  let started = false;
  const process = (event: HistoryEvent) => {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        now = new Date(event.Timestamp);
        return;
      case EventType.ExecutionStarted:
        if (!started) {
          started = true;
          runFrom(0);
        }
        return;
      case EventType.TaskScheduled:
        return expectScheduled(event, 'activity');
      case EventType.TimerCreated:
        return expectScheduled(event, 'timer');
      case EventType.SubOrchestrationInstanceCreated:
        return expectScheduled(event, 'subOrchestration');
      case EventType.EventSent: {
        const p = planned.get(event.EventId);
        const problem = eventSentMismatch(
          event,
          p === undefined ? undefined : p.kind === 'sendEvent' ? { sendEvent: 'op' } : { other: plannedLabel(p) },
        );
        if (problem) throw new NonDeterminismError(problem);
        planned.delete(event.EventId);
        return;
      }
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        return complete(event, event.TaskScheduledId, `${nameOf(event.TaskScheduledId)}#${event.TaskScheduledId}`);
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        return complete(event, event.TaskScheduledId, `${nameOf(event.TaskScheduledId)}#${event.TaskScheduledId}`);
      case EventType.TimerFired:
        return complete(event, event.TimerId, `timer#${event.TimerId}`);
      case EventType.EventRaised: {
        const name = event.Name ?? '';
        const entityCall = entityCalls.get(name);
        if (entityCall) {
          // An entity's answer (ResponseMessage), named by the request id.
          entityCalls.delete(name);
          (inPast ? replayed : answered).push(entityCall.label);
          entityCall.sim.settle('ok');
          return;
        }
        const list = waiters.get(name);
        const waiter = list?.pop(); // the newest waiter gets the event, like the extension's stack
        if (waiter) {
          (inPast ? replayed : answered).push(`event '${name}'`);
          waiter.settle('ok');
        } else buffered.set(name, (buffered.get(name) ?? 0) + 1);
        return;
      }
      default:
        return;
    }
  };

  // Names of scheduled tasks by sequence number, for log labels.
  const names = new Map<number, string>();
  for (const e of [...ctx.pastEvents, ...ctx.newEvents]) {
    if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated)
      names.set(e.EventId, String(e.Name));
  }
  const nameOf = (id: number | undefined) => (id === undefined ? '?' : (names.get(id) ?? '?'));

  try {
    for (const event of ctx.pastEvents) process(event);
    inPast = false;
    for (const event of ctx.newEvents) process(event);
  } catch (err) {
    if (err instanceof NonDeterminismError) {
      const reason = `Non-Deterministic workflow detected: ${err.message}`;
      return {
        newWork: [],
        completion: {
          status: 'Failed',
          result: reason,
          details: `DurableTask.Core.Exceptions.NonDeterministicOrchestrationException: ${reason}`,
        },
        customStatus: result ? toJsonText(result.customStatus) : null,
        replayed,
        answered,
        nonDeterminism: reason,
      };
    }
    throw err;
  }

  const newWork: NewWork[] = [...planned.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, p]): NewWork => {
      switch (p.kind) {
        case 'activity':
          return { kind: 'activity', id, name: p.name, input: p.input };
        case 'timer':
          return { kind: 'timer', id, fireAt: p.fireAt };
        case 'subOrchestration':
          return { kind: 'subOrchestration', id, name: p.name, instanceId: p.instanceId, input: p.input };
        case 'sendEvent': {
          const { kind: _kind, ...send } = p;
          return { kind: 'entityMessage', id, ...send };
        }
      }
    });

  const customStatus = result ? toJsonText(result.customStatus) : null;
  let completion: Completion | undefined;
  if (unsupported) {
    completion = {
      status: 'Failed',
      result: `Orchestrator function '${ctx.orchestratorName}' failed: ${unsupported}`,
      details: unsupported,
    };
  } else if (result && shimFinished && open.size === 0) {
    // DTFx completes an orchestration only when the shim got past every action and no
    // scheduled task (activity, timer, sub-orchestration) is still outstanding.
    if (result.error !== undefined && result.error !== null) {
      const reason = `Orchestrator function '${ctx.orchestratorName}' failed: ${result.error}`;
      completion = { status: 'Failed', result: reason, details: `Message: ${result.error}` };
    } else if (result.isDone && continueAsNew) {
      completion = { status: 'ContinuedAsNew', result: toJsonText(continueAsNewInput) };
    } else if (result.isDone) {
      completion = { status: 'Completed', result: toJsonText(result.output) };
    }
  }
  return { newWork, completion, customStatus, replayed, answered };
}

/** Schema V2+: one list of top-level actions. V1 (one list per yield) is flattened in order. */
function flattenSchema(result: OrchestratorResult): SdkAction[] {
  const actions = Array.isArray(result.actions) ? result.actions : [];
  if (actions.length <= 1) return (actions[0] ?? []).filter(Boolean);
  return actions.flat().filter(Boolean);
}

/** DTFx RetryInterceptor.ComputeNextDelay (the Node SDK has no `Handle` callback). */
function nextDelay(options: RetryOptionsJson, attempt: number, firstAttempt: number, now: number): number {
  const timeout = options.retryTimeoutInMilliseconds;
  const expiration =
    timeout !== undefined && timeout !== null && Number.isFinite(timeout) && timeout > 0
      ? firstAttempt + timeout
      : Infinity;
  if (!(now < expiration)) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attempt);
  const max = options.maxRetryIntervalInMilliseconds;
  return max !== undefined && max !== null && max > 0 && delay >= max ? max : delay;
}

/** For logs: `Name#id` of every scheduling event, by type. */
/** What the orchestrator asked for, in words, for the actions this host does not run. */
const UNSUPPORTED_ACTIONS: Record<number, string> = {
  [ActionType.ScheduledSignalEntity]: 'sent an entity signal with a delivery time',
  [ActionType.LockEntities]: 'locked entities for a critical section',
  [ActionType.ReleaseEntities]: 'released the entities of a critical section',
};

/** The failure of an orchestrator that used an action this host does not run, naming it. */
function unsupportedAction(actionType: number): string {
  const kind = Object.entries(ActionType).find(([, v]) => v === actionType)?.[0];
  const what = UNSUPPORTED_ACTIONS[actionType];
  if (kind === undefined || what === undefined)
    return `The orchestrator sent ${kind ?? `action ${actionType}`}, which this local host does not know.`;
  return `The orchestrator ${what} (${kind}, action ${actionType}), which this local host does not support yet.`;
}

export function describeWork(work: NewWork): string {
  switch (work.kind) {
    case 'activity':
      return `${work.name}#${work.id}`;
    case 'timer':
      return `timer#${work.id} (fires ${work.fireAt.toISOString()})`;
    case 'subOrchestration':
      return `${work.name}#${work.id} (sub-orchestration ${work.instanceId})`;
    case 'entityMessage':
      return `${describeEntitySend(work)}#${work.id}`;
  }
}
