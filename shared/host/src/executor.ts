// The host's side of one invocation, around the worker's side (worker/invoke.ts, in the worker
// process): log "Executing ..." like the Functions host, bind the input bindings from the
// trigger's binding data, have the worker run the function, write its output bindings, log
// "Executed ... (Succeeded|Failed)". Trigger-agnostic: the HTTP server and the durable engine
// call `execute`.

import { randomUUID } from 'node:crypto';
import type { RpcBindingInfo, RpcInvocationResponse, RpcParameterBinding, RpcTypedData } from './core-types.ts';
import type { FunctionDefinition, WorkerInvocation } from './worker-protocol.ts';
import type { BindingData } from './bindings/binding-expressions.ts';
import {
  BindingError,
  type BindingContext,
  type BindingProvider,
  type OutputWriter,
} from './bindings/binding-provider.ts';
import { HostStoppingError } from './language-worker.ts';

/** Where invocations run: the Node worker (language-worker.ts), or a stand-in in tests. */
export interface InvocationRunner {
  invoke(fn: FunctionDefinition, invocation: Omit<WorkerInvocation, 'functionId'>): Promise<RpcInvocationResponse>;
}

export type HostLog = (level: 'information' | 'warning' | 'error' | 'debug', message: string) => void;

export interface ExecuteRequest {
  fn: FunctionDefinition;
  /** The trigger's value as the worker receives it (e.g. `{ http: RpcHttpData }`). */
  triggerValue: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Values for binding expressions (`{Query.x}`, route parameters, ...). */
  bindingData?: BindingData;
  /** Shown in the "Executing" line, e.g. the HTTP reason the real host prints. */
  reason: string;
  /** Output binding types the caller turns into its own result (e.g. `http`). */
  callerHandledOutputs?: string[];
  invocationId?: string;
  /** Workshop-only (lab 08): the worker runs this orchestrator replay with another clock and random source. */
  orchestratorReplay?: boolean;
}

export interface ExecuteResult {
  invocationId: string;
  response: RpcInvocationResponse;
  durationMs: number;
}

/** An invocation that failed; the details were logged to the host console already. */
export class InvocationFailedError extends Error {
  override name = 'InvocationFailedError';
  readonly invocationId: string;
  readonly functionName: string;
  constructor(functionName: string, invocationId: string, cause: unknown) {
    super(`Exception while executing function: Functions.${functionName}`, { cause });
    this.invocationId = invocationId;
    this.functionName = functionName;
  }
}

export function isTriggerType(type: string | null | undefined): boolean {
  return typeof type === 'string' && type.toLowerCase().endsWith('trigger');
}

export function triggerOf(fn: FunctionDefinition): { name: string; binding: RpcBindingInfo } {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (isTriggerType(binding.type)) return { name, binding };
  }
  throw new Error(`Function "${fn.name}" has no trigger binding.`);
}

/** The text of an error as the host prints it: message, then the stack. */
function describeFailure(err: unknown): string {
  if (err instanceof BindingError || err instanceof HostStoppingError) return err.message;
  if (err instanceof Error) {
    const failure = orchestratorFailure(err.message);
    if (failure !== undefined) {
      const ownStack = err.stack && !err.stack.includes(OUT_OF_PROC_DATA) ? `\nStack: ${err.stack}` : '';
      return `Result: Failure\nException: ${failure}${ownStack}`;
    }
    const stack =
      err.stack && err.stack.includes(err.message) ? err.stack : `${err.name}: ${err.message}\n${err.stack ?? ''}`;
    return `Result: Failure\nException: ${err.message}\nStack: ${stack}`;
  }
  return `Result: Failure\nException: ${String(err)}`;
}

/** The marker after which the durable SDK appends the orchestrator's whole state to its error. */
export const OUT_OF_PROC_DATA = '$OutOfProcData$:';

/**
 * The orchestrator's own error, for an orchestrator failure the durable SDK reports as its
 * message, a marker and the orchestrator's state as JSON (the engine reads that state; a person
 * reading the log wants the error, not the state); undefined for any other error.
 */
function orchestratorFailure(message: string): string | undefined {
  const at = message.indexOf(OUT_OF_PROC_DATA);
  if (at < 0) return undefined;
  try {
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA.length)) as { error?: unknown };
    if (typeof state.error === 'string' && state.error !== '') return state.error;
  } catch {
    // not the SDK's state after all: the text before the marker says what there is
  }
  return message.slice(0, at).trim();
}

