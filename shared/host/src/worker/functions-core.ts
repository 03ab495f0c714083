// The module `@azure/functions-core`, which the real Node worker builds into itself and which
// `@azure/functions` requires to register functions and hooks. Outside the worker that module
// does not exist and the library falls back to "test mode", dropping every handler. We provide
// it the same way the worker does — as a virtual module, resolved before the app loads — so the
// app's own copy of `@azure/functions` registers with this host exactly as in Azure.

import module from 'node:module';
import path from 'node:path';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookData,
  HookName,
  ProgrammingModel,
  RpcFunctionMetadata,
  RpcLogCategory,
  RpcLogLevel,
} from '../core-types.ts';
import type { FunctionDefinition } from '../worker-protocol.ts';

/** Same contract as the worker's Disposable: `dispose()` runs the callback once. */
export class Disposable {
  static from(...disposables: Array<{ dispose(): unknown }>): Disposable {
    let pending: Array<{ dispose(): unknown }> | undefined = disposables;
    return new Disposable(() => {
      for (const d of pending ?? []) {
        if (d && typeof d.dispose === 'function') d.dispose();
      }
      pending = undefined;
    });
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const fn = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return typeof fn === 'function' ? fn() : undefined;
  }
}

/** A function the app registered: what the host sees of it, plus its handler. */
export interface RegisteredFunction extends FunctionDefinition {
  callback: FunctionCallback;
}

/**
 * Receives every log of the app: worker/system logs, and user logs (context.log) after the
 * `log` hooks had their say. `invocationId` is set for logs written during an invocation.
 */
export type CoreLogSink = (entry: {
  level: RpcLogLevel;
  category: RpcLogCategory;
  message: string;
  invocationId?: string;
  functionName?: string;
}) => void;

export interface LogOrigin {
  invocationId?: string;
  functionName?: string;
  /** The context object handed to the function (what a log hook sees as `invocationContext`). */
  invocationContext?: unknown;
  /** The invocation's hook data, shared with its pre/post invocation hooks. */
  hookData?: HookData;
}

/**
 * Properties that read through `getters` and refuse assignment, as the worker's hook contexts
 * do (`hookData`, `appHookData`, `invocationContext`): a hook may change what they hold, not
 * replace them.
 */
export function readOnlyProperties(getters: Record<string, () => unknown>): PropertyDescriptorMap {
  const descriptors: PropertyDescriptorMap = {};
  for (const [name, get] of Object.entries(getters)) {
    descriptors[name] = {
      get,
      set() {
        throw new TypeError(`Cannot assign to read only property '${name}'`);
      },
      enumerable: true,
      configurable: true,
    };
  }
  return descriptors;
}

/** Worker and host versions reported to the app; `@azure/functions` only checks they exist. */
export const WORKER_VERSION = '3.12.0';
export const HOST_VERSION = '4.1037.0';

/**
 * Everything the app registers while it loads: functions, hooks, its programming model.
 * One per process, like the worker's AppContext.
 */
