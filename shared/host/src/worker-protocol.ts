// What the host and the Node worker say to each other. The real Functions host speaks gRPC
// to its Node worker (FunctionsMetadataRequest, InvocationRequest, RpcLog, WorkerTerminate…);
// this host speaks the same conversation over Node's IPC channel, with V8 serialization so
// bytes (HTTP bodies, blob inputs) cross as bytes.

import type {
  RpcFunctionMetadata,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
  FunctionMetadata,
} from './core-types.ts';

/** A function as the worker reports it after indexing the app (the host's view: no handler). */
export interface FunctionDefinition {
  /** functionId: `metadata.functionId` or the name, as the worker does. */
  id: string;
  name: string;
  metadata: RpcFunctionMetadata & { name: string; bindings: FunctionMetadata['bindings'] };
}

/** An error as it crosses the process boundary (the worker's RpcException). */
export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
}

export interface WorkerInvocation {
  invocationId: string;
  functionId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Workshop-only (lab 08): this orchestrator episode replays past events. */
  orchestratorReplay?: boolean;
}

/** Host → worker. */
export type HostToWorker =
  | { type: 'invoke'; id: number; invocation: WorkerInvocation }
  /** FunctionEnvironmentReloadRequest: settings the host learns after the worker started (its own URL). */
  | { type: 'environment'; variables: Record<string, string> }
  /** WorkerTerminate: run appTerminate hooks, then exit. */
  | { type: 'terminate' }
  /**
   * A worker started in standby (`--standby`, placeholder mode) gets its environment, then loads
   * the app, as Azure's placeholder workers get FunctionEnvironmentReloadRequest.
   */
  | { type: 'specialize'; env: Record<string, string> };

/** Worker → host. */
export type WorkerToHost =
  | { type: 'indexed'; functions: FunctionDefinition[] }
  | { type: 'load-error'; message: string }
  /** The worker has taken the invocation up: from now on the function may have run. */
  | { type: 'invocation-started'; id: number }
  | { type: 'invocation-response'; id: number; response: RpcInvocationResponse }
  | { type: 'invocation-failed'; id: number; error: WorkerError }
  | {
      type: 'log';
      level: RpcLogLevel;
      category: RpcLogCategory;
      message: string;
      functionName?: string;
      invocationId?: string;
    }
  | { type: 'terminated' };

export function toWorkerError(err: unknown): WorkerError {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

/** The worker's error, rebuilt on the host side with its own name, message and stack. */
export function fromWorkerError(error: WorkerError): Error {
  const err = new Error(error.message);
  err.name = error.name;
  err.stack = error.stack ?? `${error.name}: ${error.message}`;
  return err;
}
