// Calling the app's durable functions the way the Durable extension does through the
// Functions host: the orchestrator gets the JSON payload of OrchestrationTriggerAttributeBindingProvider
// (as a string, which the worker parses), activities get their input (one level of JSON decoded,
// so a string input reaches the worker as its JSON text and the worker's JSON parse yields the
// string again), and results come back as the worker's RPC return value.

import type { RpcTypedData } from '../core-types.ts';
import { InvocationFailedError, OUT_OF_PROC_DATA, triggerOf, type FunctionExecutor } from '../executor.ts';
import { FunctionTimeoutError, WorkerExitedError, WorkerUnavailableError } from '../language-worker.ts';
import type { FunctionDefinition } from '../worker-protocol.ts';
import type { HistoryEvent } from './history.ts';
import { MAXIMUM_SHORT_TIMER_MS, LONG_TIMER_INTERVAL_MS, type OrchestratorResult } from './replay.ts';

/** How the real host logs durable invocations: the trigger carries no reason. */
const DURABLE_REASON = '(null)';

/** .NET TimeSpan text ("6.00:00:00"), as Newtonsoft writes the extension's timer settings. */
function timeSpan(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = new Date(ms % 86_400_000).toISOString().slice(11, 19);
  return days > 0 ? `${days}.${rest}` : rest;
}