export class FunctionExecutor {
  readonly #worker: InvocationRunner;
  readonly #providers = new Map<string, BindingProvider>();
  readonly #log: HostLog;

  constructor(worker: InvocationRunner, providers: BindingProvider[], log: HostLog) {
    this.#worker = worker;
    this.#log = log;
    for (const p of providers) this.#providers.set(p.type.toLowerCase(), p);
  }

  /** Binding types of `fn` that no provider handles (for a warning at startup). */
  unsupportedBindings(fn: FunctionDefinition, callerHandled: string[] = []): string[] {
    const handled = new Set(callerHandled.map((t) => t.toLowerCase()));
    return Object.values(fn.metadata.bindings)
      .map((b) => String(b.type ?? ''))
      .filter((t) => !isTriggerType(t) && !handled.has(t.toLowerCase()) && !this.#providers.has(t.toLowerCase()));
  }

  async execute(request: ExecuteRequest): Promise<ExecuteResult> {
    const { fn } = request;
    const invocationId = request.invocationId ?? randomUUID();
    const started = performance.now();
    this.#log('information', `Executing 'Functions.${fn.name}' (Reason='${request.reason}', Id=${invocationId})`);
    try {
      const response = await this.#run(request, invocationId);
      const durationMs = Math.round(performance.now() - started);
      this.#log(
        'information',
        `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`,
      );
      return { invocationId, response, durationMs };
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      if (err instanceof HostStoppingError) {
        // Ctrl+C, not the app's fault: said as what happens next, not as an exception.
        this.#log(
          'information',
          `Executed 'Functions.${fn.name}' (Cancelled, Id=${invocationId}, Duration=${durationMs}ms)`,
        );
        this.#log('information', err.message);
      } else {
        this.#log('error', `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms)`);
        this.#log('error', `Exception while executing function: Functions.${fn.name}. ${describeFailure(err)}`);
      }
      throw new InvocationFailedError(fn.name, invocationId, err);
    }
  }

  async #run(request: ExecuteRequest, invocationId: string): Promise<RpcInvocationResponse> {
    const { fn } = request;
    const trigger = triggerOf(fn);
    const callerHandled = new Set((request.callerHandledOutputs ?? []).map((t) => t.toLowerCase()));
    const contextFor = (bindingName: string, binding: RpcBindingInfo): BindingContext => ({
      functionName: fn.name,
      invocationId,
      bindingName,
      binding,
      bindingData: request.bindingData ?? {},
    });

    const inputData: RpcParameterBinding[] = [{ name: trigger.name, data: request.triggerValue }];
    const outputs: Array<{ name: string; type: string; writer: OutputWriter | undefined }> = [];
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (name === trigger.name) continue;
      const type = String(binding.type ?? '');
      const provider = this.#providers.get(type.toLowerCase());
      if (binding.direction === 'in' || binding.direction === 'inout') {
        if (!provider?.bindInput) {
          throw new BindingError(name, `The binding type '${type}' is not supported by this local host.`);
        }
        try {
          inputData.push({ name, data: await provider.bindInput(contextFor(name, binding)) });
        } catch (err) {
          throw new BindingError(name, err);
        }
      }
      if ((binding.direction === 'out' || binding.direction === 'inout') && !callerHandled.has(type.toLowerCase())) {
        let writer: OutputWriter | undefined;
        if (provider?.prepareOutput) {
          try {
            writer = await provider.prepareOutput(contextFor(name, binding));
          } catch (err) {
            throw new BindingError(name, err);
          }
        }
        outputs.push({ name, type, writer });
      }
    }

    const response = await this.#worker.invoke(fn, {
      invocationId,
      inputData,
      ...(request.triggerMetadata ? { triggerMetadata: request.triggerMetadata } : {}),
      ...(request.orchestratorReplay ? { orchestratorReplay: true } : {}),
    });

    for (const output of outputs) {
      const value =
        output.name === '$return'
          ? response.returnValue
          : response.outputData?.find((o) => o.name === output.name)?.data;
      if (value === null || value === undefined) continue;
      if (!output.writer) {
        throw new BindingError(
          output.name,
          `The binding type '${output.type}' is not supported by this local host; the value was not written.`,
        );
      }
      try {
        await output.writer(value);
      } catch (err) {
        throw new BindingError(output.name, err);
      }
    }
    return response;
  }
}
