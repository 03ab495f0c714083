// How the host supplies input bindings before an invocation and writes output bindings after
// it. The real host does this in its binding extensions (blob, queue, durable client, ...);
// here each supported binding type is a provider, so more types (e.g. `durableClient`) can be
// added without touching the executor.

import type { RpcBindingInfo, RpcTypedData } from '../core-types.ts';
import type { BindingData } from './binding-expressions.ts';

export interface BindingContext {
  functionName: string;
  invocationId: string;
  /** The binding's name in the function metadata (`blobInput1e2f6ec5ea`, `$return`, ...). */
  bindingName: string;
  binding: RpcBindingInfo;
  /** The trigger's binding data, for binding expressions. */
  bindingData: BindingData;
}

/** Writes the value the function produced for one output binding. */
export type OutputWriter = (value: RpcTypedData) => Promise<void>;

export interface BindingProvider {
  /** Binding type, compared case-insensitively (`blob`, `durableClient`, ...). */
  type: string;
  /** Produces the input value sent to the worker; `null` means "no value" (e.g. missing blob). */
  bindInput?(context: BindingContext): Promise<RpcTypedData | null>;
  /**
   * Prepares an output binding before the invocation (resolving its expressions, so a bad
   * expression fails the invocation up front, as in the real host) and returns its writer.
   */
  prepareOutput?(context: BindingContext): Promise<OutputWriter>;
}

/** A failure to bind one parameter; the message names the binding like the host's does. */
export class BindingError extends Error {
  override name = 'BindingError';
  readonly bindingName: string;
  constructor(bindingName: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Exception binding parameter '${bindingName}'. ${reason}`, { cause });
    this.bindingName = bindingName;
  }
}