export interface OrchestratorPayload {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export function orchestratorPayload(args: {
  history: HistoryEvent[];
  input: string | null | undefined;
  instanceId: string;
  parentInstanceId: string | null;
  isReplaying: boolean;
}): OrchestratorPayload {
  let input: unknown = null;
  if (typeof args.input === 'string' && args.input !== '') {
    try {
      input = JSON.parse(args.input);
    } catch {
      input = args.input;
    }
  }
  return {
    history: args.history,
    input,
    instanceId: args.instanceId,
    isReplaying: args.isReplaying,
    parentInstanceId: args.parentInstanceId,
    // The extension announces schema V2 in the old field and V3 in the new one (enum numbers 1, 2).
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: timeSpan(LONG_TIMER_INTERVAL_MS),
    maximumShortTimerDuration: timeSpan(MAXIMUM_SHORT_TIMER_MS),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

function parseTyped(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === 'string') return JSON.parse(data.json);
  if (typeof data.string === 'string') {
    try {
      return JSON.parse(data.string);
    } catch {
      return data.string;
    }
  }
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.bytes) return Buffer.from(data.bytes as Uint8Array).toString('base64');
  return undefined;
}

/**
 * The invocation did not fail by the function's own doing: its worker died, or no worker could
 * load the app (or, for orchestrators, it ran past functionTimeout). The Durable extension
 * treats these as FunctionsRuntimeError and aborts the work item, which goes back to its
 * queue and is tried again (and, after too many tries, becomes a poison message).
 */
export class EpisodeAbortedError extends Error {
  override name = 'SessionAbortedException';
  constructor(functionName: string, cause: Error) {
    super(`An internal error occurred while attempting to execute '${functionName}': ${cause.message}`, { cause });
  }
}

function isPlatformFailure(cause: unknown, options: { timeoutIsPlatform: boolean }): boolean {
  if (cause instanceof WorkerExitedError || cause instanceof WorkerUnavailableError) return true;
  return options.timeoutIsPlatform && cause instanceof FunctionTimeoutError;
}

export type OrchestratorOutcome = { result: OrchestratorResult } | { invocationError: string };

/** Runs one episode of the orchestrator function and returns the SDK's state (or its failure). */
export async function invokeOrchestrator(
  executor: FunctionExecutor,
  fn: FunctionDefinition,
  payload: OrchestratorPayload,
): Promise<OrchestratorOutcome> {
  try {
    const { response } = await executor.execute({
      fn,
      triggerValue: { string: JSON.stringify(payload) },
      reason: DURABLE_REASON,
      triggerMetadata: { instanceId: { string: payload.instanceId } },
      // WORKSHOP_DURABLE_PERTURB_REPLAY (lab 08): a replay sees another clock and random source.
      orchestratorReplay: payload.isReplaying,
    });
    const value = parseTyped(response.returnValue);
    if (!value || typeof value !== 'object' || !('actions' in value)) {
      return {
        invocationError:
          'The function invocation resulted in a null response. This means that either the orchestrator function was implemented ' +
          'incorrectly, the Durable Task language SDK was implemented incorrectly, or that the destination language worker is not ' +
          'sending the function result back to the host.',
      };
    }
    return { result: value as OrchestratorResult };
  } catch (err) {
    const cause = err instanceof InvocationFailedError ? err.cause : err;
    // A platform failure, not the orchestrator's: the extension aborts the episode and retries it.
    if (isPlatformFailure(cause, { timeoutIsPlatform: true })) throw new EpisodeAbortedError(fn.name, cause as Error);
    const message = cause instanceof Error ? cause.message : String(cause);
    const at = message.indexOf(OUT_OF_PROC_DATA);
    if (at >= 0) {
      try {
        return { result: JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorResult };
      } catch {
        // fall through: report the raw message
      }
    }
    return { invocationError: message };
  }
}

/**
 * The activity trigger's binding data, for binding expressions such as a blob output's
 * `backups/{backupPath}` (the official backupSiteContent sample): the top-level properties of an
 * object input, then `instanceId`, the trigger's name and `data` (the input), which win on a
 * clash like the extension's ActivityTriggerAttributeBindingProvider.
 */
function activityBindingData(fn: FunctionDefinition, input: unknown, instanceId: string): Record<string, unknown> {
  const data: Record<string, unknown> =
    input && typeof input === 'object' && !Array.isArray(input) ? { ...(input as Record<string, unknown>) } : {};
  const set = (key: string, value: unknown) => {
    for (const k of Object.keys(data)) if (k.toLowerCase() === key.toLowerCase()) delete data[k];
    data[key] = value;
  };
  set('instanceId', instanceId);
  set(triggerOf(fn).name, input);
  set('data', input);
  return data;
}

export type ActivityOutcome = { ok: true; result: string | null } | { ok: false; reason: string; details: string };

/** Runs one activity execution with its TaskScheduled input (JSON text). */
export async function invokeActivity(
  executor: FunctionExecutor,
  fn: FunctionDefinition,
  input: string | null | undefined,
  instanceId: string,
): Promise<ActivityOutcome> {
  let triggerValue: RpcTypedData | null = null;
  let token: unknown = null;
  if (typeof input === 'string' && input !== '' && input !== 'null') {
    // DTFx's parameter array (replay.ts activityParameters): the activity's input is its first element.
    const parameters: unknown = JSON.parse(input);
    token = Array.isArray(parameters) ? (parameters[0] ?? null) : parameters;
    if (token !== null) triggerValue = typeof token === 'string' ? { string: token } : { json: JSON.stringify(token) };
  }
  try {
    const { response } = await executor.execute({
      fn,
      triggerValue: triggerValue ?? { json: 'null' },
      reason: DURABLE_REASON,
      triggerMetadata: { instanceId: { string: instanceId } },
      bindingData: activityBindingData(fn, token, instanceId),
    });
    const data = response.returnValue;
    if (!data) return { ok: true, result: null };
    if (typeof data.json === 'string') return { ok: true, result: data.json };
    if (typeof data.string === 'string') return { ok: true, result: JSON.stringify(data.string) };
    const value = parseTyped(data);
    return { ok: true, result: value === undefined ? null : JSON.stringify(value) };
  } catch (err) {
    const cause = err instanceof InvocationFailedError ? err.cause : err;
    // The worker died under it: retried. A timeout is the activity's own failure (TaskFailed), as in the extension.
    if (isPlatformFailure(cause, { timeoutIsPlatform: false })) throw new EpisodeAbortedError(fn.name, cause as Error);
    const message = cause instanceof Error ? cause.message : String(cause);
    const details = JSON.stringify({
      $type: 'System.Exception, System.Private.CoreLib',
      ClassName: cause instanceof Error ? cause.name : 'Error',
      Message: message,
      StackTrace: cause instanceof Error ? (cause.stack ?? null) : null,
    });
    return { ok: false, reason: `Activity function '${fn.name}' failed: ${message}`, details };
  }
}