export class FunctionsCore {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    preInvocation: [],
    postInvocation: [],
    appStart: [],
    appTerminate: [],
    log: [],
  };
  /** Shared by all hooks of all scopes (the worker's `appHookData`). */
  readonly appHookData: HookData = {};
  /** Shared only by app-level hooks: appStart/appTerminate. */
  readonly appLevelOnlyHookData: HookData = {};
  programmingModel: ProgrammingModel | undefined;
  /** Set once the app has started: the worker refuses registrations after that. */
  indexingLocked = false;
  /** The entry point being loaded, so a registration can name its script file. */
  currentEntryPoint: string | undefined;
  sink: CoreLogSink;
  #inLogHook = false;

  constructor(sink: CoreLogSink) {
    this.sink = sink;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.indexingLocked) {
      throw new Error('A function can only be registered during app startup.');
    }
    if (!metadata || typeof metadata.name !== 'string' || !metadata.bindings) {
      throw new Error('registerFunction expects metadata with a name and bindings.');
    }
    if (typeof callback !== 'function') {
      throw new Error(`The handler of function "${metadata.name}" is not a function.`);
    }
    const id = metadata.functionId || metadata.name;
    if (this.functions.has(id)) {
      throw new Error(`A function with id "${id}" has already been registered.`);
    }
    const entry = this.currentEntryPoint;
    const rpcMetadata: RegisteredFunction['metadata'] = {
      name: metadata.name,
      functionId: id,
      bindings: metadata.bindings,
      retryOptions: metadata.retryOptions,
      // `rawBindings` is what the real host reads: one JSON document per binding, with its name.
      rawBindings: Object.entries(metadata.bindings).map(([name, b]) => JSON.stringify({ ...b, name })),
      scriptFile: entry ? path.basename(entry) : 'unknown',
      directory: entry ? path.dirname(entry) : null,
    };
    this.functions.set(id, { id, name: metadata.name, metadata: rpcMetadata, callback });
    return new Disposable(() => {
      if (this.indexingLocked) throw new Error('A function can only be disposed during app startup.');
      this.functions.delete(id);
    });
  }

  registerHook(hookName: string, callback: HookCallback): Disposable {
    if (!Object.hasOwn(this.hooks, hookName)) {
      // The worker answers unknown hook names with a RangeError; @azure/functions relies on
      // that (it turns it into "Log hooks require Azure Functions Host v4.34 or higher").
      const err = new RangeError(`Unrecognized hook "${hookName}"`) as RangeError & {
        isAzureFunctionsSystemError?: boolean;
      };
      err.isAzureFunctionsSystemError = true;
      throw err;
    }
    if (typeof callback !== 'function') throw new TypeError(`The ${hookName} hook must be a function.`);
    const list = this.hooks[hookName as HookName];
    list.push(callback);
    return new Disposable(() => {
      const i = list.indexOf(callback);
      if (i >= 0) list.splice(i, 1);
    });
  }

  /** Runs the hooks of one kind in registration order; a throwing hook fails the whole step. */
  async runHooks(hookName: HookName, context: object): Promise<void> {
    for (const hook of [...this.hooks[hookName]]) {
      await hook(context);
    }
  }

  /** Runs appStart hooks, as the worker does right after loading the entry points. */
  async runAppStart(functionAppDirectory: string): Promise<void> {
    await this.runHooks('appStart', this.#appHookContext({ functionAppDirectory }));
  }

  async runAppTerminate(): Promise<void> {
    await this.runHooks('appTerminate', this.#appHookContext({}));
  }

  #appHookContext<T extends object>(extra: T): object {
    return Object.defineProperties(
      { ...extra },
      readOnlyProperties({ hookData: () => this.appLevelOnlyHookData, appHookData: () => this.appHookData }),
    );
  }

  /**
   * The one entry for every log line of the app. `log` hooks see every entry and may change
   * level and message of user logs (as documented for LogHookContext); then the sink prints it.
   */
  log(level: RpcLogLevel, category: RpcLogCategory, message: string, origin: LogOrigin = {}): void {
    let finalLevel = level;
    let finalMessage = message;
    if (this.hooks.log.length > 0 && !this.#inLogHook) {
      const ctx = {
        hookData: origin.hookData ?? {},
        appHookData: this.appHookData,
        invocationContext: origin.invocationContext,
        category,
        level,
        message,
      };
      this.#inLogHook = true;
      try {
        for (const hook of [...this.hooks.log]) hook(ctx);
      } catch (err) {
        this.sink({
          level: 'warning',
          category: 'system',
          message: `A log hook threw: ${err instanceof Error ? err.message : String(err)}`,
          invocationId: origin.invocationId,
          functionName: origin.functionName,
        });
      } finally {
        this.#inLogHook = false;
      }
      if (category === 'user') {
        finalLevel = ctx.level;
        finalMessage = ctx.message;
      }
    }
    this.sink({
      level: finalLevel,
      category,
      message: finalMessage,
      invocationId: origin.invocationId,
      functionName: origin.functionName,
    });
  }

  /** The object the app gets from `require('@azure/functions-core')`. */
  createApi(): object {
    const core = this;
    return Object.freeze({
      version: WORKER_VERSION,
      get hostVersion() {
        return HOST_VERSION;
      },
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
        core.registerFunction(metadata, callback),
      registerHook: (hookName: string, callback: HookCallback) => core.registerHook(hookName, callback),
      setProgrammingModel: (model: ProgrammingModel) => {
        if (core.programmingModel) {
          core.log(
            'information',
            'system',
            `Setting Node.js programming model to "${model.name}" version "${model.version}"`,
          );
        }
        core.programmingModel = model;
      },
      getProgrammingModel: () => core.programmingModel,
      log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => core.log(level, category, message),
      Disposable,
    });
  }
}

const GLOBAL_KEY = Symbol.for('@workshop/host:functions-core');
const VIRTUAL_URL = 'workshop-host:@azure/functions-core';
let hooksInstalled = false;

/**
 * Makes `require('@azure/functions-core')` and `import '@azure/functions-core'` return the API
 * of `core`, for every module loaded after this call (CommonJS and ESM alike). The module
 * hooks are process-wide, so there is one FunctionsCore per process, as in the real worker.
 */
export function installFunctionsCore(core: FunctionsCore): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = core.createApi();
  if (hooksInstalled) return;
  hooksInstalled = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === '@azure/functions-core') {
        return { url: VIRTUAL_URL, format: 'commonjs', shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (url === VIRTUAL_URL) {
        return {
          format: 'commonjs',
          source: `module.exports = globalThis[Symbol.for(${JSON.stringify(GLOBAL_KEY.description)})];`,
          shortCircuit: true,
        };
      }
      return nextLoad(url, context);
    },
  });
}
