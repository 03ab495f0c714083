// One invocation, run the way the Node worker runs it when the host sends an
// InvocationRequest: build the CoreInvocationContext, let the app's programming model
// (`@azure/functions`) turn the RPC data into handler arguments, run preInvocation hooks,
// the handler, postInvocation hooks, and let the model turn the result into the RPC response.
// Trigger-agnostic: HTTP requests and, later, durable orchestrations go through here.

import { randomUUID } from 'node:crypto';
import type {
  CoreInvocationContext,
  HookData,
  InvocationState,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from '../core-types.ts';
import { readOnlyProperties, type FunctionsCore, type LogOrigin, type RegisteredFunction } from './functions-core.ts';
import { explainNotAGenerator } from './not-a-generator.ts';

export interface InvocationInput {
  /** Defaults to a new UUID. */
  invocationId?: string;
  /** Trigger and input binding values, by binding name (the host's `inputData`). */
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  traceContext?: RpcInvocationRequest['traceContext'];
  retryContext?: RpcInvocationRequest['retryContext'];
}

class CoreContext implements CoreInvocationContext {
  readonly invocationId: string;
  readonly request: RpcInvocationRequest;
  readonly metadata: RegisteredFunction['metadata'];
  state?: InvocationState;
  readonly origin: LogOrigin;
  readonly #core: FunctionsCore;

  constructor(core: FunctionsCore, fn: RegisteredFunction, request: RpcInvocationRequest & { invocationId: string }) {
    this.#core = core;
    this.invocationId = request.invocationId;
    this.request = request;
    this.metadata = fn.metadata;
    this.origin = { invocationId: request.invocationId, functionName: fn.name };
  }

  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    this.#core.log(level, category, message, this.origin);
  }
}

/**
 * Runs `fn` with the given RPC input and returns the RPC response (`returnValue`,
 * `outputData`). `onUserCode` is called just before the app's own code (hooks, handler) runs. A handler error (or a hook error) is thrown unchanged, after the
 * postInvocation hooks had the chance to replace it, as the worker does.
 */
export async function invoke(
  core: FunctionsCore,
  fn: RegisteredFunction,
  input: InvocationInput,
  onUserCode?: () => void,
): Promise<RpcInvocationResponse> {
  const model = core.programmingModel;
  if (!model) throw new Error('No programming model was registered by the app.');
  const invocationId = input.invocationId ?? randomUUID();
  const request: RpcInvocationRequest & { invocationId: string } = {
    invocationId,
    functionId: fn.id,
    inputData: input.inputData,
    triggerMetadata: input.triggerMetadata ?? {},
    traceContext: input.traceContext ?? { traceParent: null, traceState: null, attributes: {} },
    retryContext: input.retryContext ?? null,
  };
  const coreCtx = new CoreContext(core, fn, request);
  const invocationModel = await model.getInvocationModel(coreCtx);

  const hookData: HookData = {};
  const { context, inputs: initialInputs } = await invocationModel.getArguments();
  coreCtx.origin.invocationContext = context;
  coreCtx.origin.hookData = hookData;

  const hookProperties = readOnlyProperties({
    hookData: () => hookData,
    appHookData: () => core.appHookData,
    invocationContext: () => context,
  });

  const pre = Object.defineProperties({ functionCallback: fn.callback, inputs: initialInputs }, hookProperties);
  // From here on the app's own code runs (its hooks, then the function).
  onUserCode?.();
  coreCtx.state = 'preInvocationHooks';
  try {
    await core.runHooks('preInvocation', pre);
  } finally {
    coreCtx.state = undefined;
  }

  const post = Object.defineProperties(
    { inputs: pre.inputs, result: null as unknown, error: null as unknown },
    hookProperties,
  );
  coreCtx.state = 'invocation';
  try {
    post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (err) {
    post.error = err;
  } finally {
    coreCtx.state = undefined;
  }

  coreCtx.state = 'postInvocationHooks';
  try {
    await core.runHooks('postInvocation', post);
  } finally {
    coreCtx.state = undefined;
  }

  // Like the worker: any error left after the hooks fails the invocation, even a thrown string.
  if (post.error !== null && post.error !== undefined) {
    // Unlike the worker: an orchestrator that is not a generator function (async/await) is named as such.
    const explained = explainNotAGenerator(fn, context, post.error);
    if (explained) {
      coreCtx.log('error', 'system', explained.log);
      throw explained.error;
    }
    throw post.error;
  }
  return await invocationModel.getResponse(context, post.result);
}
