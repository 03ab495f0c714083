// The `@azure/functions-core` registry on its own: the rules the Node worker enforces.

import { describe, expect, it } from 'vitest';
import { Disposable, FunctionsCore } from '../src/worker/functions-core.ts';

const metadata = (name: string) => ({
  name,
  bindings: {
    httpTrigger1: { type: 'httpTrigger', direction: 'in' as const },
    $return: { type: 'http', direction: 'out' as const },
  },
});

describe('FunctionsCore', () => {
  it('records registrations with the rawBindings the host reads', () => {
    const core = new FunctionsCore(() => {});
    core.currentEntryPoint = '/app/src/functions/hello.ts';
    core.registerFunction(metadata('hello'), () => 'hi');
    const fn = core.functions.get('hello')!;
    expect(fn.metadata.scriptFile).toBe('hello.ts');
    expect(fn.metadata.rawBindings).toEqual([
      JSON.stringify({ type: 'httpTrigger', direction: 'in', name: 'httpTrigger1' }),
      JSON.stringify({ type: 'http', direction: 'out', name: '$return' }),
    ]);
  });

  it('rejects duplicates and late registrations, and disposes during startup only', () => {
    const core = new FunctionsCore(() => {});
    const registration = core.registerFunction(metadata('a'), () => {});
    expect(() => core.registerFunction(metadata('a'), () => {})).toThrow(
      'A function with id "a" has already been registered.',
    );
    registration.dispose();
    expect(core.functions.has('a')).toBe(false);
    core.indexingLocked = true;
    expect(() => core.registerFunction(metadata('b'), () => {})).toThrow(
      'A function can only be registered during app startup.',
    );
  });

  it('answers unknown hook names with a RangeError, as @azure/functions expects', () => {
    const core = new FunctionsCore(() => {});
    expect(() => core.registerHook('nope', () => {})).toThrow(RangeError);
    const hook = core.registerHook('preInvocation', () => {});
    expect(core.hooks.preInvocation).toHaveLength(1);
    hook.dispose();
    expect(core.hooks.preInvocation).toHaveLength(0);
  });

  it('lets log hooks rewrite user logs but not system logs', () => {
    const seen: string[] = [];
    const core = new FunctionsCore((entry) => seen.push(`${entry.category}/${entry.level}: ${entry.message}`));
    core.registerHook('log', (ctx: { message: string; level: string }) => {
      ctx.message = ctx.message.toUpperCase();
      ctx.level = 'error';
    });
    core.log('information', 'user', 'hello');
    core.log('information', 'system', 'quiet');
    expect(seen).toEqual(['user/error: HELLO', 'system/information: quiet']);
  });

  it('exposes the API object the library requires', () => {
    const api = new FunctionsCore(() => {}).createApi() as Record<string, unknown>;
    for (const key of ['registerFunction', 'registerHook', 'setProgrammingModel', 'getProgrammingModel', 'log']) {
      expect(typeof api[key]).toBe('function');
    }
    expect(api.Disposable).toBe(Disposable);
    expect(typeof api.version).toBe('string');
    expect(typeof api.hostVersion).toBe('string');
  });

  it('Disposable.from disposes everything once', () => {
    let count = 0;
    const all = Disposable.from({ dispose: () => count++ }, new Disposable(() => count++));
    all.dispose();
    all.dispose();
    expect(count).toBe(2);
  });
});
