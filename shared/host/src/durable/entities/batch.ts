// One batch of entity operations, run as the Durable extension runs an out-of-process (Node)
// entity: the entity trigger gets one JSON string for the whole batch
// (EntityTriggerAttributeBindingProvider.EntityContextToString: `{self, exists, state, batch}`),
// the SDK's Entity.handle calls the app's function once per operation and returns
// `{entityExists, entityState, results, signals}` (TaskEntityShim.OutOfProcResult). Sources:
// docs/design/durable-entities.md §1.

import type { RpcTypedData } from '../../core-types.ts';
import { InvocationFailedError, type FunctionExecutor } from '../../executor.ts';
import { FunctionTimeoutError } from '../../language-worker.ts';
import type { FunctionDefinition } from '../../worker-protocol.ts';
import { EpisodeAbortedError } from '../invokers.ts';

export interface EntityIdJson {
  name: string;
  key: string;
}

/** The entity trigger's value (EntityContextToString). */
export interface EntityBatchRequest {
  self: EntityIdJson;
  exists: boolean;
  /** The state as JSON text, or null. */
  state: string | null;
  batch: Array<{ name: string; input: string | null; isSignal: boolean }>;
}

export interface EntityOperationResult {
  /** JSON text of the result (or of the error), when there is one. */
  result?: string | null;
  isError: boolean;
  duration: number;
}

export interface EntitySignal {
  target: EntityIdJson;
  name: string;
  input?: string | null;
}

/** What the extension reads of the SDK's EntityState (TaskEntityShim.OutOfProcResult). */
export interface EntityBatchResult {
  entityExists: boolean;
  entityState: string | null;
  /** One per operation of the batch, in order. */
  results: EntityOperationResult[];
  signals: EntitySignal[];
}

/** How the real host logs durable invocations: the trigger carries no reason. */
const DURABLE_REASON = '(null)';

function returned(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === 'string') return JSON.parse(data.json);
  if (typeof data.string === 'string') return JSON.parse(data.string);
  return undefined;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The SDK's EntityState as the extension deserializes it; throws when it is not one. */
function asBatchResult(value: unknown, operations: number): EntityBatchResult {
  if (!value || typeof value !== 'object') throw new Error('no object');
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.results) || v.results.length < operations) throw new Error('fewer results than operations');
  return {
    entityExists: v.entityExists === true,
    entityState: text(v.entityState),
    results: (v.results as Array<Record<string, unknown>>).slice(0, operations).map((r) => ({
      result: text(r?.result),
      isError: r?.isError === true,
      duration: typeof r?.duration === 'number' ? r.duration : 0,
    })),
    signals: (Array.isArray(v.signals) ? (v.signals as Array<Record<string, unknown>>) : []).map((s) => {
      const target = (s?.target ?? {}) as Record<string, unknown>;
      return {
        target: { name: String(target.name ?? ''), key: String(target.key ?? '') },
        name: String(s?.name ?? ''),
        input: text(s?.input),
      };
    }),
  };
}

/**
 * Runs one batch through the entity function. As TaskEntityShim.ExecuteOutOfProcBatch: past
 * functionTimeout every operation fails with the timeout's message and the state stays as it
 * was; a worker that died, or an answer that is no batch result ("Out of proc orchestrators must
 * return a valid JSON schema."), aborts the work item, which is retried (EpisodeAbortedError).
 */
export async function invokeEntity(
  executor: FunctionExecutor,
  fn: FunctionDefinition,
  request: EntityBatchRequest,
  instanceId: string,
): Promise<EntityBatchResult> {
  let value: unknown;
  try {
    const { response } = await executor.execute({
      fn,
      triggerValue: { string: JSON.stringify(request) },
      reason: DURABLE_REASON,
      triggerMetadata: { instanceId: { string: instanceId } },
    });
    value = returned(response.returnValue);
  } catch (err) {
    const cause = err instanceof InvocationFailedError ? err.cause : err;
    if (cause instanceof FunctionTimeoutError) {
      return {
        entityExists: request.exists,
        entityState: request.state,
        results: request.batch.map(() => ({ result: cause.message, isError: true, duration: 0 })),
        signals: [],
      };
    }
    throw new EpisodeAbortedError(fn.name, cause instanceof Error ? cause : new Error(String(cause)));
  }
  try {
    return asBatchResult(value, request.batch.length);
  } catch (err) {
    throw new EpisodeAbortedError(
      fn.name,
      new Error(`Out of proc orchestrators must return a valid JSON schema. (${(err as Error).message})`),
    );
  }
}
